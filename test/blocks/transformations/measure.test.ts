// Measurement and filtering blocks on real Detections: per-class confidence filter, mask area, bounding rect,
// size and distance measurement, cosine similarity, environment secrets (directly and through the engine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Batch, Detections, ExecutionEngine } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { perClassConfidenceFilterV1 } from '../../../blocks/transformations/per_class_confidence_filter_v1.ts';
import { maskAreaMeasurementV1 } from '../../../blocks/transformations/mask_area_measurement_v1.ts';
import { boundingRectV1 } from '../../../blocks/transformations/bounding_rect_v1.ts';
import { sizeMeasurementV1 } from '../../../blocks/transformations/size_measurement_v1.ts';
import { distanceMeasurementV1 } from '../../../blocks/transformations/distance_measurement_v1.ts';
import { cosineSimilarityV1 } from '../../../blocks/math/cosine_similarity_v1.ts';
import { environmentSecretsStoreV1 } from '../../../blocks/math/environment_secrets_store_v1.ts';
import { polygonMask } from '../../../blocks/common/mask-geometry.ts';
import { detections, stepContext } from '../../helpers/detections.ts';

type Out = Record<string, any>;

/** Detections whose masks are the given polygons on a width x height frame. */
function segmented(
  polygons: Array<Array<[number, number]>>,
  width = 200,
  height = 150,
  className = 'thing',
): Detections {
  const boxes = polygons.map((poly) => {
    const xs = poly.map((p) => p[0]);
    const ys = poly.map((p) => p[1]);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), className] as [
      number,
      number,
      number,
      number,
      string,
    ];
  });
  return detections(boxes).with({
    masks: polygons.map((p) => polygonMask(p, width, height)),
    maskShape: [height, width],
  });
}

test('per_class_confidence_filter@v1 applies each class threshold and the default to others', () => {
  const d = detections([
    [0, 0, 1, 1, 'person', 0.95],
    [0, 0, 1, 1, 'person', 0.99],
    [0, 0, 1, 1, 'car', 0.4],
    [0, 0, 1, 1, 'dog', 0.31],
    [0, 0, 1, 1, 'dog', 0.2],
  ]);
  const [out] = perClassConfidenceFilterV1.run(
    { predictions: new Batch([d], [[0]]), class_thresholds: { person: 0.98, car: 0.5 }, default_threshold: 0.3 },
    stepContext(),
  ) as Out[];
  assert.deepEqual((out!.predictions as Detections).column('class_name'), ['person', 'dog']);
  assert.deepEqual(
    Array.from((out!.predictions as Detections).confidence, (c) => Math.round(c * 100)),
    [99, 31],
  );
});

test('mask_area_measurement@v1 counts mask pixels (holes excluded) and falls back to box area', () => {
  const square = segmented([
    [
      [10, 10],
      [29, 10],
      [29, 29],
      [10, 29],
    ],
  ]);
  const holed = square.masks![0]!.slice();
  for (let y = 15; y < 20; y++) for (let x = 15; x < 20; x++) holed[y * 200 + x] = 0;
  const withHole = square.with({ masks: [holed] });
  const out = maskAreaMeasurementV1.run({ predictions: withHole, pixels_per_unit: 2 }, stepContext()) as Out;
  assert.deepEqual(out.predictions.column('area_px'), [400 - 25]);
  assert.deepEqual(out.predictions.column('area_converted'), [(400 - 25) / 4]);
  const boxes = maskAreaMeasurementV1.run(
    { predictions: detections([[0, 0, 10, 5, 'a']]), pixels_per_unit: 1 },
    stepContext(),
  ) as Out;
  assert.deepEqual(boxes.predictions.column('area_px'), [50]);
});

test('bounding_rect@v1 finds the rotated rectangle of a tilted mask', () => {
  // A 60 x 20 rectangle rotated by 30 degrees around (100, 75).
  const angle = Math.PI / 6;
  const corners = [
    [-30, -10],
    [30, -10],
    [30, 10],
    [-30, 10],
  ].map(
    ([x, y]) =>
      [100 + x! * Math.cos(angle) - y! * Math.sin(angle), 75 + x! * Math.sin(angle) + y! * Math.cos(angle)] as [
        number,
        number,
      ],
  );
  const out = boundingRectV1.run({ predictions: segmented([corners]) }, stepContext()) as Out;
  const d = out.detections_with_rect as Detections;
  assert.ok(Math.abs(d.get<number>('width', 0)! - 60) < 3, `width ${d.get('width', 0)}`);
  assert.ok(Math.abs(d.get<number>('height', 0)! - 20) < 3, `height ${d.get('height', 0)}`);
  assert.ok(Math.abs(d.get<number>('angle', 0)! - 30) < 3, `angle ${d.get('angle', 0)}`);
  assert.equal((d.get<number[][]>('rect', 0) ?? []).length, 4);
  const [x0, , x1] = d.box(0);
  assert.ok(Math.abs(x1 - x0 - (60 * Math.cos(angle) + 20 * Math.sin(angle))) < 4);
  assert.throws(() => boundingRectV1.run({ predictions: detections([[0, 0, 1, 1, 'a']]) }, stepContext()), /masks/);
});

