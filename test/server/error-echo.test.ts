// A 400 answer echoes bad values from the request cut to ~120 characters: a 200 KB string sent in a definition
// or an input must not come back whole (it used to appear in the message and again in blocks_errors).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { post } from './http.ts';

const HUGE = 'x'.repeat(200_000);
let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.close();
});

const definition = (steps: unknown[], inputs: unknown[] = [{ type: 'WorkflowImage', name: 'image' }]) => ({
  version: '1.0',
  inputs,
  steps,
  outputs: [],
});

test('validate: a 200 KB property value is cut in the 400 body, step and property named', async () => {
  const res = await post(
    server,
    '/workflows/validate',
    definition([
      {
        type: 'roboflow_core/local_file_sink@v1',
        name: 'sink',
        content: '$inputs.image',
        output_mode: 'append_log',
        target_directory: 'x',
        file_name_prefix: { a: HUGE },
      },
    ]),
  );
  assert.equal(res.status, 400);
  assert.equal(res.body.error_type, 'WorkflowSyntaxError');
  assert.ok(JSON.stringify(res.body).length < 3000, JSON.stringify(res.body).slice(0, 300));
  assert.match(
    res.body.message,
    /step 'sink' \(roboflow_core\/local_file_sink@v1\) has invalid property 'file_name_prefix'/,
  );
  assert.match(res.body.message, /x{100}… \(200008 characters\)/);
  assert.equal(res.body.blocks_errors[0].block_id, 'sink');
  assert.equal(res.body.blocks_errors[0].property_name, 'file_name_prefix');
});

test('validate: a 200 KB block type is cut in message and blocks_errors', async () => {
  const res = await post(server, '/workflows/validate', definition([{ type: HUGE, name: 'mystery' }]));
  assert.equal(res.status, 400);
  assert.ok(JSON.stringify(res.body).length < 3000, JSON.stringify(res.body).slice(0, 300));
  assert.match(res.body.message, /step 'mystery' uses unknown block type 'x{120}…' \(200000 characters\)/);
});

test("validate: an input without type says it is missing, not 'undefined'", async () => {
  const res = await post(server, '/workflows/validate', definition([], [{ name: 'image' }]));
  assert.equal(res.status, 400);
  assert.equal(res.body.error_type, 'WorkflowSyntaxError');
  assert.match(res.body.message, /^Input 'image' is missing its 'type'/);
  assert.doesNotMatch(JSON.stringify(res.body), /undefined/);
});
