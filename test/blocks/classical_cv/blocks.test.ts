// Calibration, deskewing, contours, background subtraction, focus measures and text display on rendered images.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Detections, WorkflowImage } from '../../../engine/index.ts';
import { rotate } from '../../../blocks/classical_cv/geometry.ts';
import { cameraCalibrationV1 } from '../../../blocks/classical_cv/camera_calibration_v1.ts';
import { autoRotateOnEdgesV1 } from '../../../blocks/classical_cv/auto_rotate_on_edges_v1.ts';
import { contoursDetectionV1 } from '../../../blocks/classical_cv/contours_detection_v1.ts';
import { backgroundSubtractionV1 } from '../../../blocks/classical_cv/background_subtraction_v1.ts';
import { cameraFocusV2 } from '../../../blocks/classical_cv/camera_focus_v2.ts';
import { imageBlurV1 } from '../../../blocks/classical_cv/image_blur_v1.ts';
import { textDisplayV1 } from '../../../blocks/visualizations/text_display_v1.ts';
import { pixelAt, solidImage, stepContext, texturedImage } from './helpers.ts';

function paint(
  width: number,
  height: number,
  inside: (x: number, y: number) => boolean,
  fg = 255,
  bg = 0,
): WorkflowImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) pixels.fill(inside(x, y) ? fg : bg, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return new WorkflowImage(pixels, width, height, { parentId: 'painted' });
}

const ZERO = { k1: 0, k2: 0, k3: 0, p1: 0, p2: 0 };

describe('camera-calibration@v1', () => {
  test('zero distortion is the identity', () => {
    const image = texturedImage(160, 120, 5);
    const out = cameraCalibrationV1.run({ image, fx: 500, fy: 480, cx: 80, cy: 60, ...ZERO }, stepContext()) as any;
    assert.deepEqual(out.calibrated_image.pixels, image.pixels);
  });

  test('barrel distortion moves pixels towards the centre only away from it; the centre stays', () => {
    const image = paint(201, 201, (x, y) => x % 20 < 2 || y % 20 < 2, 255, 40);
    const out = (
      cameraCalibrationV1.run({ image, fx: 200, fy: 200, cx: 100, cy: 100, ...ZERO, k1: -0.3 }, stepContext()) as any
    ).calibrated_image as WorkflowImage;
    assert.deepEqual(pixelAt(out, 100, 100), pixelAt(image, 100, 100));
    assert.notDeepEqual(out.pixels, image.pixels);
    assert.deepEqual([out.width, out.height], [201, 201]);
  });

  test('a zero focal length is refused naming the field', () => {
    assert.throws(
      () =>
        cameraCalibrationV1.run(
          { image: solidImage(10, 10), fx: 0, fy: 1, cx: 5, cy: 5, ...ZERO },
          stepContext('calib'),
        ),
      /calib.*fx/,
    );
  });
});

describe('auto_rotate_on_edges@v1', () => {
  const stripes = paint(300, 220, (x) => Math.floor(x / 15) % 2 === 0, 230, 30);
  const run = (image: WorkflowImage, extra: Record<string, unknown> = {}) =>
    autoRotateOnEdgesV1.run(
      {
        image,
        target_orientation: 'vertical',
        skip_below_degrees: 0.5,
        max_correction_degrees: 45,
        internal_resolution: 1000,
        ...extra,
      } as any,
      stepContext(),
    ) as Promise<any>;

  test('vertical stripes turned 7 degrees clockwise come back with angle -7 on a grown canvas', async () => {
    const turned = await rotate(stripes, 7);
    const skewed = new WorkflowImage(turned.pixels, turned.width, turned.height, { parentId: 'skewed' });
    const out = await run(skewed);
    assert.ok(Math.abs(out.angle + 7) <= 0.5, `angle ${out.angle}`);
    const rad = (7 * Math.PI) / 180;
    const expectedWidth = Math.round(skewed.width * Math.cos(rad) + skewed.height * Math.sin(rad));
    assert.ok(Math.abs(out.image.width - expectedWidth) <= 2, `width ${out.image.width}, expected ${expectedWidth}`);
    const back = await run(out.image);
    assert.equal(back.angle, 0, `a second pass still corrects ${back.angle}`);
  });

  test('counter-clockwise skew gives a positive angle; horizontal target aligns horizontal edges', async () => {
    const turned = await rotate(stripes, -4);
    const out = await run(new WorkflowImage(turned.pixels, turned.width, turned.height, { parentId: 's' }));
    assert.ok(Math.abs(out.angle - 4) <= 0.5, `angle ${out.angle}`);
    const rows = paint(300, 220, (_, y) => Math.floor(y / 15) % 2 === 0, 230, 30);
    const rowsTurned = await rotate(rows, 5);
    const horizontal = await run(
      new WorkflowImage(rowsTurned.pixels, rowsTurned.width, rowsTurned.height, { parentId: 'r' }),
      { target_orientation: 'horizontal' },
    );
    assert.ok(Math.abs(horizontal.angle + 5) <= 0.5, `angle ${horizontal.angle}`);
  });

  test('flat images, tiny and too-large corrections leave the image unchanged with angle 0', async () => {
    const flat = solidImage(100, 80);
    assert.deepEqual(await run(flat), { image: flat, angle: 0 });
    const turned = await rotate(stripes, 7);
    const skewed = new WorkflowImage(turned.pixels, turned.width, turned.height, { parentId: 'skewed' });
    const capped = await run(skewed, { max_correction_degrees: 5 });
    assert.equal(capped.angle, 0);
    assert.equal(capped.image, skewed);
    assert.equal((await run(stripes)).angle, 0);
  });
});

