// Analytics and fusion blocks over tracked detections across frames: line counting, time in zone, velocity,
// overlap filter / analysis, buffer and delta filter (directly and through the engine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionEngine, FlowControl, type Detections } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { lineCounterV2 } from '../../../blocks/analytics/line_counter.ts';
import { timeInZoneV2, timeInZoneV3 } from '../../../blocks/analytics/time_in_zone.ts';
import { velocityV1 } from '../../../blocks/analytics/velocity_v1.ts';
import { overlapV1 } from '../../../blocks/analytics/overlap_v1.ts';
import { overlapAnalysisV1 } from '../../../blocks/fusion/overlap_analysis_v1.ts';
import { bufferV1 } from '../../../blocks/fusion/buffer_v1.ts';
import { deltaFilterV1 } from '../../../blocks/flow_control/delta_filter_v1.ts';
import { detections, frame, stepContext } from '../../helpers/detections.ts';

const tracked = (x: number, id = 7) => detections([[x, 40, x + 20, 60, 'car']], { trackerId: [id] });

test('line_counter@v2 counts a crossing once per direction, only within the segment', () => {
  const context = stepContext('line');
  const line = [
    [100, 0],
    [100, 100],
  ];
  const run = (x: number, n: number, id = 7) =>
    lineCounterV2.run(
      { image: frame('v', n), detections: tracked(x, id), line_segment: line, triggering_anchor: 'CENTER' },
      context,
    ) as Record<string, any>;
  assert.equal(run(50, 0).count_in + run(60, 1).count_out, 0);
  const crossed = run(120, 2);
  assert.equal(crossed.count_in + crossed.count_out, 1);
  assert.equal((crossed.detections_in as Detections).length + (crossed.detections_out as Detections).length, 1);
  const direction = crossed.count_in === 1 ? 'count_in' : 'count_out';
  assert.equal(run(130, 3)[direction], 1, 'staying on the far side counts nothing');
  const back = run(50, 4);
  assert.equal(back.count_in, 1);
  assert.equal(back.count_out, 1);
  // Beyond the segment's end (y = 140 > 100) nothing is counted.
  const far = lineCounterV2.run(
    {
      image: frame('v', 5),
      detections: detections([[120, 130, 140, 150, 'car']], { trackerId: [8] }),
      line_segment: line,
      triggering_anchor: 'CENTER',
    },
    context,
  ) as Record<string, number>;
  lineCounterV2.run(
    {
      image: frame('v', 6),
      detections: detections([[50, 130, 70, 150, 'car']], { trackerId: [8] }),
      line_segment: line,
      triggering_anchor: 'CENTER',
    },
    context,
  );
  assert.equal(far.count_in + far.count_out, 2);
  assert.throws(
    () =>
      lineCounterV2.run(
        {
          image: frame('v', 7),
          detections: detections([[1, 1, 2, 2, 'car']]),
          line_segment: line,
          triggering_anchor: 'CENTER',
        },
        context,
      ),
    /tracker ids/,
  );
});

test('time_in_zone@v2 accumulates seconds from frame timestamps and resets when leaving', () => {
  const context = stepContext('zone');
  const zone = [
    [0, 0],
    [100, 0],
    [100, 100],
    [0, 100],
  ];
  const p = {
    zone,
    triggering_anchor: 'CENTER',
    remove_out_of_zone_detections: true,
    reset_out_of_zone_detections: true,
  };
  const at = (x: number, n: number) =>
    (
      timeInZoneV2.run({ ...p, image: frame('v', n, 10), detections: tracked(x) }, context) as {
        timed_detections: Detections;
      }
    ).timed_detections;
  assert.deepEqual(at(10, 0).column('time_in_zone'), [0]);
  assert.ok(Math.abs(at(20, 5).get<number>('time_in_zone', 0)! - 0.5) < 1e-6);
  assert.equal(at(200, 6).length, 0, 'outside: removed');
  assert.deepEqual(at(20, 8).column('time_in_zone'), [0], 'timer restarted');
  const kept = timeInZoneV2.run(
    { ...p, remove_out_of_zone_detections: false, image: frame('v', 9, 10), detections: tracked(300, 9) },
    context,
  ) as { timed_detections: Detections };
  assert.deepEqual(kept.timed_detections.column('time_in_zone'), [0]);
  // v3 takes several zones.
  const multi = timeInZoneV3.run(
    {
      ...p,
      zone: [
        zone,
        [
          [200, 0],
          [300, 0],
          [300, 100],
          [200, 100],
        ],
      ],
      image: frame('w', 0),
      detections: tracked(240, 3),
    },
    stepContext('z3'),
  ) as { timed_detections: Detections };
  assert.equal(multi.timed_detections.length, 1);
});

