// Trackers: optimal assignment, SORT / ByteTrack id continuity on moving boxes, per-video state, and the
// trace-visualization conformance workflow on a real model over shifted photos.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ExecutionEngine, type Detections } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { createModelManager } from '../../../blocks/models/manager.ts';
import { installModelPackage } from '../../../blocks/models/package.ts';
import { maximumAssignment } from '../../../blocks/transformations/assignment.ts';
import { trackersSortV1 } from '../../../blocks/transformations/trackers_sort_v1.ts';
import { trackersBytetrackV1 } from '../../../blocks/transformations/trackers_bytetrack_v1.ts';
import { byteTrackerV3 } from '../../../blocks/transformations/byte_tracker.ts';
import { CONFORMANCE_DIR, needsShared, sharedImage, sharedModel } from '../../helpers/shared.ts';
import { detections, frame, shiftedFrame, stepContext } from '../../helpers/detections.ts';

type TrackerOutputs = { tracked_detections: Detections; new_instances: Detections; already_seen_instances: Detections };
const ids = (d: Detections) => [...(d.trackerId ?? [])];

test('maximumAssignment finds the best total, not the greedy pick', () => {
  const score = [Float64Array.of(0.9, 0.8), Float64Array.of(0.85, 0.1)];
  assert.deepEqual(maximumAssignment(score, 2), [
    [0, 1],
    [1, 0],
  ]);
  // Rectangular: three detections, one track.
  assert.deepEqual(maximumAssignment([Float64Array.of(0.1, 0.7, 0.3)], 3), [[0, 1]]);
  assert.deepEqual(maximumAssignment([], 3), []);
});

describe('SORT', () => {
  const defaults = {
    minimum_iou_threshold: 0.3,
    minimum_consecutive_frames: 3,
    lost_track_buffer: 30,
    track_activation_threshold: 0.25,
    instances_cache_size: 100,
  };
  const scene = (t: number) =>
    detections([
      [10 + 5 * t, 10, 50 + 5 * t, 50, 'car'],
      [300 - 4 * t, 200, 360 - 4 * t, 280, 'person'],
    ]);

  test('ids appear after three matched frames and stay with their object', () => {
    const context = stepContext('sort');
    const out: TrackerOutputs[] = [];
    for (let t = 0; t < 5; t++)
      out.push(
        trackersSortV1.run({ ...defaults, image: frame('v', t), detections: scene(t) }, context) as TrackerOutputs,
      );
    assert.equal(out[0]!.tracked_detections.length, 0);
    assert.equal(out[1]!.tracked_detections.length, 0);
    assert.deepEqual(ids(out[2]!.tracked_detections), [1, 2]);
    assert.deepEqual(ids(out[2]!.new_instances), [1, 2]);
    assert.equal(out[2]!.already_seen_instances.length, 0);
    assert.deepEqual(out[4]!.tracked_detections.column('class_name'), ['car', 'person']);
    assert.deepEqual(ids(out[4]!.tracked_detections), [1, 2]);
    assert.deepEqual(ids(out[4]!.already_seen_instances), [1, 2]);
    // Objects swapped in row order keep their ids.
    const swapped = detections([
      [300 - 20, 200, 360 - 20, 280, 'person'],
      [10 + 25, 10, 50 + 25, 50, 'car'],
    ]);
    const next = trackersSortV1.run(
      { ...defaults, image: frame('v', 5), detections: swapped },
      context,
    ) as TrackerOutputs;
    assert.deepEqual(ids(next.tracked_detections), [2, 1]);
  });

  test('state is kept per video_identifier; a far jump starts a new track', () => {
    const context = stepContext('sort');
    for (let t = 0; t < 3; t++)
      trackersSortV1.run({ ...defaults, image: frame('a', t), detections: scene(t) }, context);
    const other = trackersSortV1.run(
      { ...defaults, image: frame('b', 0), detections: scene(3) },
      context,
    ) as TrackerOutputs;
    assert.equal(other.tracked_detections.length, 0, 'a new video starts without tracks');
    const jumped = detections([[500, 400, 540, 440, 'car']]);
    const out = trackersSortV1.run(
      { ...defaults, image: frame('a', 3), detections: jumped },
      context,
    ) as TrackerOutputs;
    assert.equal(out.tracked_detections.length, 0);
  });

  test('low-confidence detections do not start tracks', () => {
    const context = stepContext('sort');
    let out: TrackerOutputs | undefined;
    for (let t = 0; t < 4; t++)
      out = trackersSortV1.run(
        { ...defaults, image: frame('v', t), detections: detections([[10, 10, 50, 50, 'car', 0.1]]) },
        context,
      ) as TrackerOutputs;
    assert.equal(out!.tracked_detections.length, 0);
  });
});

