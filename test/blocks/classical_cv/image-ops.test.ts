import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Batch, WorkflowImage, type StepOutputs } from '../../../engine/index.ts';
import { imagePreprocessingV1 } from '../../../blocks/classical_cv/image_preprocessing_v1.ts';
import { convertGrayscaleV1 } from '../../../blocks/classical_cv/convert_grayscale_v1.ts';
import { dominantColorV1 } from '../../../blocks/classical_cv/dominant_color_v1.ts';
import { imageSlicerV1 } from '../../../blocks/classical_cv/image_slicer_v1.ts';
import { imageSlicerV2 } from '../../../blocks/classical_cv/image_slicer_v2.ts';
import { absoluteStaticCropV1 } from '../../../blocks/classical_cv/absolute_static_crop_v1.ts';
import { relativeStaticCropV1 } from '../../../blocks/classical_cv/relative_static_crop_v1.ts';
import { thresholdV1 } from '../../../blocks/classical_cv/threshold_v1.ts';
import { imageBlurV1 } from '../../../blocks/classical_cv/image_blur_v1.ts';
import { pixelColorCountV1 } from '../../../blocks/classical_cv/pixel_color_count_v1.ts';
import { cameraFocusV1 } from '../../../blocks/classical_cv/camera_focus_v1.ts';
import { morphologicalTransformationV2 } from '../../../blocks/classical_cv/morphological_transformation_v2.ts';
import { contrastEqualizationV1 } from '../../../blocks/classical_cv/contrast_equalization_v1.ts';
import { gradientImage, outputImage, pixel, renderImage, saveOutput, stepContext } from '../../helpers/images.ts';

const ctx = stepContext();

describe('image_preprocessing', () => {
  const image = gradientImage(30, 20);

  test('horizontal / vertical / both flips move pixels to mirrored positions', async () => {
    for (const [flipType, fx, fy] of [
      ['horizontal', true, false],
      ['vertical', false, true],
      ['both', true, true],
    ] as const) {
      const out = outputImage(await imagePreprocessingV1.run({ image, task_type: 'flip', flip_type: flipType }, ctx));
      assert.equal(out.width, 30);
      for (const [x, y] of [
        [0, 0],
        [7, 3],
        [29, 19],
      ]) {
        assert.deepEqual(
          pixel(out, fx ? 29 - x! : x!, fy ? 19 - y! : y!),
          pixel(image, x!, y!),
          `${flipType} ${x},${y}`,
        );
      }
    }
  });

  test('rotation by 90 is clockwise and swaps dimensions; 180 keeps them', async () => {
    const out = outputImage(await imagePreprocessingV1.run({ image, task_type: 'rotate', rotation_degrees: 90 }, ctx));
    assert.equal(out.width, 20);
    assert.equal(out.height, 30);
    assert.deepEqual(pixel(out, 19, 0), pixel(image, 0, 0), 'top-left goes to top-right');
    assert.deepEqual(pixel(out, 0, 29), pixel(image, 29, 19), 'bottom-right goes to bottom-left');
    const half = outputImage(
      await imagePreprocessingV1.run({ image, task_type: 'rotate', rotation_degrees: 180 }, ctx),
    );
    assert.equal(half.width, 30);
    assert.deepEqual(pixel(half, 29, 19), pixel(image, 0, 0));
    const ccw = outputImage(await imagePreprocessingV1.run({ image, task_type: 'rotate', rotation_degrees: -90 }, ctx));
    assert.deepEqual(pixel(ccw, 0, 29), pixel(image, 0, 0), 'counter-clockwise: top-left goes to bottom-left');
    const tilted = outputImage(
      await imagePreprocessingV1.run({ image, task_type: 'rotate', rotation_degrees: 45 }, ctx),
    );
    assert.ok(tilted.width > 30 && tilted.height > 20, 'arbitrary angles grow the canvas');
  });

  test('resize to both dimensions, or one keeping the aspect ratio', async () => {
    const out = outputImage(await imagePreprocessingV1.run({ image, task_type: 'resize', width: 15, height: 40 }, ctx));
    assert.deepEqual([out.width, out.height], [15, 40]);
    const keep = outputImage(
      await imagePreprocessingV1.run({ image, task_type: 'resize', width: 60, height: null }, ctx),
    );
    assert.deepEqual([keep.width, keep.height], [60, 40]);
    assert.equal(keep.parentId, image.parentId);
  });

  test('rejects an unknown task with a message naming the field', async () => {
    await assert.rejects(async () => imagePreprocessingV1.run({ image, task_type: 'shear' }, ctx), /task_type/);
  });
});

