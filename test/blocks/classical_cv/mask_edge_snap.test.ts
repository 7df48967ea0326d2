// mask_edge_snap@v1: a dark square pasted into a real photo with a mask drawn 5 px off snaps back onto the
// square's edges; empty and maskless inputs; and over HTTP after a real segmentation model (boxes, classes,
// confidences kept; masks refined at image size; edges output).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import sharp from 'sharp';
import { Detections, WorkflowImage } from '../../../engine/index.ts';
import { maskEdgeSnapV1, zhangSuenOnce } from '../../../blocks/classical_cv/mask_edge_snap_v1.ts';
import { installModelPackage } from '../../../blocks/models/package.ts';
import { needsShared, sharedImage, sharedModel } from '../../helpers/shared.ts';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { stepContext } from '../../helpers/step-context.ts';
import { imageInput, post } from '../../server/http.ts';

const W = 320;
const H = 240;
const SQUARE = [120, 80, 200, 160]; // x0, y0, x1, y1 (exclusive)

async function scene(): Promise<WorkflowImage> {
  const raw = await sharp(fs.readFileSync(sharedImage('street.jpg')))
    .resize(W, H)
    .blur(4)
    .removeAlpha()
    .raw()
    .toBuffer();
  const pixels = new Uint8Array(raw);
  for (let y = SQUARE[1]!; y < SQUARE[3]!; y++)
    for (let x = SQUARE[0]!; x < SQUARE[2]!; x++) pixels.fill(15, (y * W + x) * 3, (y * W + x) * 3 + 3);
  return new WorkflowImage(pixels, W, H, { parentId: 'scene' });
}

function rectMask(x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const mask = new Uint8Array(W * H);
  for (let y = y0; y < y1; y++) mask.fill(1, y * W + x0, y * W + x1);
  return mask;
}

function iou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    inter += a[i]! & b[i]!;
    union += a[i]! | b[i]!;
  }
  return inter / union;
}

const DEFAULTS = {
  pixel_tolerance: 15,
  sigma: 1.0,
  min_contour_area: 50,
  dilation_iterations: 2,
  boundary_band_width: 15,
  adaptive_window_size: 41,
};
const run = (image: WorkflowImage, segmentation: Detections, params: Record<string, unknown> = {}) =>
  maskEdgeSnapV1.run({ image, segmentation, ...DEFAULTS, ...params } as never, stepContext()) as {
    refined_segmentation: Detections;
    edges: Detections;
  };

test('one Zhang-Suen iteration thins a 3-pixel-thick bar', () => {
  const w = 12;
  const h = 7;
  const img = new Uint8Array(w * h);
  for (let y = 2; y <= 4; y++) img.fill(1, y * w + 1, y * w + 11);
  zhangSuenOnce(img, w, h);
  const count = img.reduce((s, v) => s + v, 0);
  assert.ok(count < 30 && count >= 5, String(count));
});

describe('mask_edge_snap@v1', { skip: needsShared }, () => {
  test('a mask drawn 5 px off the square snaps onto its edges; box, class, confidence and tracker id are kept', async () => {
    const image = await scene();
    const truth = rectMask(SQUARE[0]!, SQUARE[1]!, SQUARE[2]!, SQUARE[3]!);
    const off = rectMask(125, 85, 205, 165);
    const segmentation = new Detections(
      Float32Array.from([125, 85, 205, 165]),
      Float32Array.from([0.8]),
      Int32Array.from([4]),
      { class_name: ['box'], detection_id: ['d1'] },
      [off],
      [H, W],
      Int32Array.from([9]),
    );
    const { refined_segmentation: refined, edges } = run(image, segmentation);
    assert.equal(refined.length, 1);
    assert.deepEqual([...refined.xyxy], [125, 85, 205, 165]);
    assert.equal(refined.confidence[0], segmentation.confidence[0]);
    assert.equal(refined.classId[0], 4);
    assert.equal(refined.trackerId![0], 9);
    assert.equal(refined.get('class_name', 0), 'box');
    assert.deepEqual(refined.maskShape, [H, W]);
    const before = iou(off, truth);
    const after = iou(refined.masks![0]!, truth);
    assert.ok(after > before + 0.05, `IoU ${before.toFixed(3)} → ${after.toFixed(3)}`);
    assert.equal(edges.length, 1);
    assert.equal(edges.get('class_name', 0), 'edges');
    assert.equal(edges.confidence[0], 1);
  });

  test('empty segmentation: returned as is, edges computed over the whole image', async () => {
    const image = await scene();
    const empty = Detections.empty();
    const out = run(image, empty);
    assert.equal(out.refined_segmentation, empty);
    assert.equal(out.edges.length, 1);
  });
});

describe('mask_edge_snap@v1 over HTTP after a segmentation model', { skip: needsShared }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
    await installModelPackage(sharedModel('yolo11n-seg_int8.onnx'), 'coco-seg/1', server.config.modelCacheDir);
  });
  after(async () => {
    await server?.close();
  });

  test('refined masks keep the model boxes; invalid selectors are refused', async () => {
    const spec = (segmentation: string) => ({
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [
        {
          type: 'roboflow_core/roboflow_instance_segmentation_model@v2',
          name: 'seg',
          images: '$inputs.image',
          model_id: 'coco-seg/1',
        },
        { type: 'roboflow_core/mask_edge_snap@v1', name: 'snap', images: '$inputs.image', segmentation },
      ],
      outputs: [
        { type: 'JsonField', name: 'seg', selector: '$steps.seg.predictions' },
        { type: 'JsonField', name: 'refined', selector: '$steps.snap.refined_segmentation' },
        { type: 'JsonField', name: 'edges', selector: '$steps.snap.edges' },
      ],
    });
    const res = await post(server, '/workflows/run', {
      specification: spec('$steps.seg.predictions'),
      inputs: { image: imageInput('zidane.jpg') },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 400));
    const { seg, refined, edges } = res.body.outputs[0];
    assert.ok(seg.predictions.length >= 2);
    assert.equal(refined.predictions.length, seg.predictions.length);
    for (let i = 0; i < seg.predictions.length; i++) {
      for (const key of ['x', 'y', 'width', 'height', 'confidence', 'class', 'class_id']) {
        assert.equal(refined.predictions[i][key], seg.predictions[i][key], key);
      }
      assert.ok(refined.predictions[i].points.length >= 3);
    }
    assert.ok(Array.isArray(edges.predictions));
    const bad = await post(server, '/workflows/run', {
      specification: spec('invalid'),
      inputs: { image: imageInput('zidane.jpg') },
    });
    assert.equal(bad.status, 400);
  });
});
