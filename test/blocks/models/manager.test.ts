// Model manager against real models and a real local HTTP server speaking Roboflow's `/ort/{model_id}` protocol.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { needsShared, sharedModel } from '../../helpers/shared.ts';
import { FakeRoboflowApi } from '../../helpers/fake-roboflow-api.ts';
import { createModelManager } from '../../../blocks/models/manager.ts';
import { installModelPackage } from '../../../blocks/models/package.ts';
import {
  ModelManagerLockAcquisitionError,
  ModelNotFoundError,
  RoboflowAPIConnectionError,
  RoboflowAPINotAuthorizedError,
  RoboflowAPINotNotFoundError,
  RoboflowAPIUnsuccessfulRequestError,
} from '../../../engine/errors.ts';

function settledState<T>(promise: Promise<T>): { settled: boolean } {
  const state = { settled: false };
  promise.then(
    () => {
      state.settled = true;
    },
    () => {
      state.settled = true;
    },
  );
  return state;
}

describe('model manager', { skip: needsShared }, () => {
  let cacheDir: string;
  const api = new FakeRoboflowApi();

  before(async () => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-mgr-'));
    await installModelPackage(sharedModel('yolov8n_quantized.onnx'), 'coco/3', cacheDir);
    await installModelPackage(sharedModel('yolov8n_quantized.onnx'), 'coco/9', cacheDir);
    await installModelPackage(sharedModel('yolov8n_quantized.onnx'), 'coco/6', cacheDir);
    await api.start();
  });
  after(async () => {
    api.release();
    await api.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  test('concurrent gets of one model (by id and alias) share a single load', async () => {
    const models = createModelManager({ cacheDir });
    const [a, b] = await Promise.all([models.get('coco/3'), models.get('yolov8n-640')]);
    assert.equal(a, b);
    assert.equal(models.loadCount, 1);
    assert.equal(a.task, 'object-detection');
    const described = models.describe();
    assert.equal(described.models.length, 1);
    assert.equal(described.models[0]!.model_id, 'coco/3');
    assert.deepEqual(described.models[0]!.request_aliases, ['yolov8n-640']);
    assert.equal(described.models[0]!.input_width, 640);
    assert.ok((described.models[0]!.vram_bytes ?? 0) > 1_000_000);
  });

  test('LRU eviction at maxActiveModels keeps the most recently used', async () => {
    const models = createModelManager({ cacheDir, maxActiveModels: 2 });
    await models.get('coco/3');
    await models.get('coco/9');
    await models.get('coco/3');
    await models.get('coco/6');
    assert.deepEqual(models.loadedIds(), ['coco/3', 'coco/6']);
    assert.equal(models.loadCount, 3);
    await models.get('coco/9');
    assert.equal(models.loadCount, 4);
    models.remove('coco/9');
    assert.deepEqual(models.loadedIds(), ['coco/6']);
    models.clear();
    assert.deepEqual(models.describe().models, []);
  });

  test('missing model without an API key names the id, the task and the place in the cache, not the path', async () => {
    const models = createModelManager({ cacheDir });
    await assert.rejects(models.get('absent/1', { task: 'object-detection' }), (error: Error) => {
      assert.ok(error instanceof ModelNotFoundError);
      assert.ok(error.message.includes('Model "absent/1" (object-detection) not found'), error.message);
      assert.ok(error.message.includes(path.join('absent', '1')));
      assert.ok(!error.message.includes(cacheDir), 'absolute cache path in the message');
      return true;
    });
  });

  test('a slow remote load neither blocks loaded models nor waiting past the budget', async () => {
    const models = createModelManager({ cacheDir, apiBaseUrl: api.baseUrl, loadBudgetMs: 300 });
    await models.add('coco/3');
    api.holdWeights();
    const slow = models.get('slow/1', { apiKey: 'good-key' });
    const slowState = settledState(slow);
    const loaded = await models.get('coco/3');
    assert.equal(loaded.id, 'coco/3');
    assert.equal(slowState.settled, false, 'the already-loaded model answered while the remote load is pending');
    await assert.rejects(slow, ModelManagerLockAcquisitionError);
    // The load keeps going in the background; once the download finishes the next request gets the model.
    const added = models.add('slow/1');
    api.release();
    await added;
    const model = await models.get('slow/1');
    assert.deepEqual(model.classNames, ['alpha', 'beta']);
    assert.equal(api.weightRequests, 1, 'the background load was reused, not restarted');
  });

  test('remote download writes Roboflow layout and passes the protocol query', async () => {
    const models = createModelManager({ cacheDir, apiBaseUrl: api.baseUrl, apiKey: 'good-key' });
    const model = await models.get('kp/2');
    const dir = path.join(cacheDir, 'kp', '2');
    assert.deepEqual(fs.readdirSync(dir).sort(), [
      'class_names.txt',
      'environment.json',
      'keypoints_metadata.json',
      'weights.onnx',
    ]);
    assert.equal(fs.readFileSync(path.join(dir, 'class_names.txt'), 'utf8'), 'alpha\nbeta\n');
    assert.deepEqual(fs.readFileSync(path.join(dir, 'weights.onnx')), api.weights);
    const env = JSON.parse(fs.readFileSync(path.join(dir, 'environment.json'), 'utf8'));
    assert.deepEqual(env.COLORS, { alpha: '#FF0000' }, 'API colors override the environment');
    assert.deepEqual(model.keypointNames, ['tip']);
    const query = new URLSearchParams(api.ortRequests.at(-1)!.split('?')[1]);
    assert.equal(query.get('api_key'), 'good-key');
    assert.equal(query.get('nocache'), 'true');
    assert.equal(query.get('dynamic'), 'true');
    assert.ok(query.get('device'));
  });

  test('an interrupted download leaves no package and no staging folder', async () => {
    const models = createModelManager({ cacheDir, apiBaseUrl: api.baseUrl, apiKey: 'good-key' });
    await assert.rejects(models.get('interrupted/1'), RoboflowAPIConnectionError);
    assert.equal(fs.existsSync(path.join(cacheDir, 'interrupted', '1')), false);
    assert.deepEqual(
      fs.readdirSync(cacheDir).filter((f) => f.startsWith('.staging')),
      [],
    );
  });

  test('API errors map to Roboflow error classes', async () => {
    const models = createModelManager({ cacheDir, apiBaseUrl: api.baseUrl });
    await assert.rejects(models.get('some/1', { apiKey: 'bad-key' }), RoboflowAPINotAuthorizedError);
    await assert.rejects(models.get('missing/1', { apiKey: 'good-key' }), RoboflowAPINotNotFoundError);
    await assert.rejects(models.get('broken-api/1', { apiKey: 'good-key' }), RoboflowAPIUnsuccessfulRequestError);
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const offline = createModelManager({ cacheDir, apiBaseUrl: `http://127.0.0.1:${port}` });
    await assert.rejects(offline.get('some/1', { apiKey: 'good-key' }), RoboflowAPIConnectionError);
  });
});