test('convert_grayscale makes R = G = B', async () => {
  const image = await renderImage(20, 10, [200, 30, 90], [{ box: [0, 0, 10, 10], color: [0, 255, 0] }]);
  const out = outputImage(await convertGrayscaleV1.run({ image }, ctx));
  for (const [x, y] of [
    [2, 2],
    [15, 5],
  ]) {
    const [r, g, b] = pixel(out, x!, y!);
    assert.equal(r, g);
    assert.equal(g, b);
  }
  assert.equal(pixel(out, 2, 2)[0], 150);
});

test('dominant colour of a mostly-red image is red', async () => {
  const image = await renderImage(
    100,
    80,
    [255, 0, 0],
    [
      { box: [0, 0, 20, 20], color: [0, 0, 255] },
      { box: [80, 60, 100, 80], color: [255, 255, 255] },
    ],
  );
  const result = (await dominantColorV1.run({ image }, ctx)) as StepOutputs;
  assert.deepEqual(result.rgb_color, [255, 0, 0]);
});

describe('image slicer', () => {
  test('v1: grid of overlapping slices with parent origins, edge slices clipped', async () => {
    const image = gradientImage(1000, 700);
    const slices = (await imageSlicerV1.run(
      { image, slice_width: 640, slice_height: 640, overlap_ratio_width: 0.2, overlap_ratio_height: 0.2 },
      ctx,
    )) as StepOutputs[];
    // stride 640 - 128 = 512 -> x starts 0, 512; y starts 0, 512
    assert.equal(slices.length, 4);
    const origins = slices.map((s) => {
      const img = s.slices as WorkflowImage;
      return [img.parentOrigin.offset_x, img.parentOrigin.offset_y, img.width, img.height];
    });
    assert.deepEqual(origins, [
      [0, 0, 640, 640],
      [512, 0, 488, 640],
      [0, 512, 640, 188],
      [512, 512, 488, 188],
    ]);
    const second = slices[1]!.slices as WorkflowImage;
    assert.deepEqual(pixel(second, 0, 0), pixel(image, 512, 0));
    assert.notEqual(second.parentId, image.parentId);
    assert.equal(second.rootParentId, image.rootParentId);
  });

  test('v2: every slice has the full size, edge slices moved inside', async () => {
    const image = gradientImage(1000, 700);
    const slices = (await imageSlicerV2.run(
      { image, slice_width: 640, slice_height: 640, overlap_ratio_width: 0.2, overlap_ratio_height: 0.2 },
      ctx,
    )) as StepOutputs[];
    const origins = slices.map((s) => {
      const img = s.slices as WorkflowImage;
      return [img.parentOrigin.offset_x, img.parentOrigin.offset_y, img.width, img.height];
    });
    assert.deepEqual(origins, [
      [0, 0, 640, 640],
      [360, 0, 640, 640],
      [0, 60, 640, 640],
      [360, 60, 640, 640],
    ]);
  });
});

test('static crops: absolute and relative, with lineage; empty areas give null', async () => {
  const image = gradientImage(100, 80);
  const batch = new Batch([image, image], [[0], [1]]);
  const abs = (await absoluteStaticCropV1.run(
    { images: batch, x_center: 50, y_center: 40, width: 20, height: 10 },
    ctx,
  )) as StepOutputs[];
  assert.equal(abs.length, 2);
  const crop = abs[0]!.crops as WorkflowImage;
  assert.deepEqual([crop.width, crop.height, crop.parentOrigin.offset_x, crop.parentOrigin.offset_y], [20, 10, 40, 35]);
  assert.deepEqual(pixel(crop, 0, 0), pixel(image, 40, 35));
  const rel = (await relativeStaticCropV1.run(
    { images: batch, x_center: 0.5, y_center: 0.5, width: 0.5, height: 0.5 },
    ctx,
  )) as StepOutputs[];
  const relCrop = rel[0]!.crops as WorkflowImage;
  assert.deepEqual(
    [relCrop.width, relCrop.height, relCrop.parentOrigin.offset_x, relCrop.parentOrigin.offset_y],
    [50, 40, 25, 20],
  );
  const outside = (await absoluteStaticCropV1.run(
    { images: batch, x_center: 500, y_center: 500, width: 10, height: 10 },
    ctx,
  )) as StepOutputs[];
  assert.equal(outside[0]!.crops, null);
});

