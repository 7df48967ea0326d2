import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Batch, Detections, WorkflowImage } from '../../../engine/index.ts';
import { dynamicCropV1 } from '../../../blocks/transformations/dynamic_crop_v1.ts';
import { detectionsStitchV1 } from '../../../blocks/fusion/detections_stitch_v1.ts';
import { dimensionCollapseV1 } from '../../../blocks/fusion/dimension_collapse_v1.ts';
import { call, twoColourImage, boxes, pixel } from '../../helpers/block-call.ts';

describe('dynamic_crop, detections_stitch, dimension_collapse', () => {
  let image: WorkflowImage;
  before(async () => {
    image = await twoColourImage();
  });

  test('dynamic_crop gives one crop per detection with lineage and re-based predictions', async () => {
    const d = boxes([
      [10, 10, 30, 40, 0.9, 'a'],
      [60, 5, 90, 25, 0.8, 'b'],
      [20, 20, 20, 30, 0.5, 'flat'],
    ]);
    const [crops] = await call(dynamicCropV1, {
      images: new Batch([image], [[0]]),
      predictions: new Batch([d], [[0]]),
    });
    assert.equal(crops.length, 3);
    const first = crops[0].crops as WorkflowImage;
    assert.deepEqual([first.width, first.height], [20, 30]);
    assert.deepEqual(pixel(first, 0, 0), [255, 0, 0]);
    assert.equal(first.parentId, 'det-0');
    assert.deepEqual(first.parentOrigin, { offset_x: 10, offset_y: 10, width: 100, height: 60 });
    assert.deepEqual(pixel(crops[1].crops, 0, 0), [0, 0, 255]);
    const rebased = crops[0].predictions as Detections;
    assert.deepEqual(rebased.box(0), [0, 0, 20, 30]);
    assert.deepEqual(rebased.column('parent_id'), ['det-0']);
    assert.deepEqual(rebased.column('parent_coordinates'), [[10, 10]]);
    assert.deepEqual(crops[2], { crops: null, predictions: null }, 'zero-area box');
  });

  test('detections on crops stitch back into the reference frame, with NMS removing duplicates', async () => {
    const d = boxes([
      [10, 10, 30, 40, 0.9, 'a'],
      [60, 5, 90, 25, 0.8, 'b'],
    ]);
    const [crops] = await call(dynamicCropV1, {
      images: new Batch([image], [[0]]),
      predictions: new Batch([d], [[0]]),
    });
    // Each crop "detects" its whole area twice (a duplicate to suppress).
    const perCrop = crops.map((c: any) => {
      const crop = c.crops as WorkflowImage;
      return new Detections(Float32Array.of(2, 2, 8, 8, 2, 2, 8, 9), Float32Array.of(0.7, 0.6), Int32Array.of(0, 0), {
        class_name: ['x', 'x'],
        parent_coordinates: [
          [crop.parentOrigin.offset_x, crop.parentOrigin.offset_y],
          [crop.parentOrigin.offset_x, crop.parentOrigin.offset_y],
        ],
      });
    });
    const { predictions } = await call(detectionsStitchV1, {
      reference_image: image,
      predictions: new Batch(perCrop, [
        [0, 0],
        [0, 1],
      ]),
    });
    assert.equal(predictions.length, 2);
    assert.deepEqual(predictions.box(0), [12, 12, 18, 18]);
    assert.deepEqual(predictions.box(1), [62, 7, 68, 13]);
    assert.deepEqual(predictions.column('parent_id'), ['image', 'image']);
    const none = await call(detectionsStitchV1, {
      reference_image: image,
      predictions: new Batch(perCrop, [
        [0, 0],
        [0, 1],
      ]),
      overlap_filtering_strategy: 'none',
    });
    assert.equal(none.predictions.length, 4);
  });

  test('dimension_collapse returns the non-empty children as a list', async () => {
    assert.deepEqual(
      await call(dimensionCollapseV1, {
        data: new Batch(
          ['a', null, 'c'],
          [
            [0, 0],
            [0, 1],
            [0, 2],
          ],
        ),
      }),
      { output: ['a', 'c'] },
    );
  });
});
