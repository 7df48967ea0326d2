// Roboflow's predefined-workflow endpoints (docs/roboflow-compatibility.md#saved-workflows) over a real server, with the definition either
// saved locally or served by a local HTTP server that speaks the Roboflow API's workflow protocol.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { freePort, jsonRequest } from './http.ts';
import path from 'node:path';
import { WorkflowStore } from '../../../server/store/workflow-store.ts';

// Only deterministic blocks (no detection/inference ids), so two runs are byte-for-byte comparable.
const DEFINITION = {
  version: '1.0',
  inputs: [
    { type: 'WorkflowParameter', name: 'text', default_value: 'hello' },
    { type: 'WorkflowParameter', name: 'reference', default_value: 'HELLO' },
  ],
  steps: [
    {
      type: 'roboflow_core/property_definition@v1',
      name: 'upper',
      data: '$inputs.text',
      operations: [{ type: 'StringToUpperCase' }],
    },
    {
      type: 'roboflow_core/expression@v1',
      name: 'verdict',
      data: { value: '$steps.upper.output', reference: '$inputs.reference' },
      switch: {
        type: 'CasesDefinition',
        cases: [
          {
            type: 'CaseDefinition',
            condition: {
              type: 'StatementGroup',
              statements: [
                {
                  type: 'BinaryStatement',
                  left_operand: { type: 'DynamicOperand', operand_name: 'value' },
                  comparator: { type: '==' },
                  right_operand: { type: 'DynamicOperand', operand_name: 'reference' },
                },
              ],
            },
            result: { type: 'StaticCaseResult', value: 'MATCH' },
          },
        ],
        default: { type: 'StaticCaseResult', value: 'DIFFERENT' },
      },
    },
  ],
  outputs: [
    { type: 'JsonField', name: 'upper', selector: '$steps.upper.output' },
    { type: 'JsonField', name: 'verdict', selector: '$steps.verdict.output' },
  ],
};

/** Fake Roboflow API: `GET /{workspace}/workflows/{id}`; the workspace name picks the behaviour. */
function startFakeRoboflow() {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.push(url.pathname + url.search);
    const [, workspace, , id] = url.pathname.split('/');
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    };
    if (url.searchParams.get('api_key') !== 'secret-key') return send(401, '{"error":"unauthorized"}');
    if (workspace === 'remote') {
      const version = url.searchParams.get('workflow_version');
      const spec = version ? { ...DEFINITION, outputs: DEFINITION.outputs.slice(0, 1) } : DEFINITION;
      return send(
        200,
        JSON.stringify({ workflow: { id: `${id}-platform-id`, config: JSON.stringify({ specification: spec }) } }),
      );
    }
    if (workspace === 'malformed') return send(200, JSON.stringify({ workflow: { id, config: '{not json' } }));
    if (workspace === 'forbidden') return send(403, '{}');
    if (workspace === 'slow') return setTimeout(() => send(200, '{}'), 5_000);
    return send(404, '{"error":"not found"}');
  });
  return new Promise<{ url: string; hits: string[]; server: http.Server }>((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server }),
    );
  });
}

let api: Awaited<ReturnType<typeof startFakeRoboflow>>;
let server: RunningServer;
let offline: RunningServer;
const call = (p: string, body?: unknown) => jsonRequest(server.url, 'POST', p, body);

