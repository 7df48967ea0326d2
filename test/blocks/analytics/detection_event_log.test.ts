// detection_event_log@v1 on generated frame sequences (a real photo with video metadata, tracked detections):
// Roboflow's unit-test expectations (pending → logged, stale removal at flush, complete_events once, per-video
// logs, timestamps from frame_timestamp, LRU eviction), and a run over HTTP after byte_tracker.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Detections, WorkflowImage } from '../../../engine/index.ts';
import { detectionEventLogV1, MAX_VIDEOS } from '../../../blocks/analytics/detection_event_log_v1.ts';
import { needsShared } from '../../helpers/shared.ts';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { stepContext } from '../classical_cv/helpers.ts';
import { imageBase64, post } from '../../server/http.ts';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const pixels = new Uint8Array(32 * 24 * 3).fill(100);

function frame(video: string, frameNumber: number, fps: number | null = 30): WorkflowImage {
  const time = new Date(T0 + ((frameNumber - 1) * 1000) / (fps ?? 30)).toISOString();
  return new WorkflowImage(pixels, 32, 24, {
    parentId: video,
    videoMetadata: { video_identifier: video, frame_number: frameNumber, frame_timestamp: time, fps },
  });
}

function tracked(ids: number[], names?: string[]): Detections {
  const n = ids.length;
  const xyxy = new Float32Array(n * 4).map((_, i) => (i % 4 < 2 ? 1 : 10));
  const data: Record<string, unknown[]> = names ? { class_name: names } : {};
  return new Detections(
    xyxy,
    new Float32Array(n).fill(0.9),
    new Int32Array(n).fill(3),
    data,
    null,
    null,
    Int32Array.from(ids),
  );
}

type Out = {
  event_log: { logged: Record<string, any>; pending: Record<string, any> };
  detections: Detections;
  total_logged: number;
  total_pending: number;
  complete_events: Record<string, any>;
};

function logger(params: Record<string, unknown> = {}) {
  const context = stepContext('log');
  return (image: WorkflowImage, detections: Detections) =>
    detectionEventLogV1.run(
      {
        image,
        detections,
        frame_threshold: 5,
        flush_interval: 30,
        stale_frames: 300,
        fallback_fps: 1,
        ...params,
      } as never,
      context,
    ) as Out;
}

describe('detection_event_log@v1', () => {
  test('first sighting is pending; after frame_threshold frames it is logged with first 1 / last 5', () => {
    const run = logger();
    let out = run(frame('v', 1), tracked([7], ['dog']));
    assert.deepEqual(Object.keys(out.event_log.pending), ['7']);
    assert.equal(out.event_log.pending['7'].first_seen_frame, 1);
    assert.equal(out.event_log.pending['7'].frame_count, 1);
    assert.equal(out.total_pending, 1);
    for (let f = 2; f <= 5; f++) out = run(frame('v', f), tracked([7], ['dog']));
    const event = out.event_log.logged['7'];
    assert.deepEqual(Object.keys(event), [
      'tracker_id',
      'class_name',
      'first_seen_frame',
      'first_seen_timestamp',
      'last_seen_frame',
      'last_seen_timestamp',
      'first_seen_relative',
      'last_seen_relative',
      'frame_count',
    ]);
    assert.equal(event.class_name, 'dog');
    assert.equal(event.first_seen_frame, 1);
    assert.equal(event.last_seen_frame, 5);
    assert.equal(event.first_seen_timestamp, T0 / 1000);
    assert.ok(Math.abs(event.last_seen_relative - 4 / 30) < 1e-3); // ISO timestamps carry milliseconds
    assert.equal(out.total_logged, 1);
    assert.equal(out.total_pending, 0);
    assert.equal(out.detections.length, 1);
  });

  test('empty detections and detections without tracker ids return the current log unchanged', () => {
    const run = logger();
    run(frame('v', 1), tracked([1, 2], ['a', 'b']));
    const empty = run(frame('v', 2), Detections.empty());
    assert.equal(empty.total_pending, 2);
    const untracked = tracked([5]).with({ trackerId: null });
    const out = run(frame('v', 3), untracked);
    assert.equal(out.total_pending, 2);
    assert.equal(out.detections, untracked);
  });

  test('class_<id> fallback; a tracker added mid-stream has its own first frame', () => {
    const run = logger();
    run(frame('v', 1), tracked([1]));
    const out = run(frame('v', 2), tracked([1, 2]));
    assert.equal(out.event_log.pending['1'].class_name, 'class_3');
    assert.equal(out.event_log.pending['2'].first_seen_frame, 2);
  });

  test('stale trackers are removed at the flush; logged stale events appear in complete_events exactly once', () => {
    const run = logger({ flush_interval: 5, stale_frames: 3, frame_threshold: 2 });
    const outs: Out[] = [];
    outs.push(run(frame('v', 1), tracked([1, 3], ['a', 'c'])));
    outs.push(run(frame('v', 2), tracked([2, 3], ['b', 'c'])));
    for (let f = 3; f <= 8; f++) outs.push(run(frame('v', f), tracked([2], ['b'])));
    // Frame 6: first flush (6 - 1 >= 5); tracker 1 (pending, last seen 1) and 3 (logged, last seen 2) are stale.
    assert.deepEqual(outs[4]!.complete_events, {});
    assert.deepEqual(Object.keys(outs[5]!.complete_events), ['3']);
    assert.equal(outs[5]!.complete_events['3'].frame_count, 2);
    assert.deepEqual(Object.keys(outs[5]!.event_log.logged), ['2']);
    assert.deepEqual(outs[5]!.event_log.pending, {});
    assert.equal(outs.filter((o) => Object.keys(o.complete_events).length > 0).length, 1);
  });

  test('separate videos have independent logs; relative times come from frame_timestamp, not frame numbers', () => {
    const run = logger();
    run(frame('a', 1), tracked([1]));
    let out: Out | undefined;
    for (const f of [1, 4, 7, 10, 13]) out = run(frame('b', f), tracked([1]));
    const event = out!.event_log.logged['1'];
    assert.equal(event.last_seen_frame, 5, 'the block counts its own calls');
    assert.ok(Math.abs(event.last_seen_relative - 12 / 30) < 1e-3, String(event.last_seen_relative));
    const a = run(frame('a', 2), tracked([1]));
    assert.equal(a.event_log.pending['1'].frame_count, 2);
  });

  test(`at most ${MAX_VIDEOS} videos are kept; the least recently used one is evicted`, () => {
    const run = logger();
    for (let v = 0; v <= MAX_VIDEOS; v++) run(frame(`video-${v}`, 1), tracked([1]));
    // video-0 was evicted when video-100 arrived: it starts over.
    const again = run(frame('video-0', 2), tracked([1]));
    assert.equal(again.event_log.pending['1'].first_seen_frame, 1);
    assert.equal(again.event_log.pending['1'].frame_count, 1);
    // Re-adding video-0 evicted video-1, the least recently used now; video-2 keeps counting.
    const kept = run(frame('video-2', 2), tracked([1]));
    assert.equal(kept.event_log.pending['1'].frame_count, 2);
    const evicted = run(frame('video-1', 2), tracked([1]));
    assert.equal(evicted.event_log.pending['1'].frame_count, 1);
  });
});

