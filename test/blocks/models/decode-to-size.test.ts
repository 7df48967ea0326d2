// Decode-to-size: a classifier's input is decoded straight to about the model's size (JPEG shrink-on-load) while
// everything clients see stays in the source image's pixels: the reported image size (EXIF orientation applied),
// and for detection, which is never decoded small, boxes identical to a full decode of the shared photos.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import sharp from 'sharp';
import { WorkflowImage } from '../../../engine/index.ts';
import { installModelPackage } from '../../../blocks/models/package.ts';
import { ocrAssetPath } from '../../../blocks/models/ocr/ocr-engine.ts';
import { decodeHintFor } from '../../../blocks/models/preprocess.ts';
import { inferDetections } from '../../../blocks/models/yolo/infer.ts';
import os from 'node:os';
import path from 'node:path';
import { ExecutionEngine } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { createModelManager } from '../../../blocks/models/manager.ts';
import { workflowDecodeHints } from '../../../engine/executor/decode-hints.ts';
import type { CompiledPlan } from '../../../engine/compiler/plan.ts';
import { startTestServer, TEST_MODEL_ID, type RunningServer } from '../../helpers/server.ts';
import { needsShared, sharedImage } from '../../helpers/shared.ts';

const PHOTOS = ['bus.jpg', 'dog.jpg', 'person.jpg', 'street.jpg', 'zidane.jpg'];
const CLS = 'decode-cls/1';
const CLS_SQUARE = 'decode-cls-square/1';

