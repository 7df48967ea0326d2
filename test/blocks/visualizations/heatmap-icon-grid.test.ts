// heatmap_visualization, icon_visualization and grid_visualization: on rendered images, directly and through the engine.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { ExecutionEngine, WorkflowImage } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { heatmapVisualizationV1, hueToRgb } from '../../../blocks/visualizations/heatmap_v1.ts';
import { iconVisualizationV1 } from '../../../blocks/visualizations/icon_v1.ts';
import { gridVisualizationV1 } from '../../../blocks/visualizations/grid_v1.ts';
import { boxes, outputImage, pixel, renderImage, saveOutput, stepContext } from '../../helpers/images.ts';

const engine = new ExecutionEngine({ blocks: coreBlocks });

function near(actual: number[], expected: number[], tolerance: number, message: string): void {
  assert.ok(
    actual.every((v, i) => Math.abs(v - expected[i]!) <= tolerance),
    `${message}: ${actual} vs ${expected}`,
  );
}

describe('heatmap_visualization@v1', () => {
  const base = {
    copy_image: true,
    position: 'CENTER',
    opacity: 0.5,
    radius: 10,
    kernel_size: 1,
    top_hue: 0,
    low_hue: 125,
    ignore_stationary: true,
    motion_threshold: 25,
  };

  test('OpenCV hue scale: 0 red, 60 green, 120 blue', () => {
    assert.deepEqual(hueToRgb(0), [255, 0, 0]);
    assert.deepEqual(hueToRgb(60), [0, 255, 0]);
    assert.deepEqual(hueToRgb(120), [0, 0, 255]);
  });

  test('heat accumulates across frames: the hottest spot is top_hue, a colder one moves toward low_hue', async () => {
    const image = await renderImage(200, 120, [100, 100, 100]);
    const ctx = stepContext('heat');
    const first = outputImage(
      await heatmapVisualizationV1.run({ ...base, image, predictions: boxes([[40, 40, 60, 60, 0, 'a']]) }, ctx),
    );
    near(pixel(first, 50, 50), [178, 50, 50], 1, 'single hottest spot blends red at 0.5');
    assert.deepEqual(pixel(first, 150, 50), [100, 100, 100], 'no heat elsewhere');
    assert.deepEqual(pixel(first, 50, 65), [100, 100, 100], 'outside the radius');
    await heatmapVisualizationV1.run({ ...base, image, predictions: boxes([[140, 40, 160, 60, 0, 'a']]) }, ctx);
    const third = outputImage(
      await heatmapVisualizationV1.run({ ...base, image, predictions: boxes([[40, 40, 60, 60, 0, 'a']]) }, ctx),
    );
    near(pixel(third, 50, 50), [178, 50, 50], 1, 'two hits: still the hottest');
    // one hit of two: hue = trunc(125 - 0.5 * 125) = 62 -> nearly pure green
    const [r, g, b] = pixel(third, 150, 50);
    assert.ok(g > 170 && r < 60 && b < 100, `colder spot is greenish: ${[r, g, b]}`);
    const other = outputImage(
      await heatmapVisualizationV1.run({ ...base, image, predictions: boxes([]) }, stepContext('other')),
    );
    assert.deepEqual(pixel(other, 50, 50), [100, 100, 100], 'heat is per step');
    await saveOutput('heatmap.png', third);
  });

  test('ignore_stationary: a new track adds no heat, a track that moved at least motion_threshold does', async () => {
    const image = await renderImage(200, 120, [0, 0, 0]);
    const ctx = stepContext('tracks');
    const run = (x: number) =>
      heatmapVisualizationV1.run(
        { ...base, image, predictions: boxes([[x, 40, x + 20, 60, 0, 'a']], { trackerId: [7] }) },
        ctx,
      );
    assert.deepEqual(pixel(outputImage(await run(20)), 30, 50), [0, 0, 0], 'first sighting');
    assert.deepEqual(pixel(outputImage(await run(30)), 40, 50), [0, 0, 0], 'moved 10 px < 25');
    const moved = outputImage(await run(60));
    assert.ok(pixel(moved, 70, 50)[0] > 100, 'moved 40 px: heat drawn');
  });
});

