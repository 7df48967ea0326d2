// motion_detection@v1 on a generated frame sequence: a real photo (street.jpg, 320x240) with a dark square
// moving across it. Warm-up suppression, motion on later frames, alarm only on the rising edge, minimum area,
// zones (literal and JSON string) and per-video state.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import sharp from 'sharp';
import { WorkflowImage, type Detections } from '../../../engine/index.ts';
import { motionDetectionV1 } from '../../../blocks/classical_cv/motion_detection_v1.ts';
import { needsShared, sharedImage } from '../../helpers/shared.ts';
import { stepContext } from './helpers.ts';

const W = 320;
const H = 240;

async function background(): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp(fs.readFileSync(sharedImage('street.jpg')))
      .resize(W, H)
      .removeAlpha()
      .raw()
      .toBuffer(),
  );
}

/** Frame i: a 40x40 dark square at x = 20 + 6 i (absent when `still`). */
function frame(base: Uint8Array, i: number, still = false, video = 'cam'): WorkflowImage {
  const pixels = Uint8Array.from(base);
  if (!still) {
    const x0 = 20 + 6 * i;
    for (let y = 100; y < 140; y++)
      for (let x = x0; x < Math.min(W, x0 + 40); x++) pixels.fill(10, (y * W + x) * 3, (y * W + x) * 3 + 3);
  }
  return new WorkflowImage(pixels, W, H, {
    parentId: video,
    videoMetadata: {
      video_identifier: video,
      frame_number: i + 1,
      frame_timestamp: new Date(1e12 + i * 33).toISOString(),
      fps: 30,
    },
  });
}

type Out = { motion: boolean; alarm: boolean; detections: Detections; motion_zones: number[][][] };

function detector(params: Record<string, unknown> = {}) {
  const context = stepContext('motion');
  return (image: WorkflowImage) =>
    motionDetectionV1.run(
      {
        image,
        minimum_contour_area: 200,
        morphological_kernel_size: 3,
        threshold: 16,
        history: 30,
        detection_zone: null,
        suppress_first_detections: true,
        ...params,
      } as never,
      context,
    ) as Out;
}

describe('motion_detection@v1', { skip: needsShared }, () => {
  test('warm-up frames are suppressed; the moving square is motion afterwards; alarm only on the rising edge', async () => {
    const base = await background();
    const run = detector();
    const outs: Out[] = [];
    for (let i = 0; i < 40; i++) outs.push(run(frame(base, i)));
    for (const out of outs.slice(0, 30)) {
      assert.equal(out.motion, false);
      assert.equal(out.alarm, false);
      assert.equal(out.detections.length, 0);
      assert.deepEqual(out.motion_zones, []);
    }
    const later = outs.slice(30);
    assert.ok(
      later.every((o) => o.motion),
      later.map((o) => o.motion).join(),
    );
    assert.equal(later[0]!.alarm, true);
    assert.ok(later.slice(1).every((o) => !o.alarm));
    const d = later[5]!.detections;
    assert.ok(d.length >= 1);
    // One region covers the square (others may be the trail the background is still unlearning).
    const squareX = 20 + 6 * 35;
    const boxes = Array.from({ length: d.length }, (_, i) => d.box(i));
    assert.ok(
      boxes.some(([x0, y0, x1, y1]) => x0 <= squareX + 2 && x1 >= squareX + 38 && y0 <= 102 && y1 >= 138),
      JSON.stringify(boxes),
    );
    assert.equal(d.get('class_name', 0), 'motion');
    assert.equal(d.confidence[0], 1);
    assert.equal(typeof d.get('detection_id', 0), 'string');
    assert.ok(later[5]!.motion_zones[0]!.length >= 3);
    // The square stops: motion ends, and a restart raises the alarm again.
    let out: Out | undefined;
    for (let i = 0; i < 40; i++) out = run(frame(base, 0, true));
    assert.equal(out!.motion, false);
    const restart = run(frame(base, 20));
    assert.equal(restart.motion, true);
    assert.equal(restart.alarm, true);
  });

  test('a still scene gives no motion; a huge minimum area suppresses detections', async () => {
    const base = await background();
    const still = detector({ history: 5 });
    let out: Out | undefined;
    for (let i = 0; i < 10; i++) out = still(frame(base, i, true));
    assert.equal(out!.motion, false);
    const strict = detector({ history: 5, minimum_contour_area: 5000 });
    for (let i = 0; i < 10; i++) out = strict(frame(base, i));
    assert.equal(out!.motion, false);
    assert.equal(out!.detections.length, 0);
  });

  test('zones: motion outside a zone is ignored; a JSON-string zone is accepted; a bad string fails', async () => {
    const base = await background();
    const left = [
      [0, 0],
      [100, 0],
      [100, 240],
      [0, 240],
    ];
    const outside = detector({ history: 5, detection_zone: JSON.stringify(left) });
    let out: Out | undefined;
    for (let i = 20; i < 30; i++) out = outside(frame(base, i));
    assert.equal(out!.motion, false, 'the square is right of x = 100');
    const inside = detector({
      history: 5,
      detection_zone: [
        [150, 0],
        [320, 0],
        [320, 240],
        [150, 240],
      ],
    });
    for (let i = 20; i < 30; i++) out = inside(frame(base, i));
    assert.equal(out!.motion, true);
    assert.ok(out!.detections.box(0)[0] >= 150);
    assert.throws(() => detector({ detection_zone: '[[1,2' })(frame(base, 0)), /Could not parse detection zone/);
  });

  test('state is kept per video', async () => {
    const base = await background();
    const run = detector({ history: 5 });
    for (let i = 0; i < 8; i++) run(frame(base, i, false, 'a'));
    // Video b starts its own warm-up.
    assert.equal(run(frame(base, 8, false, 'b')).motion, false);
    assert.equal(run(frame(base, 9, false, 'a')).motion, true);
  });
});
