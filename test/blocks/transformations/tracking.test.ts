// Blocks over detections across sets and frames: nearest neighbour matching, before/after difference, path
// deviation (Fréchet) and box stabilisation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Detections, ExecutionEngine } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { detectionsNearestNeighborV1 } from '../../../blocks/transformations/detections_nearest_neighbor_v1.ts';
import { detectionsDifferenceV1 } from '../../../blocks/fusion/detections_difference_v1.ts';
import { frechetDistance, pathDeviationV2 } from '../../../blocks/analytics/path_deviation.ts';
import { stabilizeDetectionsV1 } from '../../../blocks/transformations/stabilize_detections_v1.ts';
import { detections, frame, stepContext } from '../../helpers/detections.ts';

type Out = Record<string, any>;

test('detections_nearest_neighbor@v1 matches nearest targets, keeps ties, skips itself and far targets', () => {
  const people = detections([
    [0, 0, 10, 10, 'person'],
    [100, 0, 110, 10, 'person'],
    [300, 300, 310, 310, 'person'],
  ]);
  const self = detectionsNearestNeighborV1.run(
    {
      query_predictions: people,
      target_predictions: people,
      query_point: 'CENTER',
      target_point: 'CENTER',
      query_keypoint_name: null,
      target_keypoint_name: null,
      max_distance: 150,
    },
    stepContext(),
  ) as Out;
  assert.deepEqual(self.query_predictions.column('nearest_target_distance'), [100, 100, null]);
  assert.deepEqual((self.matched_query_detections as Detections).column('detection_id'), ['det-0', 'det-1']);
  assert.deepEqual((self.matched_target_detections as Detections).column('detection_id'), ['det-1', 'det-0']);
  // Two targets equally far (within 1 px) both match.
  const balls = detections([
    [45, 0, 55, 10, 'ball'],
    [-45.5, 0, -35.5, 10, 'ball'],
  ]).with({ data: { detection_id: ['b0', 'b1'] } });
  const ties = detectionsNearestNeighborV1.run(
    {
      query_predictions: people.select([0]),
      target_predictions: balls,
      query_point: 'CENTER',
      target_point: 'CENTER',
      query_keypoint_name: null,
      target_keypoint_name: null,
      max_distance: null,
    },
    stepContext(),
  ) as Out;
  assert.equal((ties.matched_target_detections as Detections).length, 2);
  assert.equal((ties.matched_query_detections as Detections).length, 2);
});

test('detections_difference@v1 reports removed, persisted and new detections', () => {
  const before = detections([
    [0, 0, 10, 10, 'can'],
    [50, 50, 60, 60, 'bottle'],
    [200, 200, 220, 220, 'can'],
  ]);
  const after = detections([
    [1, 1, 11, 11, 'can'],
    [400, 0, 410, 10, 'bag'],
  ]);
  const out = detectionsDifferenceV1.run(
    {
      reference_predictions: before,
      candidate_predictions: after,
      spatial_weight: 0.4,
      class_mismatch_penalty: 0.15,
      reject_cost: 0.75,
      class_strict: false,
      min_removed_to_verify: 2,
    },
    stepContext(),
  ) as Out;
  assert.deepEqual(out.removed_detections.column('class_name'), ['bottle', 'can']);
  assert.deepEqual(out.persisted_detections.column('class_name'), ['can']);
  assert.deepEqual(out.new_detections.column('class_name'), ['bag']);
  assert.deepEqual([out.removed_count, out.new_count, out.verified], [2, 1, true]);
  const strict = detectionsDifferenceV1.run(
    {
      reference_predictions: before.select([0]),
      candidate_predictions: after.select([0]).with({ data: { class_name: ['cup'] } }),
      spatial_weight: 0.4,
      class_mismatch_penalty: 0.15,
      reject_cost: 0.75,
      class_strict: true,
      min_removed_to_verify: 1,
    },
    stepContext(),
  ) as Out;
  assert.equal(strict.removed_count, 1, 'different classes never match when strict');
});