describe('contours_detection@v1', () => {
  test('counts drawn shapes; a dot inside a ring is not an external contour; rectangles reduce to 4 corners', () => {
    const shapes = paint(200, 150, (x, y) => {
      const rect = x >= 10 && x < 50 && y >= 10 && y < 40;
      const disc = (x - 120) ** 2 + (y - 40) ** 2 <= 20 ** 2;
      const ringD = Math.hypot(x - 60, y - 105);
      const ring = ringD <= 35 && ringD >= 25;
      const dot = ringD <= 5;
      const edgeBar = x >= 190 && y >= 100 && y < 140;
      return rect || disc || ring || dot || edgeBar;
    });
    const out = contoursDetectionV1.run({ image: shapes, line_thickness: 2 }, stepContext()) as any;
    assert.equal(out.number_contours, 4);
    assert.equal(out.contours.length, 4);
    const corners = (out.contours[0] as number[][][]).map(([p]) => p!.join(',')).sort();
    assert.deepEqual(corners, ['10,10', '10,39', '49,10', '49,39']);
    assert.deepEqual(out.hierarchy, [
      [
        [1, -1, -1, -1],
        [2, 0, -1, -1],
        [3, 1, -1, -1],
        [-1, 2, -1, -1],
      ],
    ]);
    assert.deepEqual(pixelAt(out.image, 10, 25), [255, 0, 255]);
    const none = contoursDetectionV1.run({ image: solidImage(50, 50, 0), line_thickness: 2 }, stepContext()) as any;
    assert.deepEqual([none.number_contours, none.contours, none.hierarchy], [0, [], null]);
  });
});

describe('background_subtraction@v1', () => {
  test('a static scene becomes background; a new object is foreground; state is per video', () => {
    const context = stepContext('bg');
    const scene = texturedImage(80, 60, 11);
    const run = (image: WorkflowImage) =>
      (backgroundSubtractionV1.run({ image, threshold: 16, history: 30 }, context) as any).image as WorkflowImage;
    const first = run(scene);
    assert.ok(
      first.pixels.every((v) => v === 0),
      'the first frame only initialises the model',
    );
    for (let i = 0; i < 5; i++) run(scene);
    const pixels = new Uint8Array(scene.pixels);
    for (let y = 20; y < 40; y++) for (let x = 30; x < 50; x++) pixels.set([255, 255, 255], (y * 80 + x) * 3);
    for (let y = 20; y < 40; y++)
      for (let x = 30; x < 50; x++)
        if (pixelAt(scene, x, y).join() === '255,255,255') pixels.set([0, 0, 0], (y * 80 + x) * 3);
    const mask = run(scene.withPixels(pixels));
    assert.deepEqual(pixelAt(mask, 40, 30), [255, 255, 255]);
    assert.deepEqual(pixelAt(mask, 5, 5), [0, 0, 0]);
    const other = new WorkflowImage(pixels, 80, 60, {
      parentId: 'x',
      videoMetadata: { video_identifier: 'cam-2', frame_number: 1, frame_timestamp: '2024-01-01T00:00:00' },
    });
    assert.ok(
      run(other).pixels.every((v) => v === 0),
      'a new video starts its own model',
    );
  });
});