describe('icon_visualization@v1', () => {
  test('static mode places the icon by its top-left, negative coordinates from the right/bottom edge', async () => {
    const image = await renderImage(100, 80, [0, 0, 0]);
    const icon = await renderImage(10, 10, [255, 0, 0]);
    const params = {
      image,
      icon,
      copy_image: true,
      mode: 'static',
      icon_width: 10,
      icon_height: 10,
      position: 'TOP_CENTER',
    };
    const out = outputImage(await iconVisualizationV1.run({ ...params, x_position: 5, y_position: 7 }, stepContext()));
    assert.deepEqual(pixel(out, 5, 7), [255, 0, 0]);
    assert.deepEqual(pixel(out, 14, 16), [255, 0, 0]);
    assert.deepEqual(pixel(out, 15, 7), [0, 0, 0]);
    assert.deepEqual(pixel(out, 4, 7), [0, 0, 0]);
    const corner = outputImage(
      await iconVisualizationV1.run({ ...params, x_position: -5, y_position: -5 }, stepContext()),
    );
    assert.deepEqual(pixel(corner, 94, 74), [255, 0, 0], 'ends 5 px before the right/bottom edge');
    assert.deepEqual(pixel(corner, 85, 65), [255, 0, 0]);
    assert.deepEqual(pixel(corner, 95, 75), [0, 0, 0]);
  });

  test('dynamic mode centres a resized icon on each anchor; missing predictions are refused', async () => {
    const image = await renderImage(120, 80, [0, 0, 0]);
    const icon = await renderImage(4, 4, [0, 255, 0]);
    const predictions = boxes([
      [20, 30, 40, 50, 0, 'a'],
      [80, 30, 100, 50, 1, 'b'],
    ]);
    const params = {
      image,
      icon,
      copy_image: true,
      mode: 'dynamic',
      icon_width: 8,
      icon_height: 6,
      position: 'TOP_CENTER',
      predictions,
    };
    const out = outputImage(await iconVisualizationV1.run(params, stepContext()));
    for (const cx of [30, 90]) {
      assert.deepEqual(pixel(out, cx - 4, 27), [0, 255, 0], 'left/top of the 8x6 icon');
      assert.deepEqual(pixel(out, cx + 3, 32), [0, 255, 0], 'right/bottom of the icon');
      assert.deepEqual(pixel(out, cx + 4, 30), [0, 0, 0]);
      assert.deepEqual(pixel(out, cx, 33), [0, 0, 0]);
    }
    await assert.rejects(
      async () => iconVisualizationV1.run({ ...params, predictions: undefined }, stepContext('icons')),
      /icons.*predictions/,
    );
  });

  test('through the engine, a PNG icon input keeps its transparency', async () => {
    // 8x8 icon: left half opaque blue, right half fully transparent
    const rgba = Buffer.alloc(8 * 8 * 4);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 4; x++) rgba.set([0, 0, 255, 255], (y * 8 + x) * 4);
    const png = await sharp(rgba, { raw: { width: 8, height: 8, channels: 4 } })
      .png()
      .toBuffer();
    const background = await sharp({
      create: { width: 40, height: 40, channels: 3, background: { r: 200, g: 200, b: 200 } },
    })
      .png()
      .toBuffer();
    const definition = {
      version: '1.0',
      inputs: [
        { type: 'WorkflowImage', name: 'image' },
        { type: 'WorkflowImage', name: 'icon' },
      ],
      steps: [
        {
          type: 'roboflow_core/icon_visualization@v1',
          name: 'wm',
          image: '$inputs.image',
          icon: '$inputs.icon',
          mode: 'static',
          icon_width: 8,
          icon_height: 8,
          x_position: 10,
          y_position: 10,
        },
      ],
      outputs: [{ type: 'JsonField', name: 'image', selector: '$steps.wm.image' }],
    };
    const result = await engine.run(
      definition,
      {
        image: { type: 'base64', value: background.toString('base64') },
        icon: { type: 'base64', value: png.toString('base64') },
      },
      { serialize: false },
    );
    const out = result.outputs[0]!.image as WorkflowImage;
    assert.deepEqual(pixel(out, 11, 12), [0, 0, 255], 'opaque half drawn');
    assert.deepEqual(pixel(out, 16, 12), [200, 200, 200], 'transparent half leaves the image');
  });
});