test('threshold binary and otsu produce two levels', async () => {
  const image = await renderImage(40, 20, [40, 40, 40], [{ box: [20, 0, 40, 20], color: [220, 220, 220] }]);
  for (const threshold_type of ['binary', 'otsu']) {
    const out = outputImage(await thresholdV1.run({ image, threshold_type, thresh_value: 127, max_value: 255 }, ctx));
    assert.deepEqual(pixel(out, 5, 5), [0, 0, 0], threshold_type);
    assert.deepEqual(pixel(out, 30, 5), [255, 255, 255], threshold_type);
  }
});

test('image blur smooths an edge; every blur type keeps the size', async () => {
  const image = await renderImage(40, 20, [0, 0, 0], [{ box: [20, 0, 40, 20], color: [255, 255, 255] }]);
  for (const blur_type of ['average', 'gaussian', 'median', 'bilateral']) {
    const out = outputImage(await imageBlurV1.run({ image, blur_type, kernel_size: 5 }, ctx));
    assert.equal(out.width, 40);
    if (blur_type === 'average' || blur_type === 'gaussian') {
      const v = pixel(out, 20, 10)[0];
      assert.ok(v > 0 && v < 255, `${blur_type} edge ${v}`);
    }
    assert.deepEqual(pixel(out, 2, 10), [0, 0, 0], blur_type);
  }
});

test('pixel colour count with tolerance', async () => {
  const image = await renderImage(10, 10, [0, 0, 0], [{ box: [0, 0, 5, 4], color: [250, 10, 10] }]);
  const count = (await pixelColorCountV1.run({ image, target_color: '#FF0000', tolerance: 10 }, ctx)) as StepOutputs;
  assert.equal(count.matching_pixels_count, 20);
  const strict = (await pixelColorCountV1.run({ image, target_color: [255, 0, 0], tolerance: 2 }, ctx)) as StepOutputs;
  assert.equal(strict.matching_pixels_count, 0);
});

test('camera focus: sharp edges score higher than a flat image', async () => {
  const flat = await renderImage(64, 64, [120, 120, 120]);
  const edges = await renderImage(64, 64, [0, 0, 0], [{ box: [16, 16, 48, 48], color: [255, 255, 255] }]);
  const a = (await cameraFocusV1.run({ image: flat }, ctx)) as StepOutputs;
  const b = (await cameraFocusV1.run({ image: edges }, ctx)) as StepOutputs;
  assert.equal(a.focus_measure, 0);
  assert.ok((b.focus_measure as number) > 100);
  assert.ok(outputImage(b).width === 64);
});

test('morphology: erosion shrinks and dilation grows a bright square', async () => {
  const image = await renderImage(30, 30, [0, 0, 0], [{ box: [10, 10, 20, 20], color: [255, 255, 255] }]);
  const eroded = outputImage(
    await morphologicalTransformationV2.run({ image, kernel_size: 3, operation: 'Erosion' }, ctx),
  );
  const dilated = outputImage(
    await morphologicalTransformationV2.run({ image, kernel_size: 3, operation: 'Dilation' }, ctx),
  );
  assert.deepEqual(pixel(eroded, 10, 15), [0, 0, 0]);
  assert.deepEqual(pixel(eroded, 11, 15), [255, 255, 255]);
  assert.deepEqual(pixel(dilated, 9, 15), [255, 255, 255]);
  assert.deepEqual(pixel(dilated, 8, 15), [0, 0, 0]);
});

test('histogram equalization spreads a narrow range', async () => {
  const image = await renderImage(20, 20, [100, 100, 100], [{ box: [0, 0, 10, 20], color: [110, 110, 110] }]);
  const out = outputImage(
    await contrastEqualizationV1.run({ image, equalization_type: 'Histogram Equalization' }, ctx),
  );
  assert.ok(pixel(out, 15, 5)[0] - pixel(out, 5, 5)[0] > 50 || pixel(out, 5, 5)[0] - pixel(out, 15, 5)[0] > 50);
  await saveOutput('equalized.png', out);
});