test('velocity@v1: pixels per second over frame time, scaled and smoothed', () => {
  const context = stepContext('velocity');
  const run = (x: number, n: number) =>
    (
      velocityV1.run(
        { image: frame('v', n, 10), detections: tracked(x), smoothing_alpha: 0.5, pixels_per_meter: 10 },
        context,
      ) as { velocity_detections: Detections }
    ).velocity_detections;
  assert.deepEqual(run(0, 0).get('velocity', 0), [0, 0]);
  const second = run(10, 1);
  assert.ok(Math.abs(second.get<number[]>('velocity', 0)![0]! - 10) < 1e-6, '10 px in 0.1 s at 10 px/m = 10 m/s');
  assert.ok(Math.abs(second.get<number>('speed', 0)! - 10) < 1e-6);
  assert.ok(Math.abs(second.get<number[]>('smoothed_velocity', 0)![0]! - 5) < 1e-6);
});

test('overlap@v1 keeps objects centred inside the overlap class; overlap_analysis reports ratios over the reference area', () => {
  const d = detections([
    [0, 0, 100, 100, 'table'],
    [10, 10, 30, 30, 'cup'],
    [90, 90, 150, 150, 'cup'],
    [300, 300, 310, 310, 'cup'],
  ]);
  const image = frame('v', 0);
  const center = overlapV1.run(
    { image, predictions: d, overlap_type: 'Center Overlap', overlap_class_name: 'table' },
    stepContext(),
  ) as { overlaps: Detections };
  assert.deepEqual([...center.overlaps.box(0)], [10, 10, 30, 30]);
  assert.equal(center.overlaps.length, 1);
  const any = overlapV1.run(
    { image, predictions: d, overlap_type: 'Any Overlap', overlap_class_name: 'table' },
    stepContext(),
  ) as { overlaps: Detections };
  assert.equal(any.overlaps.length, 2);
  const records = (
    overlapAnalysisV1.run(
      { reference_predictions: d.select([1, 2]), candidate_predictions: d.select([0]), min_overlap: 0.1 },
      stepContext(),
    ) as { overlaps: Array<Record<string, unknown>> }
  ).overlaps;
  assert.deepEqual(
    records.map((r) => [r.reference_class, r.candidate_class, r.overlap_ratio]),
    [
      ['cup', 'table', 1],
      ['cup', 'table', 100 / 3600],
    ].filter((r) => (r[2] as number) >= 0.1),
  );
  assert.equal(records[0]!.reference_detection_id, 'det-1');
});

test('buffer@v1 keeps the newest values first; delta_filter@v1 continues only on change', () => {
  const context = stepContext('buffer');
  for (const v of [1, 2, 3]) bufferV1.run({ data: v, length: 2, pad: false }, context);
  assert.deepEqual((bufferV1.run({ data: 4, length: 2, pad: false }, context) as { output: unknown[] }).output, [4, 3]);
  assert.deepEqual(
    (bufferV1.run({ data: 'a', length: 3, pad: true }, stepContext('b2')) as { output: unknown[] }).output,
    ['a', null, null],
  );
  const delta = stepContext('delta');
  const go = (value: unknown, n: number) =>
    (deltaFilterV1.run({ image: frame('v', n), value, next_steps: ['$steps.next'] }, delta) as FlowControl).context;
  assert.deepEqual(go(1, 0), ['$steps.next']);
  assert.deepEqual(go(1, 1), []);
  assert.deepEqual(go(2, 2), ['$steps.next']);
});

test('buffer through the engine: state survives between runs of the same definition', async () => {
  const engine = new ExecutionEngine({ blocks: coreBlocks });
  const definition = {
    version: '1.0',
    inputs: [{ type: 'WorkflowParameter', name: 'value' }],
    steps: [{ type: 'roboflow_core/buffer@v1', name: 'buffer', data: '$inputs.value', length: 3 }],
    outputs: [{ type: 'JsonField', name: 'recent', selector: '$steps.buffer.output' }],
  };
  let last: unknown;
  for (const value of [1, 2, 3, 4]) last = (await engine.run(definition, { value })).outputs;
  assert.deepEqual(last, [{ recent: [4, 3, 2] }]);
});