describe('grid_visualization@v1', () => {
  test('square grid of ceil(sqrt(n)) cells, aspect kept and centred, through the engine with a list of selectors', async () => {
    const toInput = async (w: number, h: number, color: [number, number, number]) => ({
      type: 'base64',
      value: (
        await sharp({
          create: { width: w, height: h, channels: 3, background: { r: color[0], g: color[1], b: color[2] } },
        })
          .png()
          .toBuffer()
      ).toString('base64'),
    });
    const definition = {
      version: '1.0',
      inputs: ['a', 'b', 'c'].map((name) => ({ type: 'WorkflowImage', name })),
      steps: [
        {
          type: 'roboflow_core/grid_visualization@v1',
          name: 'grid',
          images: ['$inputs.a', '$inputs.b', '$inputs.c'],
          width: 200,
          height: 100,
        },
      ],
      outputs: [{ type: 'JsonField', name: 'grid', selector: '$steps.grid.image' }],
    };
    const result = await engine.run(
      definition,
      {
        a: await toInput(40, 40, [255, 0, 0]),
        b: await toInput(100, 20, [0, 255, 0]),
        c: await toInput(10, 10, [0, 0, 255]),
      },
      { serialize: false },
    );
    const grid = result.outputs[0]!.grid as WorkflowImage;
    assert.deepEqual([grid.width, grid.height], [200, 100]);
    // 2x2 cells of 100x50: a -> 50x50 centred at x 25..75; b -> 100x20 at y 15..35; c -> 50x50 in the bottom-left
    assert.deepEqual(pixel(grid, 50, 25), [255, 0, 0]);
    assert.deepEqual(pixel(grid, 20, 25), [0, 0, 0], 'letterbox beside a');
    assert.deepEqual(pixel(grid, 150, 25), [0, 255, 0]);
    assert.deepEqual(pixel(grid, 150, 10), [0, 0, 0], 'letterbox above b');
    assert.deepEqual(pixel(grid, 50, 75), [0, 0, 255]);
    assert.deepEqual(pixel(grid, 150, 75), [0, 0, 0], 'fourth cell empty');
    await saveOutput('grid.png', grid);
  });

  test('an empty list gives a black image of the requested size; non-images are refused', async () => {
    const empty = outputImage(await gridVisualizationV1.run({ images: [], width: 30, height: 20 }, stepContext()));
    assert.deepEqual([empty.width, empty.height], [30, 20]);
    assert.ok(empty.pixels.every((v) => v === 0));
    await assert.rejects(
      async () => gridVisualizationV1.run({ images: ['x'], width: 30, height: 20 }, stepContext('g')),
      /g.*images\[0\]/,
    );
    const one = new WorkflowImage(new Uint8Array(4 * 2 * 3).fill(9), 4, 2, { parentId: 'p' });
    const single = outputImage(await gridVisualizationV1.run({ images: [one], width: 8, height: 8 }, stepContext()));
    assert.equal(single.parentId, 'p', 'keeps the first image lineage');
    assert.deepEqual(pixel(single, 4, 3), [9, 9, 9]);
    assert.deepEqual(pixel(single, 4, 1), [0, 0, 0]);
  });
});
