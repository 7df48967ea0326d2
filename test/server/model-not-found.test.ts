// A model that is neither cached nor downloadable: the 404 names the model id and the task it was wanted for,
// and never this machine's paths (the model cache's absolute directory).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { post } from './http.ts';

const ONE_PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const image = { type: 'base64', value: ONE_PIXEL };

let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.close();
});

function assertNamed(body: unknown, id: string, task: string): void {
  const text = JSON.stringify(body);
  assert.ok(text.includes(`Model \\"${id}\\" (${task}) not found`), text.slice(0, 300));
  assert.ok(!text.includes(server.config.modelCacheDir), 'absolute cache path leaked');
  assert.ok(!text.includes(os.tmpdir()), 'a temp path leaked');
}

const routes: Array<[string, string]> = [
  ['/infer/object_detection', 'object-detection'],
  ['/infer/instance_segmentation', 'instance-segmentation'],
  ['/infer/keypoints_detection', 'keypoint-detection'],
  ['/infer/classification', 'classification'],
];
for (const [route, task] of routes) {
  test(`${route}: 404 naming the model and ${task}`, async () => {
    const res = await post(server, route, { model_id: 'missing-project/7', image });
    assert.equal(res.status, 404, JSON.stringify(res.body).slice(0, 300));
    assertNamed(res.body, 'missing-project/7', task);
  });
}

test('a workflow model step: 404 naming the model and the task, the step in blocks_errors', async () => {
  const res = await post(server, '/workflows/run', {
    specification: {
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [
        {
          type: 'roboflow_core/roboflow_multi_label_classification_model@v2',
          name: 'tags',
          images: '$inputs.image',
          model_id: 'missing-project/8',
        },
      ],
      outputs: [{ type: 'JsonField', name: 'p', selector: '$steps.tags.predictions' }],
    },
    inputs: { image },
  });
  assert.equal(res.status, 404, JSON.stringify(res.body).slice(0, 300));
  assertNamed(res.body, 'missing-project/8', 'multi-label-classification');
  assert.equal(res.body.blocks_errors[0].block_id, 'tags');
});