describe('ByteTrack', () => {
  const defaults = {
    minimum_iou_threshold: 0.1,
    minimum_consecutive_frames: 2,
    lost_track_buffer: 30,
    track_activation_threshold: 0.7,
    high_conf_det_threshold: 0.6,
    instances_cache_size: 100,
  };
  test('a weak detection continues a confident track (second stage)', () => {
    const context = stepContext('bt');
    const run = (t: number, confidence: number) =>
      trackersBytetrackV1.run(
        {
          ...defaults,
          image: frame('v', t),
          detections: detections([[10 + 3 * t, 10, 50 + 3 * t, 50, 'car', confidence]]),
        },
        context,
      ) as TrackerOutputs;
    assert.equal(run(0, 0.9).tracked_detections.length, 0);
    assert.deepEqual(ids(run(1, 0.9).tracked_detections), [1]);
    assert.deepEqual(ids(run(2, 0.3).tracked_detections), [1], 'weak detection keeps the id');
    // A weak detection far from any track neither matches nor starts a track.
    assert.equal(run(3, 0.3).tracked_detections.length, 1);
  });

  test('byte_tracker@v3 outputs ids on the first frame (minimum_consecutive_frames 1)', () => {
    const context = stepContext('bt3');
    const p = {
      track_activation_threshold: 0.25,
      lost_track_buffer: 30,
      minimum_matching_threshold: 0.8,
      minimum_consecutive_frames: 1,
      instances_cache_size: 10,
    };
    const first = byteTrackerV3.run(
      {
        ...p,
        image: frame('v', 0),
        detections: detections([
          [10, 10, 50, 50, 'car'],
          [100, 10, 150, 50, 'car'],
        ]),
      },
      context,
    ) as TrackerOutputs;
    assert.deepEqual(ids(first.tracked_detections), [1, 2]);
    const second = byteTrackerV3.run(
      { ...p, image: frame('v', 1), detections: detections([[102, 10, 152, 50, 'car']]) },
      context,
    ) as TrackerOutputs;
    assert.deepEqual(ids(second.already_seen_instances), [2]);
  });
});

describe('trace visualization workflow with trackers_sort@v1', { skip: needsShared }, () => {
  let cacheDir: string;
  let engine: ExecutionEngine;
  before(async () => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-trackers-'));
    await installModelPackage(sharedModel('yolov8n_quantized.onnx'), 'coco/3', cacheDir);
    engine = new ExecutionEngine({ blocks: coreBlocks, services: { models: createModelManager({ cacheDir }) } });
  });
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  test('people on bus.jpg moving 6 px per frame keep their ids; the trace is drawn each frame', async () => {
    const definition = JSON.parse(
      fs.readFileSync(
        path.join(
          CONFORMANCE_DIR,
          'defs',
          'test_workflow_with_trace_visualization__make_workflow__trackers_sort_v1.json',
        ),
        'utf8',
      ),
    );
    definition.outputs.push({ type: 'JsonField', name: 'tracked', selector: '$steps.tracker.tracked_detections' });
    const tracked: Array<Array<{ tracker_id?: number; x: number }>> = [];
    for (let n = 0; n < 4; n++) {
      const { outputs } = await engine.run(definition, {
        image: await shiftedFrame(sharedImage('bus.jpg'), 6 * n, 'bus-video', n),
      });
      assert.equal(outputs.length, 1);
      assert.equal((outputs[0]!.visualization as { type: string }).type, 'base64');
      tracked.push((outputs[0]!.tracked as { predictions: Array<{ tracker_id?: number; x: number }> }).predictions);
    }
    assert.equal(tracked[0]!.length, 0);
    assert.equal(tracked[1]!.length, 0);
    assert.ok(tracked[2]!.length >= 3, `people tracked on frame 3: ${tracked[2]!.length}`);
    const byId = (preds: Array<{ tracker_id?: number; x: number }>) => new Map(preds.map((p) => [p.tracker_id!, p.x]));
    const third = byId(tracked[2]!);
    const fourth = byId(tracked[3]!);
    const continuing = [...third.keys()].filter((id) => fourth.has(id));
    assert.ok(continuing.length >= 3, 'most tracks continue');
    // Same id = same person: it moved with the image (people cut by the left edge move less).
    const moves = continuing.map((id) => fourth.get(id)! - third.get(id)!);
    assert.ok(moves.filter((dx) => Math.abs(dx - 6) < 3).length >= 3, `moves ${moves}`);
    assert.ok(
      moves.every((dx) => dx > -2 && dx < 14),
      `moves ${moves}`,
    );
  });
});
