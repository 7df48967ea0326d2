// dynamic_zone and perspective_correction on rendered masks and images, directly and through the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Batch, Detections, ExecutionEngine, WorkflowImage } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { dynamicZoneV1 } from '../../../blocks/transformations/dynamic_zone_v1.ts';
import { perspectiveCorrectionV1 } from '../../../blocks/transformations/perspective_correction_v1.ts';
import { polygonMask, type Point } from '../../../blocks/common/mask-geometry.ts';
import { detections, stepContext } from '../../helpers/detections.ts';

type Out = Record<string, any>;
const W = 320;
const H = 240;

function segmented(polygons: Point[][], width = W, height = H): Detections {
  const rows = polygons.map((poly) => {
    const xs = poly.map((p) => p[0]);
    const ys = poly.map((p) => p[1]);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), 'court'] as [
      number,
      number,
      number,
      number,
      string,
    ];
  });
  return detections(rows).with({
    masks: polygons.map((p) => polygonMask(p, width, height)),
    maskShape: [height, width],
  });
}

const near = (a: Point[], b: Point[], tolerance: number) =>
  b.every((corner) => a.some((p) => Math.hypot(p[0] - corner[0], p[1] - corner[1]) <= tolerance));

// A tilted quadrilateral with a notch in its top edge that the convex hull closes.
const court: Point[] = [
  [60, 50],
  [250, 70],
  [280, 200],
  [40, 180],
];
const bumpy: Point[] = [
  [60, 50],
  [150, 60],
  [155, 80],
  [165, 61],
  [250, 70],
  [280, 200],
  [40, 180],
];

test('dynamic_zone@v1 reduces a mask to the requested vertices, scales it and refits edges', () => {
  const d = segmented([bumpy]);
  const run = (extra: Record<string, unknown>, segments = d) =>
    (
      dynamicZoneV1.run(
        {
          predictions: new Batch([segments], [[0]]),
          required_number_of_vertices: 4,
          scale_ratio: 1,
          apply_least_squares: false,
          midpoint_fraction: 1,
          ...extra,
        } as any,
        stepContext(),
      ) as Out[]
    )[0]!;
  const plain = run({});
  assert.equal(plain.zones[0].length, 4);
  assert.equal(plain.simplification_converged, true);
  assert.ok(near(plain.zones[0], court, 4), JSON.stringify(plain.zones[0]));
  const predictions = plain.predictions as Detections;
  assert.deepEqual(predictions.get('polygon', 0), plain.zones[0]);
  const maskArea = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);
  assert.ok(Math.abs(maskArea(predictions.masks![0]!) - maskArea(polygonMask(plain.zones[0], W, H))) === 0);

  const scaled = run({ scale_ratio: 1.2 });
  assert.ok(
    maskArea(scaled.predictions.masks[0]) > 1.35 * maskArea(predictions.masks![0]!),
    'area grows by about 1.2^2',
  );
  assert.deepEqual(scaled.predictions.get('polygon', 0), plain.zones[0], 'polygon column holds the unscaled zone');

  // Edges fitted to the outline (the notch would pull an edge, so the clean shape is used here).
  const fitted = run({ apply_least_squares: true, midpoint_fraction: 0.8 }, segmented([court]));
  assert.ok(near(fitted.zones[0], court, 2), JSON.stringify(fitted.zones[0]));

  const triangle = run({ required_number_of_vertices: 40 });
  assert.equal(triangle.zones[0].length, 40, 'padded to the requested count');
  assert.equal(triangle.simplification_converged, false);
});

test('dynamic_zone@v1 feeds perspective_correction@v1 through the engine', async () => {
  const engine = new ExecutionEngine({ blocks: coreBlocks });
  const image = new WorkflowImage(new Uint8Array(W * H * 3), W, H, { parentId: 'frame' });
  const { outputs: result } = await engine.run(
    {
      version: '1.4.0',
      inputs: [
        { type: 'WorkflowImage', name: 'image' },
        { type: 'WorkflowParameter', name: 'segments' },
      ],
      steps: [
        { type: 'DynamicZone', name: 'zone', predictions: '$inputs.segments', required_number_of_vertices: 4 },
        {
          type: 'roboflow_core/perspective_correction@v1',
          name: 'top_down',
          image: '$inputs.image',
          predictions: '$inputs.segments',
          perspective_polygons: '$steps.zone.zones',
          transformed_rect_width: 100,
          transformed_rect_height: 50,
        },
      ],
      outputs: [
        { type: 'JsonField', name: 'zones', selector: '$steps.zone.zones' },
        { type: 'JsonField', name: 'width', selector: '$steps.top_down.extended_transformed_rect_width' },
        { type: 'JsonField', name: 'corrected', selector: '$steps.top_down.corrected_coordinates' },
      ],
    },
    { image, segments: segmented([court]) },
  );
  const [out] = result as Out[];
  assert.equal(out!.zones[0].length, 4);
  assert.equal(out!.width, 100);
  const box = out!.corrected as Detections | Record<string, any>;
  const corrected =
    box instanceof Detections
      ? box.box(0)
      : [
          box.predictions[0].x - box.predictions[0].width / 2,
          box.predictions[0].y - box.predictions[0].height / 2,
          box.predictions[0].x + box.predictions[0].width / 2,
          box.predictions[0].y + box.predictions[0].height / 2,
        ];
  // The mask is the zone itself, so it fills the target rectangle.
  for (const [got, want] of corrected.map((v, i) => [v, [0, 0, 99, 49][i]!]))
    assert.ok(Math.abs(got! - want!) <= 3, `${corrected}`);
});

