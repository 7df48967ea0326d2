// Classic model endpoints (/infer/*, /doctr/ocr), /model/* and the legacy /{dataset}/{version} route over HTTP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { installModelPackage } from '../../blocks/models/package.ts';
import { needsShared, hasShared, sharedImage, sharedModel } from '../helpers/shared.ts';
import { decodeRle } from '../../engine/index.ts';
import { classCounts, get, imageBase64, imageInput, OD_BLOCK, post } from './http.ts';

const SEG_BLOCK = 'roboflow_core/roboflow_instance_segmentation_model@v2';
const RLE_SEG_BLOCK = 'roboflow_core/roboflow_instance_segmentation_model@v4';
const POSE_BLOCK = 'roboflow_core/roboflow_keypoint_detection_model@v2';
const OCR_BLOCK = 'roboflow_core/ocr_model@v1';

let server: RunningServer;
before(async () => {
  server = await startTestServer();
  if (hasShared) {
    await installModelPackage(sharedModel('yolo11n-seg_int8.onnx'), 'coco-seg/1', server.config.modelCacheDir);
    await installModelPackage(
      sharedModel('yolo11n-pose_int8_patched.onnx'),
      'coco-pose/1',
      server.config.modelCacheDir,
    );
  }
});
after(async () => {
  await server?.close();
});

const PREDICTION_KEYS = ['x', 'y', 'width', 'height', 'confidence', 'class', 'class_id', 'detection_id'];