test('Fréchet distance and path_deviation_analytics@v2 per tracked object', async () => {
  assert.equal(
    frechetDistance(
      [
        [0, 0],
        [10, 0],
      ],
      [
        [0, 0],
        [10, 0],
      ],
    ),
    0,
  );
  assert.equal(
    frechetDistance(
      [
        [0, 3],
        [5, 3],
        [10, 3],
      ],
      [
        [0, 0],
        [10, 0],
      ],
    ),
    Math.hypot(5, 3),
  );
  const context = stepContext('path');
  const reference = [
    [0, 50],
    [100, 50],
  ];
  let last: Out = {};
  for (const [n, y] of [
    [0, 40],
    [1, 40],
    [2, 80],
  ] as const) {
    last = pathDeviationV2.run(
      {
        image: frame('p', n),
        detections: detections([[n * 40, y, n * 40 + 20, y + 20, 'car']], { trackerId: [5] }),
        triggering_anchor: 'CENTER',
        reference_path: reference,
      },
      context,
    ) as Out;
  }
  // Centres: (10, 50), (50, 50), (90, 90): the worst point is 40 px off the path's end (100, 50) region.
  assert.equal(
    last.path_deviation_detections.get('path_deviation', 0),
    frechetDistance(
      [
        [10, 50],
        [50, 50],
        [90, 90],
      ],
      reference,
    ),
  );
  assert.ok(last.path_deviation_detections.get('path_deviation', 0) > 39);

  const engine = new ExecutionEngine({ blocks: coreBlocks });
  await assert.rejects(
    engine.run(
      {
        version: '1.4.0',
        inputs: [
          { type: 'WorkflowImage', name: 'image' },
          { type: 'WorkflowParameter', name: 'd' },
        ],
        steps: [
          {
            type: 'roboflow_core/path_deviation_analytics@v2',
            name: 'dev',
            image: '$inputs.image',
            detections: '$inputs.d',
            reference_path: [[0, 0]],
          },
        ],
        outputs: [{ type: 'JsonField', name: 'out', selector: '$steps.dev.path_deviation_detections' }],
      },
      { image: frame('q', 0), d: detections([[0, 0, 1, 1, 'a']], { trackerId: [1] }) },
    ),
    /reference_path/,
  );
});

test('stabilize_detections@v1 smooths boxes and carries a missing object along its velocity', () => {
  const context = stepContext('stable');
  const run = (n: number, rows: Array<[number, number]>) =>
    (
      stabilizeDetectionsV1.run(
        {
          image: frame('s', n),
          detections: detections(
            rows.map(([x]) => [x, 0, x + 10, 10, 'car'] as [number, number, number, number, string]),
            { trackerId: rows.map(([, id]) => id) },
          ),
          smoothing_window_size: 3,
          bbox_smoothing_coefficient: 0.5,
        },
        context,
      ) as Out
    ).tracked_detections as Detections;
  assert.deepEqual(run(0, [[0, 1]]).box(0), [0, 0, 10, 10]);
  assert.deepEqual(run(1, [[10, 1]]).box(0), [5, 0, 15, 10], 'half way between previous and current');
  run(2, [[20, 1]]);
  const missing = run(3, []);
  assert.equal(missing.length, 1, 'predicted while missing');
  assert.ok(missing.box(0)[0] > 20, `moved on: ${missing.box(0)}`);
  run(4, []);
  run(5, []);
  assert.equal(run(6, []).length, 0, 'forgotten after the window');
});

test('trackers_ocsort@v1 and trackers_botsort@v1 keep ids for a moving object across frames', async () => {
  const engine = new ExecutionEngine({ blocks: coreBlocks });
  for (const type of ['roboflow_core/trackers_ocsort@v1', 'roboflow_core/trackers_botsort@v1']) {
    const definition = {
      version: '1.4.0',
      inputs: [
        { type: 'WorkflowImage', name: 'image' },
        { type: 'WorkflowParameter', name: 'd' },
      ],
      steps: [{ type, name: 'tracker', image: '$inputs.image', detections: '$inputs.d' }],
      outputs: [
        { type: 'JsonField', name: 'ids', selector: '$steps.tracker.tracked_detections', coordinates_system: 'own' },
      ],
    };
    const tracked: Array<number[]> = [];
    for (let n = 0; n < 5; n++) {
      const d = detections([
        [10 + n * 4, 10, 40 + n * 4, 40, 'car', 0.9],
        [100, 100, 110, 110, 'car', 0.3],
      ]);
      const { outputs } = await engine.run(definition, { image: frame(`trk-${type}`, n), d });
      tracked.push(
        ((outputs[0]!.ids as { predictions: Array<{ tracker_id: number }> }).predictions ?? []).map(
          (p) => p.tracker_id,
        ),
      );
    }
    const last = tracked[tracked.length - 1]!;
    assert.equal(last.length, 1, `${type}: the weak detection never becomes a track (${JSON.stringify(tracked)})`);
    assert.ok(
      tracked.slice(3).every((ids) => ids[0] === last[0]),
      `${type}: stable id ${JSON.stringify(tracked)}`,
    );
  }
});
