// COCO RLE: the codec against hand-worked vectors and random masks, and instance segmentation v4 on a real
// model whose serialized rle_mask decodes back to exactly the dense masks.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { needsShared, sharedImage, sharedModel } from '../../../helpers/shared.ts';
import {
  Batch,
  Detections,
  WorkflowImage,
  decodeRle,
  deserializeDetections,
  encodeRle,
  serializeOutput,
  type StepContext,
} from '../../../../engine/index.ts';
import { maskRunLengths, runLengthsFromString, runLengthsToString } from '../../../../engine/rle.ts';
import { createModelManager, type ModelManager } from '../../../../blocks/models/manager.ts';
import { installModelPackage } from '../../../../blocks/models/package.ts';
import { roboflowModelBlocks } from '../../../../blocks/models/roboflow/index.ts';

const count = (mask: Uint8Array) => mask.reduce((sum, v) => sum + (v ? 1 : 0), 0);

describe('COCO RLE codec', () => {
  test('runs are column-major and start with zeros', () => {
    // 3x3, one pixel at row 1, column 1 → column-major index 4.
    const mask = new Uint8Array(9);
    mask[1 * 3 + 1] = 1;
    assert.deepEqual(maskRunLengths(mask, 3, 3), [4, 1, 4]);
    // 2 rows x 3 columns, first column set: a zero-length leading run.
    assert.deepEqual(maskRunLengths(Uint8Array.from([1, 0, 0, 1, 0, 0]), 2, 3), [0, 2, 4]);
  });

  test('string form: 5-bit groups from 48, deltas after the second run', () => {
    assert.equal(runLengthsToString([4, 1, 4]), '414');
    assert.equal(runLengthsToString([100]), 'T3'); // 100 = 4 + 3·32 → 4|0x20 then 3
    // The fourth run is written as 1 - 5 = -4 → a single char with the sign bit: 28 + 48.
    assert.equal(runLengthsToString([2, 5, 3, 1]), '253L');
    assert.deepEqual(runLengthsFromString('253L'), [2, 5, 3, 1]);
    assert.deepEqual(encodeRle(Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]), 3, 3), { size: [3, 3], counts: '414' });
  });

  test('random masks round-trip through the string form', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const [h, w, density] of [
      [1, 1, 0.5],
      [7, 13, 0.3],
      [64, 48, 0.02],
      [120, 90, 0.9],
      [300, 1, 0.5],
    ] as const) {
      const mask = Uint8Array.from({ length: h * w }, () => (random() < density ? 1 : 0));
      const rle = encodeRle(mask, h, w);
      assert.deepEqual(rle.size, [h, w]);
      assert.deepEqual(decodeRle(rle), mask, `${h}x${w}`);
      assert.deepEqual(decodeRle({ size: [h, w], counts: maskRunLengths(mask, h, w) }), mask);
    }
    // Long runs (a big blob) need several 5-bit groups.
    const big = new Uint8Array(1000 * 800);
    for (let y = 100; y < 900; y++) big.fill(1, y * 800 + 50, y * 800 + 700);
    assert.deepEqual(decodeRle(encodeRle(big, 1000, 800)), big);
  });

  test('rle_instance_segmentation_prediction: payload without points, rle_mask per prediction', async () => {
    const mask = new Uint8Array(4 * 5);
    mask.fill(1, 5, 8); // row 1, columns 0-2
    const plain = new Detections(
      Float32Array.from([0, 1, 3, 2]),
      Float32Array.from([0.9]),
      Int32Array.from([0]),
      { class_name: ['a'] },
      [mask],
      [4, 5],
    );
    const marked = new Detections(
      plain.xyxy,
      plain.confidence,
      plain.classId,
      { class_name: ['a'], rle_mask: [null] },
      [mask],
      [4, 5],
    );
    const kinds = ['rle_instance_segmentation_prediction', 'instance_segmentation_prediction'];
    const rle = (await serializeOutput(marked, kinds)) as { predictions: Array<Record<string, any>> };
    assert.equal(rle.predictions[0]!.points, undefined);
    assert.deepEqual(rle.predictions[0]!.rle_mask.size, [4, 5]);
    assert.deepEqual(decodeRle(rle.predictions[0]!.rle_mask), mask);
    // Without the rle_mask column the same kinds keep the polygon payload.
    const polygon = (await serializeOutput(plain, kinds)) as { predictions: Array<Record<string, any>> };
    assert.ok(polygon.predictions[0]!.points.length >= 2);
    assert.equal(polygon.predictions[0]!.rle_mask, undefined);
  });
});

