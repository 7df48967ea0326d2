// track_class_lock and geotag_detection on real Detections (directly and through the engine), and the OC-SORT /
// BoT-SORT association stages of the shared tracker core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Detections, ExecutionEngine, WorkflowImage } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { trackClassLockV1 } from '../../../blocks/transformations/track_class_lock_v1.ts';
import { geotagDetectionV1 } from '../../../blocks/transformations/geotag_detection_v1.ts';
import { trackersOcsortV1 } from '../../../blocks/transformations/trackers_ocsort_v1.ts';
import { trackersBotsortV1 } from '../../../blocks/transformations/trackers_botsort_v1.ts';
import { detections, frame, stepContext, type Row } from '../../helpers/detections.ts';

type Out = Record<string, any>;

test('track_class_lock@v1 locks by votes, resists flicker, switches after a streak and reattaches', () => {
  const context = stepContext('lock');
  const settings = {
    min_votes: 3,
    vote_confidence: 0.5,
    lead_margin: 1,
    switch_after: 2,
    state_ttl: 30,
    reattach_window: 5,
    reattach_iou: 0.3,
  };
  let n = 0;
  const step = (rows: Row[], ids: number[]) =>
    (
      trackClassLockV1.run(
        { ...settings, image: frame('lock', n++), detections: detections(rows, { trackerId: ids }) },
        context,
      ) as Out
    ).tracked_detections as Detections;
  const box = [10, 10, 50, 50] as const;
  const seen = (name: string, confidence = 0.9): Row => [...box, name, confidence];
  assert.deepEqual(step([seen('cat', 0.8)], [1]).column('class_locked'), [false]);
  step([seen('dog', 0.3)], [1]); // below vote_confidence: no vote
  step([seen('cat', 0.9)], [1]);
  const locked = step([seen('cat', 1)], [1]);
  assert.deepEqual(locked.column('class_locked'), [true]);
  assert.ok(Math.abs(locked.confidence[0]! - 0.9) < 1e-6, 'mean confidence of the counted votes');
  const flicker = step([seen('dog')], [1]);
  assert.deepEqual(flicker.column('class_name'), ['cat'], 'one contrary frame does not switch');
  step([seen('cat')], [1]); // breaks the streak
  assert.deepEqual(step([seen('dog')], [1]).column('class_name'), ['cat']);
  const switched = step([seen('dog', 0.7)], [1]);
  assert.deepEqual(switched.column('class_name'), ['dog']);
  assert.ok(Math.abs(switched.confidence[0]! - 0.8) < 1e-6, 'confidence from the streak only');
  // Track 1 vanishes for a frame; track 2 appears where it was and inherits the lock.
  step([], []);
  const heir = step([[12, 10, 52, 50, 'cat', 0.9]], [2]);
  assert.deepEqual(heir.column('class_name'), ['dog']);
  assert.deepEqual(heir.column('class_locked'), [true]);
  assert.throws(
    () =>
      trackClassLockV1.run({ ...settings, image: frame('lock', 99), detections: detections([seen('cat')]) }, context),
    /tracker/,
  );
  assert.throws(
    () =>
      trackClassLockV1.run(
        {
          ...settings,
          reattach_window: 40,
          image: frame('lock', 99),
          detections: detections([seen('cat')], { trackerId: [1] }),
        },
        context,
      ),
    /reattach_window/,
  );
});

test('geotag_detection@v1 projects box centres for a nadir camera, rotated by heading', () => {
  const image = new WorkflowImage(new Uint8Array(100 * 50 * 3), 100, 50, { parentId: 'aerial' });
  // 90 degree field of view at 10 m: the 100 px width spans 20 m, so (75, 25) lies 5 m to the right.
  const d = detections([[70, 20, 80, 30, 'car', 0.87654]]);
  const camera = { latitude: 45, longitude: 7, altitude: 10, horizontal_fov: 90 };
  const north = geotagDetectionV1.run({ ...camera, heading: 0, image, predictions: d }, stepContext()) as Out;
  const [record] = north.geo_detections;
  const degreesEast = 5 / (111320 * Math.cos(Math.PI / 4));
  assert.ok(
    Math.abs(record.lon - (7 + degreesEast)) < 1e-7 && Math.abs(record.lat - 45) < 1e-7,
    JSON.stringify(record),
  );
  assert.deepEqual(
    [record.class, record.confidence, record.pixel_x, record.pixel_y, record.width, record.height],
    ['car', 0.8765, 75, 25, 10, 10],
  );
  assert.deepEqual(north.geojson.features[0], {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [record.lon, record.lat] },
    properties: { class: 'car', confidence: 0.8765 },
  });
  // Facing east, the image's right points south.
  const [east] = (geotagDetectionV1.run({ ...camera, heading: 90, image, predictions: d }, stepContext()) as Out)
    .geo_detections;
  assert.ok(Math.abs(east.lat - (45 - 5 / 111320)) < 1e-7 && Math.abs(east.lon - 7) < 1e-7, JSON.stringify(east));
});