describe('predefined workflows', () => {
  before(async () => {
    api = await startFakeRoboflow();
    server = await startTestServer({ config: { apiBaseUrl: api.url, remoteWorkflowTimeoutMs: 1_000 } });
    offline = await startTestServer({ config: { apiBaseUrl: `http://127.0.0.1:${await freePort()}` } });
  });
  after(async () => {
    await server.close();
    await offline.close();
    api.server.closeAllConnections();
    await new Promise((r) => api.server.close(r));
  });

  test('a locally saved workflow runs exactly like /workflows/run of the same definition', async () => {
    const saved = await jsonRequest(server.url, 'PUT', '/workspaces/local-ws/workflows/shout', {
      definition: DEFINITION,
    });
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    const inputs = { text: 'hello', reference: 'HELLO' };
    const direct = await fetch(`${server.url}/workflows/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ specification: DEFINITION, inputs }),
    });
    const directText = await direct.text();
    assert.equal(direct.status, 200, directText);
    for (const p of ['/local-ws/workflows/shout', '/infer/workflows/local-ws/shout']) {
      const res = await fetch(server.url + p, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs }),
      });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      assert.equal(JSON.stringify(JSON.parse(text).outputs), JSON.stringify(JSON.parse(directText).outputs));
    }
    assert.deepEqual(JSON.parse(directText).outputs, [{ upper: 'HELLO', verdict: 'MATCH' }]);
  });

  test('workflow_version_id selects a stored version; excluded_fields applies', async () => {
    const v2 = { ...DEFINITION, outputs: DEFINITION.outputs.slice(1) };
    await jsonRequest(server.url, 'PUT', '/workspaces/local-ws/workflows/versioned', { definition: DEFINITION });
    await jsonRequest(server.url, 'PUT', '/workspaces/local-ws/workflows/versioned', { definition: v2 });
    const inputs = { text: 'hi' };
    const latest = await call('/local-ws/workflows/versioned', { inputs });
    assert.deepEqual(latest.body.outputs, [{ verdict: 'DIFFERENT' }]);
    const first = await call('/local-ws/workflows/versioned', { inputs, workflow_version_id: '1' });
    assert.deepEqual(first.body.outputs, [{ upper: 'HI', verdict: 'DIFFERENT' }]);
    const excluded = await call('/local-ws/workflows/versioned', {
      inputs,
      workflow_version_id: 1,
      excluded_fields: ['verdict'],
    });
    assert.deepEqual(excluded.body.outputs, [{ upper: 'HI' }]);
    assert.equal((await call('/local-ws/workflows/versioned', { workflow_version_id: '9' })).status, 404);
  });

  test('describe_interface of a saved workflow matches /workflows/describe_interface', async () => {
    const saved = await call('/local-ws/workflows/shout/describe_interface', {});
    const direct = await call('/workflows/describe_interface', { specification: DEFINITION });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.deepEqual(saved.body, direct.body);
  });

  test('not saved and no api key → 404 naming the workspace and id', async () => {
    const res = await call('/nowhere/workflows/ghost', { inputs: {} });
    assert.equal(res.status, 404);
    assert.match(res.body.message, /ghost/);
    assert.match(res.body.message, /nowhere/);
  });

  test('remote fetch: runs the fetched definition, caches it, and mirrors it into the store', async () => {
    const before = api.hits.length;
    const first = await call('/remote/workflows/fetched', { api_key: 'secret-key', inputs: { text: 'hello' } });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.outputs, [{ upper: 'HELLO', verdict: 'MATCH' }]);
    assert.equal(api.hits.length, before + 1);
    assert.match(api.hits.at(-1)!, /^\/remote\/workflows\/fetched\?api_key=secret-key$/);

    const cached = await call('/remote/workflows/fetched', { api_key: 'secret-key', inputs: {} });
    assert.equal(cached.status, 200);
    assert.equal(api.hits.length, before + 1, 'use_cache (default true) must not hit the API again');

    const uncached = await call('/remote/workflows/fetched', { api_key: 'secret-key', inputs: {}, use_cache: false });
    assert.equal(uncached.status, 200);
    assert.equal(api.hits.length, before + 2, 'use_cache false must hit the API');

    const versioned = await call('/remote/workflows/fetched', {
      api_key: 'secret-key',
      inputs: {},
      workflow_version_id: 'abc',
    });
    assert.deepEqual(versioned.body.outputs, [{ upper: 'HELLO' }]);
    assert.match(api.hits.at(-1)!, /workflow_version=abc/);

    const mirrored = await jsonRequest(server.url, 'GET', '/workspaces/remote/workflows/fetched');
    assert.equal(mirrored.status, 200);
    assert.equal(mirrored.body.source, 'remote');
    assert.equal(mirrored.body.definition.id, 'fetched-platform-id');
    assert.equal(
      (await jsonRequest(server.url, 'GET', '/workspaces/remote/workflows/fetched/versions')).body.versions.length,
      1,
    );
  });

  test('remote failures map to Roboflow statuses', async () => {
    const malformed = await call('/malformed/workflows/x', { api_key: 'secret-key', inputs: {} });
    assert.equal(malformed.status, 502);
    assert.match(malformed.body.message, /Roboflow API/);
    assert.equal((await call('/forbidden/workflows/x', { api_key: 'secret-key' })).status, 403);
    assert.equal((await call('/missing/workflows/x', { api_key: 'secret-key' })).status, 404);
    assert.equal((await call('/remote/workflows/x', { api_key: 'wrong-key' })).status, 401);
    const slow = await call('/slow/workflows/x', { api_key: 'secret-key' });
    assert.equal(slow.status, 504);
    const down = await jsonRequest(offline.url, 'POST', '/remote/workflows/x', { api_key: 'secret-key' });
    assert.equal(down.status, 503);
    assert.match(down.body.message, /connect/i);
    assert.equal(JSON.stringify(down.body).includes('secret-key'), false, 'the api key is never echoed');
  });

  test('a mirrored remote workflow answers while the API is unreachable; a local save then takes over', async () => {
    const store = new WorkflowStore(path.join(offline.config.dataDir, 'workspaces'));
    await store.save('remote', 'mirrored', { definition: DEFINITION, source: 'remote', author: 'roboflow-api' });
    const res = await jsonRequest(offline.url, 'POST', '/remote/workflows/mirrored', {
      api_key: 'secret-key',
      inputs: { text: 'x' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.outputs, [{ upper: 'X', verdict: 'DIFFERENT' }]);
    // A version-pinned request cannot be answered from the mirror.
    const pinned = await jsonRequest(offline.url, 'POST', '/remote/workflows/mirrored', {
      api_key: 'secret-key',
      workflow_version_id: 'v9',
    });
    assert.equal(pinned.status, 503);

    // Once saved locally, the API is not consulted at all (the fake API would answer the 2-output version).
    const local = { ...DEFINITION, outputs: DEFINITION.outputs.slice(1) };
    await jsonRequest(server.url, 'PUT', '/workspaces/remote/workflows/fetched', { definition: local });
    const hits = api.hits.length;
    const after = await call('/remote/workflows/fetched', { api_key: 'secret-key', inputs: {}, use_cache: false });
    assert.deepEqual(after.body.outputs, [{ verdict: 'MATCH' }]);
    assert.equal(api.hits.length, hits);
  });
});