test('size_measurement@v1 scales object sizes by the most confident reference', () => {
  const objects = detections([[0, 0, 100, 60, 'package']]);
  const reference = detections([
    [0, 0, 10, 10, 'card', 0.2],
    [0, 0, 50, 30, 'card', 0.9],
  ]);
  const out = sizeMeasurementV1.run(
    { object_predictions: objects, reference_predictions: reference, reference_dimensions: '5.0,3.0' },
    stepContext(),
  ) as Out;
  assert.deepEqual(out.dimensions, [{ width: 10, height: 6, longer: 10, shorter: 6 }]);
  const masked = segmented([
    [
      [20, 20],
      [59, 20],
      [59, 39],
      [20, 39],
    ],
  ]);
  const byPolygon = sizeMeasurementV1.run(
    {
      object_predictions: masked,
      reference_predictions: [
        [0, 0],
        [10, 0],
        [10, 10],
        [0, 10],
      ],
      reference_dimensions: [1, 1],
    },
    stepContext(),
  ) as Out;
  assert.ok(
    Math.abs(byPolygon.dimensions[0].width - 3.9) < 0.25 && Math.abs(byPolygon.dimensions[0].height - 1.9) < 0.25,
    JSON.stringify(byPolygon.dimensions),
  );
  assert.equal(
    (
      sizeMeasurementV1.run(
        { object_predictions: objects, reference_predictions: Detections.empty(), reference_dimensions: [1, 1] },
        stepContext(),
      ) as Out
    ).dimensions,
    null,
  );
  assert.throws(
    () =>
      sizeMeasurementV1.run(
        { object_predictions: objects, reference_predictions: reference, reference_dimensions: '5' },
        stepContext(),
      ),
    /reference_dimensions/,
  );
});

test('distance_measurement@v1 measures the gap with a reference object or a pixel ratio', () => {
  const d = detections([
    [0, 0, 50, 50, 'car'],
    [150, 0, 200, 50, 'person'],
    [300, 300, 325, 310, 'reference-object'],
  ]);
  const base = {
    predictions: d,
    object_1_class_name: 'car',
    object_2_class_name: 'person',
    reference_axis: 'horizontal' as const,
    reference_object_class_name: 'reference-object',
    reference_width: 2.5,
    reference_height: 1,
    pixel_ratio: 20,
  };
  const byReference = distanceMeasurementV1.run(
    { ...base, calibration_method: 'reference object' },
    stepContext(),
  ) as Out;
  assert.deepEqual(byReference, { distance_cm: 10, distance_pixel: 100 });
  const byRatio = distanceMeasurementV1.run(
    { ...base, calibration_method: 'pixel to centimeter' },
    stepContext(),
  ) as Out;
  assert.deepEqual(byRatio, { distance_cm: 5, distance_pixel: 100 });
  const vertical = distanceMeasurementV1.run(
    { ...base, reference_axis: 'vertical', calibration_method: 'pixel to centimeter' },
    stepContext(),
  ) as Out;
  assert.deepEqual(vertical, { distance_cm: 0, distance_pixel: 0 }, 'side by side: no vertical gap');
  assert.throws(
    () =>
      distanceMeasurementV1.run(
        { ...base, object_2_class_name: 'bus', calibration_method: 'pixel to centimeter' },
        stepContext(),
      ),
    /not found/,
  );
});

test('cosine_similarity@v1 and environment_secrets_store@v1 run through the engine', async () => {
  assert.equal(
    (cosineSimilarityV1.run({ embedding_1: [1, 0], embedding_2: [0, 1] }, stepContext()) as Out).similarity,
    0,
  );
  process.env.SIGHTLINE_TEST_SECRET = 's3cret';
  // The server hands blocks its environment through services.settings; do the same here.
  const services = {
    settings: { environment: process.env, secretsAllowed: ['SIGHTLINE_TEST_SECRET', 'SIGHTLINE_UNSET_SECRET'] },
  };
  const withEnvironment = { ...stepContext(), services };
  assert.deepEqual(
    environmentSecretsStoreV1.run({ variables_storing_secrets: ['SIGHTLINE_TEST_SECRET'] }, withEnvironment),
    { sightline_test_secret: 's3cret' },
  );
  const engine = new ExecutionEngine({ blocks: coreBlocks, services });
  const { outputs: result } = await engine.run(
    {
      version: '1.4.0',
      inputs: [
        { type: 'WorkflowParameter', name: 'a' },
        { type: 'WorkflowParameter', name: 'b' },
      ],
      steps: [
        {
          type: 'roboflow_core/environment_secrets_store@v1',
          name: 'secrets',
          variables_storing_secrets: ['SIGHTLINE_TEST_SECRET', 'SIGHTLINE_UNSET_SECRET'],
        },
        { type: 'roboflow_core/cosine_similarity@v1', name: 'cos', embedding_1: '$inputs.a', embedding_2: '$inputs.b' },
      ],
      outputs: [
        { type: 'JsonField', name: 'secret', selector: '$steps.secrets.sightline_test_secret' },
        { type: 'JsonField', name: 'missing', selector: '$steps.secrets.sightline_unset_secret' },
        { type: 'JsonField', name: 'similarity', selector: '$steps.cos.similarity' },
      ],
    },
    { a: [1, 2, 3], b: [2, 4, 6] },
  );
  assert.equal(result[0]!.secret, '********', 'secret kind outputs are masked when serialized');
  assert.equal(result[0]!.missing, null);
  assert.ok(Math.abs((result[0]!.similarity as number) - 1) < 1e-9);
});