describe('camera_focus@v2', () => {
  test('sharp beats blurred, per-box measures follow the boxes, overlays drawn', async () => {
    const sharp = texturedImage(160, 120, 4);
    const blurred = (
      imageBlurV1.run({ image: sharp, blur_type: 'gaussian', kernel_size: 9 } as any, stepContext()) as any
    ).image as WorkflowImage;
    const flags = {
      show_zebra_warnings: false,
      show_focus_peaking: false,
      show_hud: false,
      show_composition_grid: false,
      show_center_marker: false,
    };
    const a = (await cameraFocusV2.run({ image: sharp, detections: undefined, ...flags }, stepContext())) as any;
    const b = (await cameraFocusV2.run({ image: blurred, detections: undefined, ...flags }, stepContext())) as any;
    assert.ok(a.focus_measure > 2 * b.focus_measure, `${a.focus_measure} vs ${b.focus_measure}`);
    assert.deepEqual(a.bbox_focus_measures, []);
    assert.deepEqual(a.image.pixels, sharp.pixels);
    const half = new WorkflowImage(new Uint8Array(sharp.pixels), 160, 120, { parentId: 'h' });
    half.pixels.fill(100, 0, 160 * 60 * 3);
    const boxes = new Detections(
      new Float32Array([0, 0, 160, 50, 0, 70, 160, 120, -20, 80, 500, 500]),
      new Float32Array([0.9, 0.9, 0.9]),
      new Int32Array([0, 0, 0]),
    );
    const c = (await cameraFocusV2.run(
      { image: half, detections: boxes, ...flags, show_hud: true, show_center_marker: true },
      stepContext(),
    )) as any;
    assert.equal(c.bbox_focus_measures[0], 0);
    assert.ok(c.bbox_focus_measures[1] > 0 && c.bbox_focus_measures[2] > 0);
    assert.deepEqual(pixelAt(c.image, 80, 60), [255, 255, 255]);
  });
});

describe('text_display@v1', () => {
  const base = {
    text_parameters: {},
    text_parameters_operations: {},
    text_color: 'WHITE',
    background_color: 'BLACK',
    background_opacity: 1,
    font_scale: 0.5,
    font_thickness: 1,
    padding: 5,
    text_align: 'left',
    border_radius: 0,
    position_mode: 'relative',
    position_x: 10,
    position_y: 10,
    anchor: 'top_left',
    offset_x: 0,
    offset_y: 0,
  };

  test('fills placeholders (with operations) and draws a background box at the anchor', async () => {
    const image = solidImage(200, 100, 200);
    const boxes = new Detections(new Float32Array(8), new Float32Array(2), new Int32Array(2));
    const out = (await textDisplayV1.run(
      {
        ...base,
        image,
        text: 'n={{ $parameters.count }}',
        text_parameters: { count: boxes },
        text_parameters_operations: { count: [{ type: 'SequenceLength' }] as any },
      } as any,
      stepContext(),
    )) as any;
    assert.deepEqual(pixelAt(out.image, 1, 1), [0, 0, 0]);
    assert.deepEqual(pixelAt(out.image, 199, 99), [200, 200, 200]);
    const bottomRight = (await textDisplayV1.run(
      { ...base, image, text: 'hi', anchor: 'bottom_right' } as any,
      stepContext(),
    )) as any;
    assert.deepEqual(pixelAt(bottomRight.image, 198, 98), [0, 0, 0]);
    assert.deepEqual(pixelAt(bottomRight.image, 1, 1), [200, 200, 200]);
    const faint = (await textDisplayV1.run(
      { ...base, image, text: 'hi', background_opacity: 0.5 } as any,
      stepContext(),
    )) as any;
    assert.deepEqual(pixelAt(faint.image, 1, 1), [100, 100, 100]);
    const clear = (await textDisplayV1.run(
      { ...base, image, text: 'hi', background_color: 'transparent' } as any,
      stepContext(),
    )) as any;
    assert.deepEqual(pixelAt(clear.image, 1, 1), [200, 200, 200]);
  });

  test('an unreadable colour is refused naming the field', async () => {
    await assert.rejects(
      () =>
        textDisplayV1.run(
          { ...base, image: solidImage(50, 50), text: 'x', text_color: 'nope' } as any,
          stepContext('txt'),
        ) as Promise<unknown>,
      /txt.*text_color/,
    );
  });
});