test('track_class_lock@v1 and geotag_detection@v1 run through the engine', async () => {
  const engine = new ExecutionEngine({ blocks: coreBlocks });
  const definition = {
    version: '1.4.0',
    inputs: [
      { type: 'WorkflowImage', name: 'image' },
      { type: 'WorkflowParameter', name: 'd' },
      { type: 'WorkflowParameter', name: 'altitude' },
    ],
    steps: [
      {
        type: 'roboflow_core/track_class_lock@v1',
        name: 'lock',
        image: '$inputs.image',
        detections: '$inputs.d',
        min_votes: 1,
        lead_margin: 0,
      },
      {
        type: 'roboflow_core/geotag_detection@v1',
        name: 'geo',
        image: '$inputs.image',
        predictions: '$steps.lock.tracked_detections',
        latitude: 10,
        longitude: 20,
        altitude: '$inputs.altitude',
      },
    ],
    outputs: [
      { type: 'JsonField', name: 'geo', selector: '$steps.geo.geo_detections' },
      { type: 'JsonField', name: 'geojson', selector: '$steps.geo.geojson' },
    ],
  };
  const { outputs } = await engine.run(definition, {
    image: frame('e', 0),
    d: detections([[0, 0, 64, 48, 'boat', 0.95]], { trackerId: [4] }),
    altitude: 30,
  });
  const [out] = outputs as Out[];
  assert.equal(out!.geo.length, 1);
  assert.equal(out!.geo[0].class, 'boat');
  assert.deepEqual([out!.geo[0].lat, out!.geo[0].lon], [10, 20], 'the centre of the frame is under the camera');
  assert.equal(out!.geojson.type, 'FeatureCollection');
});

test("trackers_ocsort@v1 direction momentum picks the detection along the track's motion", () => {
  const base = {
    minimum_iou_threshold: 0.3,
    minimum_consecutive_frames: 1,
    lost_track_buffer: 30,
    high_conf_det_threshold: 0.6,
    delta_t: 1,
    instances_cache_size: 100,
  };
  const chosen = (weight: number) => {
    const context = stepContext('oc');
    for (let n = 0; n < 5; n++) {
      trackersOcsortV1.run(
        {
          ...base,
          direction_consistency_weight: weight,
          image: frame('oc', n),
          detections: detections([[n * 8, 100, n * 8 + 40, 140, 'car']]),
        },
        context,
      );
    }
    // Moving right 8 px a frame; 'down' overlaps the prediction more, 'ahead' continues the direction.
    const last = 32;
    const out = trackersOcsortV1.run(
      {
        ...base,
        direction_consistency_weight: weight,
        image: frame('oc', 5),
        detections: detections([
          [last + 8, 108, last + 48, 148, 'down'],
          [last + 18, 100, last + 58, 140, 'ahead'],
        ]),
      },
      context,
    ) as Out;
    return (out.tracked_detections as Detections).column('class_name');
  };
  assert.deepEqual(chosen(0), ['down'], 'IoU alone');
  assert.deepEqual(chosen(1), ['ahead'], 'with momentum');
});

test('trackers_ocsort@v1 recovers a track from its last observation', () => {
  const base = {
    minimum_iou_threshold: 0.3,
    minimum_consecutive_frames: 1,
    lost_track_buffer: 30,
    high_conf_det_threshold: 0.6,
    direction_consistency_weight: 0.2,
    delta_t: 3,
    instances_cache_size: 100,
  };
  const context = stepContext('ocr');
  let n = 0;
  const run = (rows: Row[]) =>
    (trackersOcsortV1.run({ ...base, image: frame('r', n++), detections: detections(rows) }, context) as Out)
      .tracked_detections as Detections;
  for (let k = 0; k < 5; k++) run([[k * 8, 0, k * 8 + 20, 20, 'car']]);
  // Hidden for three frames while its prediction moves on, it reappears where it was last seen: only its last
  // observation still overlaps (SORT would start a new track here).
  for (let k = 0; k < 3; k++) run([]);
  assert.deepEqual(Array.from(run([[32, 0, 52, 20, 'car']]).trackerId!), [1]);
});

test('trackers_botsort@v1 associates unconfirmed tracks in their own stage', () => {
  const run = (context: ReturnType<typeof stepContext>, n: number, x: number, unconfirmed: number) =>
    (
      trackersBotsortV1.run(
        {
          image: frame('b', n),
          detections: detections([[x, 0, x + 40, 40, 'car', 0.9]]),
          minimum_iou_threshold_first_assoc: 0.9,
          minimum_iou_threshold_second_assoc: 0.5,
          minimum_iou_threshold_unconfirmed_assoc: unconfirmed,
          minimum_consecutive_frames: 2,
          lost_track_buffer: 30,
          track_activation_threshold: 0.7,
          high_conf_det_threshold: 0.6,
          enable_cmc: false,
          cmc_method: 'sparseOptFlow',
          cmc_downscale: 2,
          instant_first_frame_activation: false,
          instances_cache_size: 100,
        },
        context,
      ) as Out
    ).tracked_detections as Detections;
  const lenient = stepContext('b1');
  run(lenient, 0, 0, 0.2);
  // IoU of 0.6 with the unconfirmed track: too little for the first stage, enough for the unconfirmed one.
  assert.deepEqual(Array.from(run(lenient, 1, 10, 0.2).trackerId!), [1]);
  // Now confirmed, the track only takes part in the first stage (0.9): a jump the unconfirmed stage would
  // accept starts a new track instead.
  assert.equal(run(lenient, 2, 35, 0.2).length, 0);
  const strict = stepContext('b2');
  run(strict, 0, 0, 0.9);
  assert.equal(run(strict, 1, 10, 0.9).length, 0);
});