describe('/infer/* classic responses', { skip: needsShared }, () => {
  test('object detection, single image: classic shape and content', async () => {
    const res = await post(server, '/infer/object_detection', { model_id: 'coco/3', image: imageInput('bus.jpg') });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body), ['inference_id', 'time', 'image', 'predictions']);
    assert.deepEqual(res.body.image, { width: 810, height: 1080 });
    assert.equal(typeof res.body.time, 'number');
    assert.deepEqual(Object.keys(res.body.predictions[0]), PREDICTION_KEYS);
    const counts = classCounts(res.body.predictions);
    assert.ok(counts.person >= 4 && counts.bus === 1, JSON.stringify(counts));
    // default confidence 0.4
    assert.ok(res.body.predictions.every((p: { confidence: number }) => p.confidence >= 0.4));
  });

  test('object detection, list of images → list response; alias and request fields applied', async () => {
    const res = await post(server, '/infer/object_detection', {
      model_id: 'yolov8n-640',
      image: [imageInput('bus.jpg'), imageInput('dog.jpg')],
      class_filter: ['person'],
      confidence: 0.5,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(Array.isArray(res.body));
    assert.equal(res.body.length, 2);
    assert.deepEqual(res.body[1].image, { width: 768, height: 576 });
    for (const item of res.body) {
      assert.ok(
        item.predictions.every(
          (p: { class: string; confidence: number }) => p.class === 'person' && p.confidence >= 0.5,
        ),
      );
    }
    // bus.jpg has 3 persons above 0.5 (the 4th is at ~0.45).
    assert.ok(res.body[0].predictions.length >= 3);
    assert.deepEqual(res.body[1].predictions, []);
  });

  test('an image with nothing detected still reports its size', async () => {
    const blank = await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 40, g: 40, b: 40 } } })
      .jpeg()
      .toBuffer();
    const res = await post(server, '/infer/object_detection', {
      model_id: 'coco/3',
      image: { type: 'base64', value: blank.toString('base64') },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.predictions, []);
    assert.deepEqual(res.body.image, { width: 320, height: 200 });
  });

  test('visualize_predictions adds a base64 JPEG of the original size', async () => {
    const res = await post(server, '/infer/object_detection', {
      model_id: 'coco/3',
      image: imageInput('dog.jpg'),
      visualize_predictions: true,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const jpeg = Buffer.from(res.body.visualization, 'base64');
    const meta = await sharp(jpeg).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.width, 768);
  });

  test('instance segmentation: points + mask_format', async () => {
    const res = await post(server, '/infer/instance_segmentation', {
      model_id: 'coco-seg/1',
      image: imageInput('bus.jpg'),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const persons = res.body.predictions.filter((p: { class: string }) => p.class === 'person');
    assert.ok(persons.length >= 3);
    for (const p of persons) {
      assert.equal(p.mask_format, 'polygon');
      assert.ok(p.points.length >= 3);
    }
  });

  test('instance segmentation with response_mask_format rle: COCO RLE per prediction', async () => {
    const body = { model_id: 'coco-seg/1', image: imageInput('bus.jpg'), confidence: 0.5 };
    const [rle, polygon] = await Promise.all([
      post(server, '/infer/instance_segmentation', { ...body, response_mask_format: 'rle' }),
      post(server, '/infer/instance_segmentation', body),
    ]);
    assert.equal(rle.status, 200, JSON.stringify(rle.body));
    assert.equal(rle.body.predictions.length, polygon.body.predictions.length);
    assert.ok(rle.body.predictions.length >= 3);
    for (const p of rle.body.predictions) {
      assert.equal(p.mask_format, 'rle');
      assert.equal(p.points, undefined);
      assert.deepEqual(p.rle.size, [1080, 810]);
      assert.equal(typeof p.rle.counts, 'string');
      // The decoded mask covers most of the box it belongs to and nothing far outside it.
      const mask = decodeRle(p.rle);
      let inside = 0;
      let total = 0;
      const [x1, y1, x2, y2] = [p.x - p.width / 2, p.y - p.height / 2, p.x + p.width / 2, p.y + p.height / 2];
      for (let i = 0; i < mask.length; i++) {
        if (!mask[i]) continue;
        total++;
        const x = i % 810;
        const y = Math.floor(i / 810);
        if (x >= x1 - 2 && x <= x2 + 2 && y >= y1 - 2 && y <= y2 + 2) inside++;
      }
      assert.ok(total > 0.2 * p.width * p.height, `mask of ${total} px for a ${p.width}x${p.height} box`);
      assert.equal(inside, total);
    }
    // Same detections as the polygon answer, ranked the same way.
    assert.deepEqual(
      rle.body.predictions.map((p: { class: string }) => p.class),
      polygon.body.predictions.map((p: { class: string }) => p.class),
    );
  });

  test('confidence "default" / "best" use the package thresholds from environment.json', async () => {
    const id = 'coco-thresholds/1';
    await installModelPackage(sharedModel('yolov8n_quantized.onnx'), id, server.config.modelCacheDir);
    const envFile = path.join(server.config.modelCacheDir, id, 'environment.json');
    const environment = JSON.parse(fs.readFileSync(envFile, 'utf8'));
    fs.writeFileSync(
      envFile,
      JSON.stringify({
        ...environment,
        CONFIDENCE_THRESHOLD: 0.8,
        CLASS_CONFIDENCE_THRESHOLDS: { person: 1, bus: 0.3 },
      }),
    );
    const ask = (confidence: unknown) =>
      post(server, '/infer/object_detection', { model_id: id, image: imageInput('bus.jpg'), confidence });
    const [byDefault, best, number] = await Promise.all([ask('default'), ask('best'), ask(0.4)]);
    for (const res of [byDefault, best, number]) assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(byDefault.body.predictions.length >= 1);
    assert.ok(byDefault.body.predictions.every((p: { confidence: number }) => p.confidence >= 0.8));
    assert.deepEqual(
      best.body.predictions.map((p: { class: string }) => p.class),
      ['bus'],
    );
    assert.ok(classCounts(number.body.predictions).person! >= 4);
  });

  test('keypoints detection: keypoints per person', async () => {
    const res = await post(server, '/infer/keypoints_detection', {
      model_id: 'coco-pose/1',
      image: imageInput('bus.jpg'),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.predictions.length >= 3);
    const kp = res.body.predictions[0].keypoints[0];
    assert.deepEqual(Object.keys(kp), ['x', 'y', 'confidence', 'class_id', 'class']);
  });

  test('request validation and model errors', async () => {
    const missing = await post(server, '/infer/object_detection', { image: imageInput('dog.jpg') });
    assert.equal(missing.status, 422);
    assert.deepEqual(missing.body.detail[0].loc, ['body', 'model_id']);
    const badConfidence = await post(server, '/infer/object_detection', {
      model_id: 'coco/3',
      image: imageInput('dog.jpg'),
      confidence: 3,
    });
    assert.equal(badConfidence.status, 422);
    const numpy = await post(server, '/infer/object_detection', {
      model_id: 'coco/3',
      image: { type: 'numpy', value: 'x' },
    });
    assert.equal(numpy.status, 400);
    assert.match(numpy.body.message, /numpy/);
  });

  test('unknown model → 404', async () => {
    const res = await post(server, '/infer/object_detection', { model_id: 'nobody/9', image: imageInput('dog.jpg') });
    assert.equal(res.status, 404, JSON.stringify(res.body));
  });
});

describe('/doctr/ocr', () => {
  test('reads text from a rendered image', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="120"><rect width="100%" height="100%" fill="white"/><text x="20" y="75" font-size="48" font-family="DejaVu Sans, sans-serif" fill="black">HELLO 2024</text></svg>`;
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const res = await post(server, '/doctr/ocr', { image: { type: 'base64', value: png.toString('base64') } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(typeof res.body.result, 'string');
    assert.match(res.body.result.toUpperCase(), /HELLO/);
    assert.equal(typeof res.body.time, 'number');
  });
});

describe('/model/*', { skip: needsShared }, () => {
  test('add, registry, remove, clear', async () => {
    const added = await post(server, '/model/add', { model_id: 'coco/3' });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    const ids = added.body.models.map((m: { model_id: string }) => m.model_id);
    assert.ok(ids.includes('coco/3'), JSON.stringify(added.body));
    const model = added.body.models.find((m: { model_id: string }) => m.model_id === 'coco/3');
    assert.equal(model.task_type, 'object-detection');
    assert.equal(model.input_width, 640);
    const registry = await get(server, '/model/registry');
    assert.deepEqual(
      registry.body.models.map((m: { model_id: string }) => m.model_id),
      ids,
    );
    const removed = await post(server, '/model/remove', { model_id: 'coco/3' });
    assert.equal(
      removed.body.models.some((m: { model_id: string }) => m.model_id === 'coco/3'),
      false,
    );
    await post(server, '/model/add', { model_id: 'coco/3' });
    const cleared = await post(server, '/model/clear');
    assert.deepEqual(cleared.body.models, []);
    const unknown = await post(server, '/model/add', { model_id: 'ghost/1' });
    assert.equal(unknown.status, 404);
    const invalid = await post(server, '/model/add', {});
    assert.equal(invalid.status, 422);
  });
});

describe('legacy /{dataset_id}/{version_id}', { skip: needsShared }, () => {
  test('raw base64 body with confidence as a percentage', async () => {
    const res = await post(server, '/coco/3?confidence=60&overlap=30', imageBase64('bus.jpg'), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.image, { width: 810, height: 1080 });
    assert.ok(res.body.predictions.length > 0);
    assert.ok(res.body.predictions.every((p: { confidence: number }) => p.confidence >= 0.6));
  });

  test('multipart file', async () => {
    const form = new FormData();
    form.append('file', new Blob([fs.readFileSync(sharedImage('dog.jpg'))], { type: 'image/jpeg' }), 'dog.jpg');
    const response = await fetch(`${server.url}/coco/3`, { method: 'POST', body: form });
    const body = (await response.json()) as { predictions: Array<{ class: string }> };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.ok(classCounts(body.predictions).dog >= 1);
  });

  test('format=image returns a JPEG drawn with the detections', async () => {
    const response = await fetch(`${server.url}/coco/3?format=image`, {
      method: 'POST',
      body: imageBase64('dog.jpg'),
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/jpeg');
    const jpeg = Buffer.from(await response.arrayBuffer());
    const meta = await sharp(jpeg).metadata();
    assert.equal(meta.width, 768);
    assert.equal(meta.height, 576);
    // The drawing changed pixels compared with the original.
    const original = await sharp(sharedImage('dog.jpg')).raw().toBuffer();
    const drawn = await sharp(jpeg).raw().toBuffer();
    let bigDiffs = 0;
    for (let i = 0; i < original.length; i++) if (Math.abs(original[i]! - drawn[i]!) > 80) bigDiffs++;
    assert.ok(bigDiffs > 500, `only ${bigDiffs} strongly changed channel values`);
  });

  test('no Content-Type and no image → 400 ContentTypeMissing; bad query → 422', async () => {
    const missing = await fetch(`${server.url}/coco/3`, { method: 'POST' });
    assert.equal(missing.status, 400);
    assert.match(((await missing.json()) as { message: string }).message, /Content-Type/);
    const badQuery = await post(server, '/coco/3?confidence=lots', 'abc', { 'content-type': 'text/plain' });
    assert.equal(badQuery.status, 422);
    assert.deepEqual(badQuery.body.detail[0].loc, ['query', 'confidence']);
  });

  test('does not shadow other routes', async () => {
    assert.equal((await get(server, '/workflows/execution_engine/versions')).status, 200);
    assert.equal((await get(server, '/assets/app.js')).status, 404);
  });
});
