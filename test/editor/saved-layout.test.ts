// Editor node positions travel with a saved workflow: PUT stores `layout` beside `definition` (never inside
// it), GET returns it, a restore carries it over, and a non-object layout is refused like any bad field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';

let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.close();
});

const definition = {
  version: '1.0',
  inputs: [{ type: 'WorkflowParameter', name: 'x' }],
  steps: [],
  outputs: [{ type: 'JsonField', name: 'x', selector: '$inputs.x' }],
};
const url = (suffix = '') => `${server.url}/workspaces/default/workflows/laid-out${suffix}`;
const put = (body: unknown) =>
  fetch(url(), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('layout is saved beside the definition and comes back, per version', async () => {
  const layout = { 'input:x': { x: 10, y: 20 }, 'output:x': { x: 300, y: 20 } };
  const saved = await put({ definition, layout });
  assert.equal(saved.status, 201);
  assert.deepEqual((await saved.json()).layout, layout);
  const got = await (await fetch(url())).json();
  assert.deepEqual(got.layout, layout);
  assert.deepEqual(got.definition, definition, 'the definition is stored as given');

  const second = await (await put({ definition })).json();
  assert.equal('layout' in second, false, 'a save without a layout has none');
  const restored = await (await fetch(url('/versions/1/restore'), { method: 'POST' })).json();
  assert.equal(restored.version, 3);
  assert.deepEqual(restored.layout, layout, 'restoring version 1 brings its layout back');
});

test('a layout that is not an object is refused with 422', async () => {
  const res = await put({ definition, layout: [1, 2] });
  assert.equal(res.status, 422);
  assert.match(JSON.stringify(await res.json()), /layout/);
});