describe('instance segmentation v4 (COCO RLE masks)', { skip: needsShared }, () => {
  const V4 = 'roboflow_core/roboflow_instance_segmentation_model@v4';
  let cacheDir: string;
  let models: ModelManager;
  let bus: WorkflowImage;
  const v4 = () => roboflowModelBlocks.find((b) => b.manifest.type === V4)!;
  const context = (): StepContext => ({
    stepName: 'seg',
    stepType: V4,
    services: { models },
    request: {},
    state: new Map(),
  });

  before(async () => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-rle-'));
    await installModelPackage(sharedModel('yolo11n-seg_int8.onnx'), 'coco-seg/1', cacheDir);
    models = createModelManager({ cacheDir });
    bus = await WorkflowImage.decode(fs.readFileSync(sharedImage('bus.jpg')), { parentId: 'bus' });
  });
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  test('manifest: predictions are rle|is, mask_format defaults to rle', () => {
    const manifest = v4().manifest;
    assert.deepEqual(manifest.outputs.find((o) => o.name === 'predictions')!.kind, [
      'rle_instance_segmentation_prediction',
      'instance_segmentation_prediction',
    ]);
    assert.equal((manifest.properties.mask_format as { default?: unknown }).default, 'rle');
    assert.ok(manifest.properties.confidence_mode);
  });

  test('bus.jpg: every serialized rle_mask decodes to its dense mask (same pixel count)', async () => {
    const [out] = (await v4().run(
      { images: new Batch([bus], [[0]]), model_id: 'coco-seg/1', confidence_mode: 'default' },
      context(),
    )) as Array<Record<string, any>>;
    const detections = out!.predictions as Detections;
    assert.ok(detections.length >= 4 && detections.masks);
    const kinds = v4().manifest.outputs.find((o) => o.name === 'predictions')!.kind;
    const payload = (await serializeOutput(detections, kinds)) as { predictions: Array<Record<string, any>> };
    assert.equal(payload.predictions.length, detections.length);
    payload.predictions.forEach((p, i) => {
      assert.equal(p.points, undefined);
      assert.deepEqual(p.rle_mask.size, [1080, 810]);
      const decoded = decodeRle(p.rle_mask);
      const dense = detections.masks![i]!;
      assert.ok(count(dense) > 100, `detection ${i} has a real mask`);
      assert.equal(count(decoded), count(dense));
      assert.deepEqual(decoded, dense);
    });
  });

  test('mask_format polygon keeps the polygon payload; a bad format names the step and field', async () => {
    const [out] = (await v4().run(
      { images: new Batch([bus], [[0]]), model_id: 'coco-seg/1', mask_format: 'polygon' },
      context(),
    )) as Array<Record<string, any>>;
    const payload = (await serializeOutput(out!.predictions, [
      'rle_instance_segmentation_prediction',
      'instance_segmentation_prediction',
    ])) as { predictions: Array<Record<string, any>> };
    assert.ok(payload.predictions.every((p) => Array.isArray(p.points) && p.rle_mask === undefined));
    await assert.rejects(
      async () =>
        v4().run({ images: new Batch([bus], [[0]]), model_id: 'coco-seg/1', mask_format: 'bitmap' }, context()),
      /seg: mask_format must be rle or polygon/,
    );
  });
});

test('RLE payload deserializes back to dense masks (rle_instance_segmentation_prediction input)', async () => {
  const masks = [new Uint8Array(6 * 4), new Uint8Array(6 * 4)];
  masks[0]!.fill(1, 4, 10);
  masks[1]![23] = 1;
  const detections = new Detections(
    Float32Array.from([0, 1, 4, 3, 3, 5, 4, 6]),
    Float32Array.from([0.9, 0.5]),
    Int32Array.from([0, 1]),
    { class_name: ['a', 'b'], rle_mask: [null, null] },
    masks,
    [6, 4],
  );
  const payload = await serializeOutput(detections, ['rle_instance_segmentation_prediction']);
  const back = deserializeDetections(JSON.parse(JSON.stringify(payload)));
  assert.deepEqual(back.maskShape, [6, 4]);
  assert.deepEqual(back.masks, masks);
  assert.deepEqual(back.column('class_name'), ['a', 'b']);
  // Serialized again it is still the RLE payload.
  const again = (await serializeOutput(back, ['rle_instance_segmentation_prediction'])) as {
    predictions: Array<Record<string, any>>;
  };
  assert.deepEqual(
    again.predictions.map((p) => p.rle_mask),
    (payload as { predictions: Array<Record<string, any>> }).predictions.map((p) => p.rle_mask),
  );
});
