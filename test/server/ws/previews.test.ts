// Step output previews: images as small JPEGs, detections as boxes/classes/confidences with mask outlines and
// keypoints, lists with their length, scalars, JSON cut short; one element per batch index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Detections, WorkflowImage } from '../../../engine/index.ts';
import { DEFAULT_PREVIEW_OPTIONS, previewStep, previewValue } from '../../../server/ws/previews.ts';

const options = DEFAULT_PREVIEW_OPTIONS;

test('an image becomes a JPEG no larger than the preview size', async () => {
  const image = new WorkflowImage(new Uint8Array(800 * 400 * 3).fill(128), 800, 400, { parentId: 'image' });
  const preview = await previewValue(image, options);
  assert.equal(preview.type, 'image');
  if (preview.type !== 'image') return;
  assert.deepEqual([preview.width, preview.height], [800, 400], 'the real size is reported');
  const meta = await sharp(Buffer.from(preview.jpeg, 'base64')).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.deepEqual([meta.width, meta.height], [320, 160]);
});

test('detections: boxes, classes, confidences, mask outlines and keypoints', async () => {
  const mask = new Uint8Array(20 * 10);
  for (let y = 2; y < 8; y++) for (let x = 4; x < 14; x++) mask[y * 20 + x] = 1;
  const detections = new Detections(
    new Float32Array([4, 2, 14, 8]),
    new Float32Array([0.87654]),
    new Int32Array([3]),
    { class_name: ['car'], image_dimensions: [[10, 20]], keypoints_xy: [[[5.04, 6.06]]] },
    [mask],
    [10, 20],
  );
  const preview = await previewValue(detections, options);
  assert.equal(preview.type, 'detections');
  if (preview.type !== 'detections') return;
  assert.deepEqual(preview.boxes, [[4, 2, 14, 8]]);
  assert.deepEqual(preview.classes, ['car']);
  assert.deepEqual(preview.confidences, [0.877]);
  assert.deepEqual(preview.image_dimensions, [10, 20]);
  assert.deepEqual(preview.keypoints, [[[5, 6.1]]]);
  const outline = preview.masks![0]!;
  assert.ok(outline.length >= 8, 'a polygon');
  for (let i = 0; i < outline.length; i += 2) {
    assert.ok(outline[i]! >= 4 && outline[i]! <= 14, `x ${outline[i]}`);
    assert.ok(outline[i + 1]! >= 2 && outline[i + 1]! <= 8, `y ${outline[i + 1]}`);
  }
});

test('lists keep their length, scalars their value, other values a cut JSON text', async () => {
  const list = await previewValue(
    Array.from({ length: 20 }, (_, i) => i),
    options,
  );
  assert.equal(list.type, 'list');
  if (list.type === 'list') {
    assert.equal(list.length, 20);
    assert.equal(list.items.length, 8);
  }
  assert.deepEqual(await previewValue('STOP', options), { type: 'scalar', value: 'STOP' });
  assert.deepEqual(await previewValue(null, options), { type: 'scalar', value: null });
  const json = await previewValue({ a: 'x'.repeat(5000) }, options);
  assert.equal(json.type, 'json');
  if (json.type === 'json') {
    assert.equal(json.truncated, true);
    assert.equal(json.text.length, options.maxText);
  }
});

test('one element per batch index, capped', async () => {
  const outputs = new Map<string, Record<string, unknown>>();
  for (let j = 0; j < 70; j++) outputs.set(`0,${j}`, { n: j });
  const preview = await previewStep(outputs, options);
  assert.equal(preview.elements.length, 64);
  assert.equal(preview.omitted, 6);
  assert.deepEqual(preview.elements[5], { index: [0, 5], outputs: { n: { type: 'scalar', value: 5 } } });
});