describe('detection_event_log@v1 over HTTP after a tracker', { skip: needsShared }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
  });

  test('frame_threshold 1 logs every tracked detection; reference_timestamp is accepted and ignored', async () => {
    const res = await post(server, '/workflows/run', {
      specification: {
        version: '1.0',
        inputs: [{ type: 'WorkflowImage', name: 'image' }],
        steps: [
          {
            type: 'roboflow_core/roboflow_object_detection_model@v2',
            name: 'det',
            images: '$inputs.image',
            model_id: 'yolov8n-640',
          },
          {
            type: 'roboflow_core/byte_tracker@v3',
            name: 'track',
            image: '$inputs.image',
            detections: '$steps.det.predictions',
          },
          {
            type: 'roboflow_core/detection_event_log@v1',
            name: 'log',
            image: '$inputs.image',
            detections: '$steps.track.tracked_detections',
            frame_threshold: 1,
            reference_timestamp: 1726570875.0,
          },
        ],
        outputs: [
          { type: 'JsonField', name: 'log', selector: '$steps.log.event_log' },
          { type: 'JsonField', name: 'logged', selector: '$steps.log.total_logged' },
          { type: 'JsonField', name: 'detections', selector: '$steps.log.detections' },
        ],
      },
      inputs: { image: { type: 'base64', value: imageBase64('bus.jpg') } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
    const out = res.body.outputs[0];
    assert.ok(out.logged >= 4, String(out.logged));
    assert.equal(Object.keys(out.log.logged).length, out.logged);
    assert.deepEqual(out.log.pending, {});
    const classes = Object.values(out.log.logged).map((e: any) => e.class_name);
    assert.ok(classes.includes('person') && classes.includes('bus'), classes.join());
  });

  test('the image must be a workflow input, not a step output', async () => {
    const res = await post(server, '/workflows/validate', {
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [
        {
          type: 'roboflow_core/roboflow_object_detection_model@v2',
          name: 'det',
          images: '$inputs.image',
          model_id: 'yolov8n-640',
        },
        {
          type: 'roboflow_core/dynamic_crop@v1',
          name: 'crop',
          images: '$inputs.image',
          predictions: '$steps.det.predictions',
        },
        {
          type: 'roboflow_core/detection_event_log@v1',
          name: 'log',
          image: '$steps.crop.crops',
          detections: '$steps.det.predictions',
        },
      ],
      outputs: [{ type: 'JsonField', name: 'log', selector: '$steps.log.event_log' }],
    });
    assert.equal(res.status, 400, JSON.stringify(res.body).slice(0, 300));
  });
});
