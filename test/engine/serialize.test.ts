// Serialization of detections, images and kinds-dispatched values (docs/roboflow-compatibility.md#serialization).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import {
  Detections,
  largestContour,
  serializeDetections,
  serializeImage,
  serializeValue,
  WorkflowImage,
} from '../../engine/index.ts';

function detections(masks: Uint8Array[] | null = null, extra: Record<string, unknown[]> = {}) {
  return new Detections(
    Float32Array.from([10, 20, 30, 60, 0, 0, 4, 4]),
    Float32Array.from([0.81, 0.5]),
    Int32Array.from([0, 2]),
    {
      class_name: ['person', 'car'],
      detection_id: ['a', 'b'],
      parent_id: ['image', 'crop-1'],
      root_parent_id: ['image', 'image'],
      image_dimensions: [
        [100, 200],
        [100, 200],
      ],
      parent_coordinates: [
        [0, 0],
        [5, 6],
      ],
      parent_dimensions: [
        [100, 200],
        [50, 60],
      ],
      root_parent_coordinates: [
        [0, 0],
        [5, 6],
      ],
      root_parent_dimensions: [
        [100, 200],
        [100, 200],
      ],
      ...extra,
    },
    masks,
    masks ? [8, 8] : null,
  );
}

describe('serializeDetections', () => {
  test('key order, centre coordinates, origins only for crops', () => {
    const payload = serializeDetections(detections());
    assert.deepEqual(payload.image, { width: 200, height: 100 });
    const [first, second] = payload.predictions;
    assert.deepEqual(Object.keys(first!), [
      'width',
      'height',
      'x',
      'y',
      'confidence',
      'class_id',
      'class',
      'detection_id',
      'parent_id',
    ]);
    assert.deepEqual(first, {
      width: 20,
      height: 40,
      x: 20,
      y: 40,
      confidence: 0.81,
      class_id: 0,
      class: 'person',
      detection_id: 'a',
      parent_id: 'image',
    });
    assert.deepEqual(Object.keys(second!), [
      'width',
      'height',
      'x',
      'y',
      'confidence',
      'class_id',
      'class',
      'detection_id',
      'parent_id',
      'parent_origin',
      'root_parent_id',
      'root_parent_origin',
    ]);
    assert.deepEqual(second!.parent_origin, { offset_x: 5, offset_y: 6, width: 60, height: 50 });
    assert.deepEqual(second!.root_parent_origin, { offset_x: 5, offset_y: 6, width: 200, height: 100 });
  });

  test('empty detections have a null image', () => {
    assert.deepEqual(serializeDetections(Detections.empty()), {
      image: { width: null, height: null },
      predictions: [],
    });
  });

  test('masks become polygons; instances without a contour are dropped; tracker ids and keypoints placed in order', () => {
    const square = new Uint8Array(64);
    for (let y = 2; y < 5; y++) for (let x = 1; x < 4; x++) square[y * 8 + x] = 1;
    const withMasks = detections([square, new Uint8Array(64)], {
      keypoints_xy: [[[1, 2]], [[3, 4]]],
      keypoints_class_id: [[0], [0]],
      keypoints_class_name: [['nose'], ['nose']],
      keypoints_confidence: [[0.9], [0.8]],
    }).with({ trackerId: Int32Array.from([7, 8]) });
    const payload = serializeDetections(withMasks);
    assert.equal(payload.predictions.length, 1);
    const p = payload.predictions[0]!;
    assert.deepEqual(Object.keys(p), [
      'width',
      'height',
      'x',
      'y',
      'confidence',
      'class_id',
      'points',
      'tracker_id',
      'class',
      'detection_id',
      'parent_id',
      'keypoints',
    ]);
    assert.deepEqual(p.points, [
      { x: 1, y: 2 },
      { x: 3, y: 2 },
      { x: 3, y: 4 },
      { x: 1, y: 4 },
    ]);
    assert.equal(p.tracker_id, 7);
    assert.deepEqual(p.keypoints, [{ class_id: 0, class: 'nose', confidence: 0.9, x: 1, y: 2 }]);
  });
});

describe('largestContour', () => {
  test('traces the biggest region only, including diagonal steps', () => {
    const w = 10;
    const mask = new Uint8Array(100);
    mask[0] = 1; // a lone pixel
    // a diamond-ish region
    for (const [x, y] of [
      [5, 3],
      [4, 4],
      [5, 4],
      [6, 4],
      [5, 5],
    ])
      mask[y! * w + x!] = 1;
    assert.deepEqual(largestContour(mask, w, 10), [5, 3, 6, 4, 5, 5, 4, 4]);
    assert.deepEqual(largestContour(new Uint8Array(100), w, 10), []);
  });
});

describe('serializeImage / serializeValue', () => {
  test('input images keep their base64 and get video_metadata; crops carry origins', async () => {
    const png = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#00ff00' } })
      .png()
      .toBuffer();
    const base64 = png.toString('base64');
    const image = await WorkflowImage.decode(png, { parentId: 'image' }, { keepBase64: base64 });
    const wire = await serializeImage(image);
    assert.deepEqual(Object.keys(wire), ['type', 'value', 'video_metadata']);
    assert.equal(wire.type, 'base64');
    assert.equal(wire.value, base64);
    assert.equal((wire.video_metadata as any).video_identifier, 'image');
    const crop = image.crop(5, 2, 15, 8, 'det-1')!;
    const cropWire = await serializeImage(crop);
    assert.equal(cropWire.parent_id, 'det-1');
    assert.deepEqual(cropWire.parent_origin, { offset_x: 5, offset_y: 2, width: 20, height: 10 });
    assert.equal(cropWire.root_parent_id, 'image');
    const decoded = await sharp(Buffer.from(cropWire.value as string, 'base64')).metadata();
    assert.deepEqual([decoded.width, decoded.height, decoded.format], [10, 6, 'jpeg']);
  });

  test('kinds-driven dispatch: secrets masked, wildcard recursion, raw values', async () => {
    assert.equal(await serializeValue('abc', ['secret']), '********');
    assert.equal(await serializeValue('abcdefghij', ['secret']), 'ab********ij');
    const nested = (await serializeValue({ d: detections(), list: [1, 'x'], when: new Date(0) }, ['*'])) as any;
    assert.equal(nested.d.predictions.length, 2);
    assert.deepEqual(nested.list, [1, 'x']);
    assert.equal(nested.when, '1970-01-01T00:00:00.000Z');
    assert.deepEqual(await serializeValue({ top: 'cat' }, ['classification_prediction']), { top: 'cat' });
    assert.equal(await serializeValue(null, ['image']), null);
    await assert.rejects(serializeValue('not an image', ['image']), /none of the registered serializers applies/);
  });
});
