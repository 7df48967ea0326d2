// Semantic segmentation without a loadable model package: the blocks are registered with Roboflow's manifests
// (v2's custom-confidence rule at validation), and running them or calling /infer/semantic_segmentation answers
// 501 "model package required" naming the model, never a made-up prediction.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { get, post } from './http.ts';

const ONE_PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const image = { type: 'base64', value: ONE_PIXEL };

let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.close();
});

const workflow = (version: string, extra: Record<string, unknown> = {}) => ({
  version: '1.0',
  inputs: [{ type: 'WorkflowImage', name: 'image' }],
  steps: [
    {
      type: `roboflow_core/roboflow_semantic_segmentation_model@${version}`,
      name: 'seg',
      image: '$inputs.image',
      model_id: 'deep-lab-v3-plus/2',
      ...extra,
    },
  ],
  outputs: [
    { type: 'JsonField', name: 'predictions', selector: '$steps.seg.predictions' },
    { type: 'JsonField', name: 'model_id', selector: '$steps.seg.model_id' },
  ],
});

test('both versions are described with their outputs', async () => {
  const res = await get(server, '/workflows/blocks/describe');
  assert.equal(res.status, 200);
  for (const version of ['v1', 'v2']) {
    const block = res.body.blocks.find(
      (b: { manifest_type_identifier: string }) =>
        b.manifest_type_identifier === `roboflow_core/roboflow_semantic_segmentation_model@${version}`,
    );
    assert.ok(block, version);
    assert.deepEqual(
      block.outputs_manifest.map((o: { name: string }) => o.name),
      ['inference_id', 'predictions', 'model_id'],
    );
  }
});

test('v2: custom mode without custom_confidence is refused at validation; best is accepted', async () => {
  const bad = await post(
    server,
    '/workflows/validate',
    workflow('v2', { confidence_mode: 'custom', custom_confidence: null }),
  );
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error_type, 'WorkflowSyntaxError');
  assert.match(bad.body.message, /custom_confidence/);
  const ok = await post(server, '/workflows/validate', workflow('v2', { confidence_mode: 'best' }));
  assert.equal(ok.status, 200, JSON.stringify(ok.body).slice(0, 300));
  const missing = await post(server, '/workflows/validate', workflow('v1', { model_id: undefined }));
  assert.equal(missing.status, 400);
});

test('running a block: 501 model package required, naming the model and the step', async () => {
  for (const version of ['v1', 'v2']) {
    const res = await post(server, '/workflows/run', { specification: workflow(version), inputs: { image } });
    assert.equal(res.status, 501, JSON.stringify(res.body).slice(0, 300));
    assert.match(res.body.message, /model package required/);
    assert.match(res.body.message, /deep-lab-v3-plus\/2/);
    assert.equal(res.body.blocks_errors[0].block_id, 'seg');
  }
});

test('/infer/semantic_segmentation: 422 without model_id or image; 501 naming the model otherwise', async () => {
  const invalid = await post(server, '/infer/semantic_segmentation', {});
  assert.equal(invalid.status, 422);
  assert.deepEqual(
    invalid.body.detail.map((d: { loc: string[] }) => d.loc.join('.')),
    ['body.model_id', 'body.image'],
  );
  const res = await post(server, '/infer/semantic_segmentation', { model_id: 'deep-lab-v3-plus/2', image });
  assert.equal(res.status, 501);
  assert.match(res.body.message, /deep-lab-v3-plus\/2.*model package required/s);
  assert.equal(res.body.task, 'semantic-segmentation');
});
