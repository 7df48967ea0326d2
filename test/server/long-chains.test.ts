// Long chains: a 6,000-step chain used to overflow graphlib's recursive topological sort at run time (500) while
// /workflows/validate said ok. Ordering is iterative now; above the step limit both endpoints answer the same 400.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { post } from './http.ts';

let server: RunningServer;
let capped: RunningServer;
before(async () => {
  server = await startTestServer();
  capped = await startTestServer({ config: { maxWorkflowSteps: 100 } });
});
after(async () => {
  await server?.close();
  await capped?.close();
});

function chain(n: number) {
  const steps = [];
  for (let i = 0; i < n; i++)
    steps.push({
      type: 'roboflow_core/first_non_empty_or_default@v1',
      name: `s${i}`,
      data: [i === 0 ? '$inputs.x' : `$steps.s${i - 1}.output`],
      default: 0,
    });
  return {
    version: '1.0',
    inputs: [{ type: 'WorkflowParameter', name: 'x' }],
    steps,
    outputs: [{ type: 'JsonField', name: 'out', selector: `$steps.s${n - 1}.output` }],
  };
}

test('a 6,000-step chain validates and runs', async () => {
  const definition = chain(6000);
  const validated = await post(server, '/workflows/validate', definition);
  assert.equal(validated.status, 200, JSON.stringify(validated.body).slice(0, 300));
  const ran = await post(server, '/workflows/run', { specification: definition, inputs: { x: 7 } });
  assert.equal(ran.status, 200, JSON.stringify(ran.body).slice(0, 300));
  assert.deepEqual(ran.body.outputs, [{ out: 7 }]);
});

test('above the step limit validate and run agree on a 400 naming the limit', async () => {
  const definition = chain(101);
  const validated = await post(capped, '/workflows/validate', definition);
  const ran = await post(capped, '/workflows/run', { specification: definition, inputs: { x: 7 } });
  for (const answer of [validated, ran]) {
    assert.equal(answer.status, 400, JSON.stringify(answer.body).slice(0, 300));
    assert.match(answer.body.message, /101 steps.*at most 100 steps \(WORKFLOWS_MAX_STEPS\)/);
  }
  assert.equal((await post(capped, '/workflows/validate', chain(100))).status, 200);
});
