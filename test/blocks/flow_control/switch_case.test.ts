// switch_case@v1 definition rules over HTTP (Roboflow's manifest validator): a duplicated target, across cases or
// between cases and default_next_steps, and case-insensitive key collisions are WorkflowSyntaxError (400) whose
// inner error says why; case-sensitive `Red`/`red` are fine; routing still runs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { post } from '../../server/http.ts';

let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.close();
});

function workflow(switchStep: Record<string, unknown>) {
  return {
    version: '1.0',
    inputs: [{ type: 'WorkflowParameter', name: 'route' }],
    steps: [
      { type: 'roboflow_core/switch_case@v1', name: 'router', value: '$inputs.route', ...switchStep },
      ...['on_a', 'on_b', 'on_default'].map((name) => ({
        type: 'roboflow_core/property_definition@v1',
        name,
        data: '$inputs.route',
        operations: [],
      })),
    ],
    outputs: ['on_a', 'on_b', 'on_default'].map((name) => ({
      type: 'JsonField',
      name,
      selector: `$steps.${name}.output`,
    })),
  };
}

describe('switch_case@v1', () => {
  test('routes a/b/other to on_a/on_b/on_default; no match without default terminates', async () => {
    const spec = workflow({
      cases: { a: '$steps.on_a', b: '$steps.on_b' },
      default_next_steps: ['$steps.on_default'],
    });
    for (const [route, ran] of [
      ['a', 'on_a'],
      ['b', 'on_b'],
      ['c', 'on_default'],
    ]) {
      const res = await post(server, '/workflows/run', { specification: spec, inputs: { route } });
      assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
      for (const name of ['on_a', 'on_b', 'on_default']) {
        assert.equal(res.body.outputs[0][name] === null, name !== ran, `${route}: ${name}`);
      }
    }
    const noDefault = workflow({ cases: { a: '$steps.on_a', b: '$steps.on_b' } });
    const res = await post(server, '/workflows/run', { specification: noDefault, inputs: { route: 'z' } });
    assert.equal(res.status, 200);
    // on_default is not a target here, so it is not gated.
    assert.deepEqual(res.body.outputs[0], { on_a: null, on_b: null, on_default: 'z' });
  });

  for (const [label, step] of [
    ['twice in cases', { cases: { a: '$steps.on_a', b: '$steps.on_a' } }],
    ['in cases and default', { cases: { a: '$steps.on_a' }, default_next_steps: ['$steps.on_a'] }],
  ] as const) {
    test(`a target ${label} → WorkflowSyntaxError 400`, async () => {
      const res = await post(server, '/workflows/validate', workflow(step));
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error_type, 'WorkflowSyntaxError');
      assert.match(res.body.inner_error_message, /targeted at most once/);
      assert.match(res.body.inner_error_message, /Duplicated targets: \['\$steps\.on_a'\]/);
      assert.equal(res.body.blocks_errors[0].block_id, 'router');
    });
  }

  test('case-insensitive collisions are refused; case-sensitive Red/red are fine', async () => {
    const cases = { Red: '$steps.on_a', red: '$steps.on_b' };
    const bad = await post(server, '/workflows/validate', workflow({ cases, case_insensitive: true }));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error_type, 'WorkflowSyntaxError');
    assert.match(bad.body.inner_error_message, /collide when case_insensitive is enabled/);
    const ok = await post(server, '/workflows/validate', workflow({ cases }));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  test('a case target that is not a step selector is a WorkflowSyntaxError', async () => {
    const res = await post(server, '/workflows/validate', workflow({ cases: { a: '$inputs.route' } }));
    assert.equal(res.status, 400);
    assert.equal(res.body.error_type, 'WorkflowSyntaxError');
  });
});
