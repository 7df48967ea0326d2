// Messages that help, on a real server: corrupt weights name the model and the file, a missing model names no
// directory of this machine, JSON sent as text/plain is told so (415), and error bodies carry neither absolute
// paths nor stack traces.
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { needsShared, sharedModel } from '../helpers/shared.ts';
import { installModelPackage } from '../../blocks/models/package.ts';
import { post, request } from './http.ts';

let server: RunningServer;
before(async () => {
  server = await startTestServer({ config: { apiBaseUrl: 'http://127.0.0.1:9' } });
});
after(async () => {
  await server?.close();
});

const noAbsolutePaths = (body: unknown) => {
  const text = JSON.stringify(body);
  assert.doesNotMatch(text, /\/tmp\/|\/work\/|\/home\//, text);
  assert.doesNotMatch(text, /\n\s+at /, text);
};

test('corrupt weights: /model/add names the model and the file, no path', { skip: needsShared }, async () => {
  const dir = server.config.modelCacheDir;
  await installModelPackage(sharedModel('yolov8n_quantized.onnx'), 'broken/1', dir);
  fs.writeFileSync(path.join(dir, 'broken', '1', 'weights.onnx'), Buffer.from([0x0b, 0x0b, 0x0b, 1, 2, 3, 4]));
  const answer = await post(server, '/model/add', { model_id: 'broken/1' });
  assert.equal(answer.status, 500, JSON.stringify(answer.body));
  assert.match(answer.body.message, /Model broken\/1: its weights file weights\.onnx is corrupt or not an ONNX model/);
  assert.equal(answer.body.file, 'weights.onnx');
  noAbsolutePaths(answer.body);
});

test('a missing model says where it looked relative to the model cache only', async () => {
  const answer = await post(server, '/model/add', { model_id: 'nothere/7' });
  assert.equal(answer.status, 404, JSON.stringify(answer.body));
  assert.match(answer.body.message, /no package at nothere\/7 in the model cache/);
  noAbsolutePaths(answer.body);
});

test('JSON sent as text/plain is told the content type is wrong', async () => {
  const body = JSON.stringify({ specification: { version: '1.0', inputs: [], steps: [], outputs: [] }, inputs: {} });
  for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
    const answer = await request(server, 'POST', '/workflows/run', body, { 'content-type': type });
    assert.equal(answer.status, 415, JSON.stringify(answer.body));
    assert.match(answer.body.message, new RegExp(`sent as '${type}'.*Content-Type: application/json`));
  }
  const ok = await request(server, 'POST', '/workflows/run', body, { 'content-type': 'application/json' });
  assert.equal(ok.status, 200);
});

test('a file sink refusal echoes no absolute path of this machine', async () => {
  const answer = await post(server, '/workflows/run', {
    specification: {
      version: '1.0',
      inputs: [{ type: 'WorkflowParameter', name: 'c', default_value: 'x' }],
      steps: [
        {
          type: 'roboflow_core/local_file_sink@v1',
          name: 's',
          content: '$inputs.c',
          output_mode: 'separate_files',
          target_directory: `${server.config.dataDir}/../elsewhere`,
        },
      ],
      outputs: [{ type: 'JsonField', name: 'm', selector: '$steps.s.message' }],
    },
    inputs: {},
  });
  assert.equal(answer.status, 403, JSON.stringify(answer.body));
  noAbsolutePaths(answer.body);
});
