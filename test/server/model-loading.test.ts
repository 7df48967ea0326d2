// A slow model load must not stall anyone else (roboflow/inference #2448): while one model's weights are still
// downloading from a (local, deliberately slow) Roboflow-protocol server, requests for an already-loaded model
// keep answering, and the request waiting on the slow load gets 503 + Retry-After once its budget runs out.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { needsShared, sharedImage } from '../helpers/shared.ts';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { FakeRoboflowApi } from '../helpers/fake-roboflow-api.ts';

describe('model loading over HTTP', { skip: needsShared }, () => {
  const api = new FakeRoboflowApi();
  let server: RunningServer;
  let image: string;

  const detect = (modelId: string) =>
    fetch(`${server.url}/infer/object_detection`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model_id: modelId, api_key: 'good-key', image: { type: 'base64', value: image } }),
    });

  before(async () => {
    await api.start();
    image = fs.readFileSync(sharedImage('bus.jpg')).toString('base64');
    // The budget only has to outlast three detections on a loaded model; it is generous because a shared 2-core
    // machine under load takes seconds for them (the slow request waits it out before its 503).
    server = await startTestServer({ config: { apiBaseUrl: api.baseUrl, modelLoadBudgetMs: 6000 } });
  });
  after(async () => {
    api.release();
    await server?.close();
    await api.stop();
  });

  test('requests to a loaded model answer while another model is still loading', async () => {
    assert.equal((await detect('coco/3')).status, 200, 'warm-up of the local model');

    api.holdWeights();
    let slowSettled = false;
    const slow = detect('slow/1').finally(() => {
      slowSettled = true;
    });

    for (let i = 0; i < 3; i++) {
      const response = await detect('coco/3');
      assert.equal(response.status, 200);
      const body = (await response.json()) as { predictions: Array<{ class: string }> };
      assert.ok(body.predictions.filter((p) => p.class === 'person').length >= 4);
    }
    assert.equal(slowSettled, false, 'the loaded model answered three times while the slow load was pending');
    assert.ok(api.weightRequests >= 1, 'the slow model is being downloaded');

    const refused = await slow;
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.match(((await refused.json()) as { message: string }).message, /.+/);

    // Once the download finishes, the same model answers (the load went on in the background).
    api.release();
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
      const retry = await detect('slow/1');
      status = retry.status;
      await retry.arrayBuffer();
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal(status, 200);
    const registry = (await (await fetch(`${server.url}/model/registry`)).json()) as {
      models: Array<{ model_id: string }>;
    };
    assert.deepEqual(registry.models.map((m) => m.model_id).sort(), ['coco/3', 'slow/1']);
  });
});
