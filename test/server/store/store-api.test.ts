// The /workspaces REST API over a real server: versions, restore, drafts, conflicts, id validation.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { jsonRequest, rawRequest } from './http.ts';

// Compiles with the engine's core blocks alone (no model, no image).
const VALID = {
  version: '1.0',
  inputs: [{ type: 'WorkflowParameter', name: 'text', default_value: 'abc' }],
  steps: [
    {
      type: 'roboflow_core/property_definition@v1',
      name: 'upper',
      data: '$inputs.text',
      operations: [{ type: 'StringToUpperCase' }],
    },
  ],
  outputs: [{ type: 'JsonField', name: 'upper', selector: '$steps.upper.output' }],
};
const INVALID = { ...VALID, outputs: [{ type: 'JsonField', name: 'x', selector: '$steps.missing.output' }] };
const draftOf = (n: number) => ({ version: '1.0', inputs: [], steps: [], outputs: [], note: n });

let server: RunningServer;
const call = (method: string, p: string, body?: unknown) => jsonRequest(server.url, method, p, body);

describe('workspace store API', () => {
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  test('versions: create, list, get by version, restore, delete', async () => {
    const first = await call('PUT', '/workspaces/team/workflows/flow', {
      definition: draftOf(1),
      draft: true,
      author: 'ann',
      message: 'first',
    });
    assert.equal(first.status, 201);
    assert.equal(first.body.version, 1);
    assert.equal(first.body.author, 'ann');
    const second = await call('PUT', '/workspaces/team/workflows/flow', {
      definition: draftOf(2),
      draft: true,
      base_version: 1,
    });
    assert.equal(second.status, 200);
    assert.equal(second.body.version, 2);

    const latest = await call('GET', '/workspaces/team/workflows/flow');
    assert.equal(latest.body.version, 2);
    assert.deepEqual(latest.body.definition, draftOf(2));
    const v1 = await call('GET', '/workspaces/team/workflows/flow?version=1');
    assert.deepEqual(v1.body.definition, draftOf(1));
    assert.equal(v1.body.message, 'first');
    assert.equal((await call('GET', '/workspaces/team/workflows/flow?version=7')).status, 404);

    const versions = await call('GET', '/workspaces/team/workflows/flow/versions');
    assert.deepEqual(
      versions.body.versions.map((v: { version: number }) => v.version),
      [1, 2],
    );
    assert.equal('definition' in versions.body.versions[0], false);

    const restored = await call('POST', '/workspaces/team/workflows/flow/versions/1/restore', { author: 'bob' });
    assert.equal(restored.status, 200);
    assert.equal(restored.body.version, 3);
    assert.deepEqual(restored.body.definition, draftOf(1));
    assert.equal((await call('GET', '/workspaces/team/workflows/flow')).body.version, 3);

    const list = await call('GET', '/workspaces/team/workflows');
    assert.deepEqual(
      list.body.workflows.map((w: { id: string; latest_version: number }) => [w.id, w.latest_version]),
      [['flow', 3]],
    );
    const workspaces = await call('GET', '/workspaces');
    assert.deepEqual(workspaces.body.workspaces, [{ name: 'team', workflows: 1 }]);

    assert.equal((await call('DELETE', '/workspaces/team/workflows/flow')).status, 204);
    assert.equal((await call('GET', '/workspaces/team/workflows/flow')).status, 404);
    assert.equal((await call('DELETE', '/workspaces/team/workflows/flow')).status, 404);
  });

  test('an invalid definition is saved as a draft and refused otherwise, with the compile error', async () => {
    const draft = await call('PUT', '/workspaces/team/workflows/broken', { definition: INVALID, draft: true });
    assert.equal(draft.status, 201);
    assert.equal(draft.body.draft, true);
    const refused = await call('PUT', '/workspaces/team/workflows/broken', { definition: INVALID });
    const validate = await call('POST', '/workflows/validate', INVALID);
    assert.equal(refused.status, 400);
    // Each error body carries its own request's id; the rest is the same compile error.
    const { request_id: refusedId, ...refusedError } = refused.body;
    const { request_id: validateId, ...validateError } = validate.body;
    assert.equal(typeof refusedId, 'string');
    assert.equal(typeof validateId, 'string');
    assert.notEqual(refusedId, validateId);
    assert.deepEqual(refusedError, validateError);
    assert.equal((await call('GET', '/workspaces/team/workflows/broken')).body.version, 1);
    const valid = await call('PUT', '/workspaces/team/workflows/broken', { definition: VALID, base_version: 1 });
    assert.equal(valid.status, 200);
    assert.equal(valid.body.draft, false);
  });

  test('two clients saving from the same base version: one wins, the other gets 409 with the current version', async () => {
    await call('PUT', '/workspaces/team/workflows/race', { definition: draftOf(0), draft: true });
    const [a, b] = await Promise.all([
      call('PUT', '/workspaces/team/workflows/race', { definition: draftOf(10), draft: true, base_version: 1 }),
      call('PUT', '/workspaces/team/workflows/race', { definition: draftOf(20), draft: true, base_version: 1 }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409]);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 409 ? b : a;
    assert.equal(loser.body.current_version, 2);
    assert.match(loser.body.message, /race/);
    const latest = await call('GET', '/workspaces/team/workflows/race');
    assert.deepEqual(latest.body.definition, winner.body.definition);
    assert.equal(latest.body.version, 2);
  });

  test('many concurrent saves without a base version all land as distinct versions', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call('PUT', '/workspaces/team/workflows/burst', { definition: draftOf(i), draft: true }),
      ),
    );
    const versions = results.map((r) => r.body.version).sort((x: number, y: number) => x - y);
    assert.deepEqual(
      versions,
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    const listed = await call('GET', '/workspaces/team/workflows/burst/versions');
    assert.equal(listed.body.versions.length, 12);
  });

  test('malformed ids answer 400 and nothing is written outside the store', async () => {
    const store = path.join(server.config.dataDir, 'workspaces');
    const before = snapshot(server.config.dataDir);
    const long = 'a'.repeat(1000);
    const attempts: Array<[string, string]> = [
      ['PUT', '/workspaces/team/workflows/..'],
      ['PUT', '/workspaces/../workflows/escape'],
      ['PUT', '/workspaces/team/workflows/%2e%2e'],
      ['PUT', '/workspaces/%2e%2e/workflows/escape'],
      ['PUT', '/workspaces/team/workflows/..%2f..%2fescape'],
      ['PUT', '/workspaces/team/workflows/a%2fb'],
      ['PUT', '/workspaces/team/workflows/a/b'],
      ['PUT', '/workspaces/team/workflows/a%5cb'],
      ['PUT', '/workspaces/team/workflows/bad%00id'],
      ['PUT', `/workspaces/team/workflows/${long}`],
      ['PUT', `/workspaces/${long}/workflows/ok`],
      ['GET', '/workspaces/team/workflows/%2e%2e'],
      ['GET', '/workspaces/team/workflows/..%2f..%2fetc'],
      ['GET', '/workspaces/team/workflows/ok?version=..'],
      ['DELETE', '/workspaces/%2e%2e/workflows/team'],
      ['POST', '/workspaces/team/workflows/ok/versions/..%2f1/restore'],
      ['POST', '/%2e%2e/workflows/escape'],
      ['POST', '/team/workflows/..%2fescape'],
    ];
    for (const [method, p] of attempts) {
      const res = await rawRequest(
        server.url,
        method,
        p,
        method === 'PUT' ? { definition: draftOf(0), draft: true } : {},
      );
      assert.equal(res.status, 400, `${method} ${p} → ${res.status} ${res.body}`);
      assert.match(res.json().message, /workspace|workflow_id|version|ids/, `${method} ${p}`);
    }
    const after = snapshot(server.config.dataDir);
    const added = after.filter((f) => !before.includes(f));
    for (const file of added) assert.ok(file.startsWith(store + path.sep), `created outside the store: ${file}`);
    assert.equal(
      added.some((f) => /escape|\.\./.test(path.relative(store, f))),
      false,
    );
  });

  test('wrong body types answer 422 naming the field', async () => {
    const res = await call('PUT', '/workspaces/team/workflows/typed', { definition: 'nope', base_version: 'x' });
    assert.equal(res.status, 422);
    const locs = res.body.detail.map((d: { loc: string[] }) => d.loc.join('.')).sort();
    assert.deepEqual(locs, ['body.base_version', 'body.definition']);
  });
});

function snapshot(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      files.push(full);
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(path.dirname(root));
  return files;
}