test('perspective_correction@v1 maps boxes, masks and keypoints, and warps a rendered trapezoid', () => {
  // A trapezoid painted red on blue: warped top-down it fills the 100 x 100 target.
  const trapezoid: Point[] = [
    [50, 220],
    [120, 60],
    [200, 60],
    [280, 220],
  ];
  const inside = polygonMask(trapezoid, W, H);
  const pixels = new Uint8Array(W * H * 3);
  for (let i = 0; i < W * H; i++) pixels.set(inside[i] ? [220, 20, 20] : [20, 20, 220], i * 3);
  const image = new WorkflowImage(pixels, W, H, { parentId: 'img' });
  const withKeypoints = segmented([trapezoid]).with({
    data: {
      keypoints_xy: [
        [
          [120, 60],
          [280, 220],
        ],
      ],
    },
  });
  const [out] = perspectiveCorrectionV1.run(
    {
      images: new Batch([image], [[0]]),
      predictions: new Batch([withKeypoints], [[0]]),
      perspective_polygons: [
        [200, 60],
        [50, 220],
        [120, 60],
        [280, 220],
      ],
      transformed_rect_width: 100,
      transformed_rect_height: 100,
      extend_perspective_polygon_by_detections_anchor: '',
      warp_image: true,
    },
    stepContext(),
  ) as Out[];
  const warped = out!.warped_image as WorkflowImage;
  assert.deepEqual([warped.width, warped.height], [100, 100]);
  let red = 0;
  for (let i = 0; i < 100 * 100; i++) if (warped.pixels[i * 3]! > 150 && warped.pixels[i * 3 + 2]! < 100) red++;
  assert.ok(red > 9500, `red pixels ${red}`);
  const corrected = out!.corrected_coordinates as Detections;
  corrected.box(0).forEach((v, i) => assert.ok(Math.abs(v - [0, 0, 99, 99][i]!) <= 2, `${corrected.box(0)}`));
  assert.deepEqual(corrected.maskShape, [100, 100]);
  assert.ok(corrected.masks![0]!.reduce((s, v) => s + v, 0) > 9500);
  assert.deepEqual(
    corrected.get<number[][]>('keypoints_xy', 0)!.map((p) => p.map((c) => c + 0)),
    [
      [0, 0],
      [99, 99],
    ],
  );
});

test('perspective_correction@v1 extends the polygon to hold detections outside it', () => {
  const image = new WorkflowImage(new Uint8Array(W * H * 3), W, H, { parentId: 'img' });
  const square: Point[] = [
    [100, 100],
    [200, 100],
    [200, 200],
    [100, 200],
  ];
  const outsider = detections([
    [30, 140, 50, 160, 'ball'],
    [140, 140, 160, 160, 'ball'],
  ]);
  const run = (anchor: string) =>
    (
      perspectiveCorrectionV1.run(
        {
          images: new Batch([image], [[0]]),
          predictions: new Batch([outsider], [[0]]),
          perspective_polygons: square,
          transformed_rect_width: 100,
          transformed_rect_height: 100,
          extend_perspective_polygon_by_detections_anchor: anchor,
          warp_image: false,
        },
        stepContext(),
      ) as Out[]
    )[0]!;
  const plain = run('');
  assert.equal(plain.extended_transformed_rect_width, 100);
  assert.ok((plain.corrected_coordinates as Detections).box(0)[0] < 0, 'outside the plain rectangle');
  const extended = run('CENTER');
  // The centre (40, 150) is 60 px left of the square: the rectangle grows by 60 units.
  assert.equal(extended.extended_transformed_rect_width, 160);
  assert.equal(extended.extended_transformed_rect_height, 100);
  const [x0, , x1] = (extended.corrected_coordinates as Detections).box(0);
  assert.ok(Math.abs((x0 + x1) / 2) <= 1, `centre x ${(x0 + x1) / 2}`);
  const all = run('ALL');
  assert.equal(all.extended_transformed_rect_width, 170, 'the whole box fits');
  assert.throws(() => run('MIDDLE'), /extend_perspective_polygon_by_detections_anchor/);
});