test('a hinted decode is small, keeps the aspect ratio and remembers the EXIF-oriented source size', async () => {
  // 600x300 stored, EXIF orientation 6 (rotate 90°): the picture is 300x600.
  const stored = await sharp({ create: { width: 600, height: 300, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();
  const full = await WorkflowImage.decode(stored, { parentId: 'image' });
  assert.deepEqual([full.width, full.height, full.sourceSize], [300, 600, undefined]);
  const small = await WorkflowImage.decode(stored, { parentId: 'image' }, { decodeHint: { width: 64, height: 64 } });
  assert.deepEqual([small.width, small.height], [64, 128]);
  assert.deepEqual(small.sourceSize, { width: 300, height: 600 });
  // Never enlarged: a hint above the image's size decodes it whole.
  const same = await WorkflowImage.decode(stored, { parentId: 'image' }, { decodeHint: { width: 1000, height: 1000 } });
  assert.deepEqual([same.width, same.height, same.sourceSize], [300, 600, undefined]);
});

test('a stretch hint decodes a JPEG to exactly that size, oriented, and other formats as a plain hint', async () => {
  // 600x300 stored, top half red and bottom half blue with a green ramp along x, EXIF orientation 6: the picture
  // is 300x600, red on the right.
  const halves = Buffer.alloc(600 * 300 * 3);
  for (let i = 0; i < 600 * 300; i++)
    halves.set(i < 600 * 150 ? [220, (i % 600) * 0.4, 20] : [20, (i % 600) * 0.4, 220], i * 3);
  const raw = sharp(halves, { raw: { width: 600, height: 300, channels: 3 } });
  const stored = await raw.clone().jpeg().withMetadata({ orientation: 6 }).toBuffer();
  const hint = { width: 192, height: 48, stretch: true };
  const small = await WorkflowImage.decode(stored, { parentId: 'image' }, { decodeHint: hint });
  assert.deepEqual([small.width, small.height], [192, 48]);
  assert.deepEqual(small.sourceSize, { width: 300, height: 600 });
  const pixel = (x: number, y: number) => Array.from(small.pixels.subarray((y * 192 + x) * 3, (y * 192 + x) * 3 + 3));
  assert.ok(pixel(180, 24)[0]! > 150 && pixel(10, 24)[2]! > 150, `right red, left blue: ${pixel(180, 24)}`);
  // Its pixels are the full decode stretched the same way (within JPEG shrink-on-load's rounding).
  const full = await WorkflowImage.decode(stored, { parentId: 'image' });
  const stretched = await sharp(full.pixels, { raw: { width: 300, height: 600, channels: 3 } })
    .resize(192, 48, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  let diff = 0;
  for (let i = 0; i < stretched.length; i++) diff += Math.abs(stretched[i]! - small.pixels[i]!);
  assert.ok(diff / stretched.length < 3, `mean difference ${diff / stretched.length}`);
  // A PNG has no cheap orientation read: decoded as a plain hint, aspect kept.
  const png = await raw.clone().png().toBuffer();
  const fromPng = await WorkflowImage.decode(png, { parentId: 'image' }, { decodeHint: hint });
  assert.deepEqual([fromPng.width, fromPng.height], [192, 96]);
  assert.deepEqual(fromPng.sourceSize, { width: 600, height: 300 });
});

test('the hint is the model resize target, and none with a static crop', () => {
  const stretch = { PREPROCESSING: { resize: { enabled: true, width: 192, height: 48, format: 'Stretch to' } } };
  assert.deepEqual(decodeHintFor({ environment: stretch, inputWidth: 1, inputHeight: 1 }), {
    width: 192,
    height: 48,
    stretch: true,
  });
  const letterbox = {
    PREPROCESSING: { resize: { enabled: true, width: 224, height: 224, format: 'Fit (black edges) in' } },
  };
  assert.deepEqual(decodeHintFor({ environment: letterbox, inputWidth: 1, inputHeight: 1 }), {
    width: 224,
    height: 224,
    stretch: false,
  });
  const cropped = { PREPROCESSING: { ...stretch.PREPROCESSING, 'static-crop': { enabled: true, x_min: 10 } } };
  assert.equal(decodeHintFor({ environment: cropped, inputWidth: 192, inputHeight: 48 }), null);
});

describe('decode-to-size in workflows: only when every consumer reads the image small', () => {
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-decode-'));
  const models = createModelManager({ cacheDir });
  const engine = new ExecutionEngine({ blocks: coreBlocks, services: { models } });
  const hints = (
    steps: unknown[],
    outputs: unknown[] = [{ type: 'JsonField', name: 'o', selector: '$steps.c.predictions' }],
  ) =>
    workflowDecodeHints(
      engine.compile({
        version: '1.0',
        inputs: [
          { type: 'WorkflowImage', name: 'image' },
          { type: 'WorkflowParameter', name: 'model' },
        ],
        steps,
        outputs,
      }) as unknown as CompiledPlan,
      { models },
      {},
    );
  const classifier = {
    type: 'roboflow_core/roboflow_classification_model@v2',
    name: 'c',
    images: '$inputs.image',
    model_id: CLS,
  };

  before(async () => {
    await installModelPackage(ocrAssetPath('direction'), CLS, cacheDir, {
      classNames: ['0', '180'],
      environment: { PREPROCESSING: { resize: { enabled: true, width: 192, height: 48, format: 'Stretch to' } } },
    });
    await installModelPackage(ocrAssetPath('direction'), CLS_SQUARE, cacheDir, {
      classNames: ['0', '180'],
      environment: { PREPROCESSING: { resize: { enabled: true, width: 64, height: 64, format: 'Stretch to' } } },
    });
  });
  after(async () => {
    await models.close();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  test('a classifier alone: decoded at its input size, and the answer reports the source size', async () => {
    assert.deepEqual(await hints([classifier]), { image: { width: 192, height: 48, stretch: true } });
    // Two consumers stretching to different sizes: decoded to cover both, aspect kept.
    assert.deepEqual(await hints([classifier, { ...classifier, name: 'd', model_id: CLS_SQUARE }]), {
      image: { width: 192, height: 64 },
    });
    const bytes = await sharp({
      create: { width: 1600, height: 1200, channels: 3, background: { r: 9, g: 99, b: 199 } },
    })
      .jpeg()
      .toBuffer();
    const result = await engine.run(
      {
        version: '1.0',
        inputs: [{ type: 'WorkflowImage', name: 'image' }],
        steps: [classifier],
        outputs: [{ type: 'JsonField', name: 'p', selector: '$steps.c.predictions' }],
      },
      { image: { type: 'base64', value: bytes.toString('base64') } },
    );
    assert.deepEqual((result.outputs[0]!.p as { image: unknown }).image, { width: 1600, height: 1200 });
  });

  test('another consumer, an output of the image or a model id from an input keeps the full decode', async () => {
    // Any consumer without a size (here a property extraction) keeps the full decode.
    const other = {
      type: 'roboflow_core/property_definition@v1',
      name: 'p',
      data: '$inputs.image',
      operations: [{ type: 'ExtractImageProperty', property_name: 'width' }],
    };
    assert.equal(await hints([classifier, other]), undefined);
    assert.equal(await hints([classifier], [{ type: 'JsonField', name: 'i', selector: '$inputs.image' }]), undefined);
    assert.equal(await hints([{ ...classifier, model_id: '$inputs.model' }]), undefined);
  });
});

describe('decode-to-size on the shared photos', { skip: needsShared }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
    await installModelPackage(ocrAssetPath('direction'), CLS, server.config.modelCacheDir, {
      classNames: ['0', '180'],
      environment: { PREPROCESSING: { resize: { enabled: true, width: 192, height: 48, format: 'Stretch to' } } },
    });
  });
  after(async () => {
    await server?.close();
  });

  const post = async (route: string, body: unknown) => {
    const res = await fetch(server.url + route, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, route);
    return res.json();
  };

  test('classification reports the source size and scores close to a full decode', async () => {
    for (const photo of PHOTOS) {
      const bytes = fs.readFileSync(sharedImage(photo));
      const meta = await sharp(bytes).metadata();
      const image = { type: 'base64', value: bytes.toString('base64') };
      const hinted = await post('/infer/classification', { model_id: CLS, image });
      assert.deepEqual(hinted.image, { width: meta.width, height: meta.height }, photo);
      // The same model through a workflow: no hint, full decode.
      const full = await post('/workflows/run', {
        specification: {
          version: '1.0',
          inputs: [{ type: 'WorkflowImage', name: 'image' }],
          steps: [
            {
              type: 'roboflow_core/roboflow_classification_model@v2',
              name: 'c',
              images: '$inputs.image',
              model_id: CLS,
            },
          ],
          outputs: [{ type: 'JsonField', name: 'p', selector: '$steps.c.predictions' }],
        },
        inputs: { image },
      });
      const fullPrediction = full.outputs[0].p;
      assert.deepEqual(fullPrediction.image, hinted.image, photo);
      const upright = (p: { predictions: Array<{ class: string; confidence: number }> }) =>
        p.predictions.find((c) => c.class === '0')!.confidence;
      assert.ok(
        Math.abs(upright(hinted) - upright(fullPrediction)) < 0.2,
        `${photo}: ${upright(hinted)} vs ${upright(fullPrediction)}`,
      );
    }
  });

  test('detection is never decoded small: boxes equal a full decode, in source pixels', async () => {
    const model = await server.models.get(TEST_MODEL_ID);
    for (const photo of PHOTOS) {
      const bytes = fs.readFileSync(sharedImage(photo));
      const answer = await post('/infer/object_detection', {
        model_id: TEST_MODEL_ID,
        image: { type: 'base64', value: bytes.toString('base64') },
        confidence: 0.4,
      });
      const image = await WorkflowImage.decode(bytes, { parentId: 'image' });
      assert.deepEqual(answer.image, { width: image.width, height: image.height });
      const { detections } = await inferDetections(model, image, {
        confidence: 0.4,
        iouThreshold: 0.3,
        classAgnosticNms: false,
        maxDetections: 300,
        maxCandidates: 3000,
        classFilter: null,
      });
      assert.equal(answer.predictions.length, detections.length, photo);
      answer.predictions.forEach((p: { x: number; y: number; width: number; height: number }, i: number) => {
        const [x0, y0, x1, y1] = detections.xyxy.subarray(i * 4, i * 4 + 4);
        assert.ok(Math.abs(p.x - (x0! + x1!) / 2) < 0.01 && Math.abs(p.width - (x1! - x0!)) < 0.01, photo);
        assert.ok(Math.abs(p.y - (y0! + y1!) / 2) < 0.01 && Math.abs(p.height - (y1! - y0!)) < 0.01, photo);
      });
    }
  });
});
