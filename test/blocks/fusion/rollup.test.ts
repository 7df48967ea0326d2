// detections_list_rollup@v1: children found in crops come back to the parent image and overlapping ones merge;
// the conformance workflow runs on bus.jpg with yolov8n standing in for people-detection-o4rdr/7.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Detections, ExecutionEngine, WorkflowExecutionEngineError } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { createModelManager } from '../../../blocks/models/manager.ts';
import { installModelPackage } from '../../../blocks/models/package.ts';
import { detectionsListRollupV1 } from '../../../blocks/fusion/detections_list_rollup_v1.ts';
import { CONFORMANCE_DIR, needsShared, sharedImage, sharedModel } from '../../helpers/shared.ts';
import { detections } from '../../helpers/detections.ts';
import { stepContext } from '../../helpers/step-context.ts';

type RollUp = { rolled_up_detections: Detections; crop_zones: number[][][] };
const params = { confidence_strategy: 'max' as const, overlap_threshold: 0, keypoint_merge_threshold: 10 };
const parent = () =>
  detections([
    [100, 100, 200, 200, 'crop'],
    [150, 100, 250, 200, 'crop'],
  ]);

describe('detections_list_rollup@v1', () => {
  test('children move into the parent frame; overlapping same-class boxes merge into their union', () => {
    const children = [
      detections(
        [
          [50, 10, 90, 50, 'dog', 0.6],
          [0, 0, 10, 10, 'cat', 0.5],
        ],
        { frame: [100, 100] },
      ),
      detections([[10, 20, 60, 40, 'dog', 0.8]], { frame: [100, 100] }),
    ];
    const out = detectionsListRollupV1.run(
      { ...params, parent_detection: parent(), child_detections: children },
      stepContext('r', { stepType: 't' }),
    ) as RollUp;
    const d = out.rolled_up_detections;
    assert.deepEqual(d.column('class_name'), ['dog', 'cat']);
    assert.deepEqual([...d.box(0)], [150, 110, 210, 150]);
    assert.equal(d.confidence[0], Float32Array.of(0.8)[0]);
    assert.deepEqual([...d.box(1)], [100, 100, 110, 110]);
    assert.deepEqual(d.get('image_dimensions', 0), [480, 640]);
    assert.deepEqual(out.crop_zones[1], [
      [150, 100],
      [250, 100],
      [250, 200],
      [150, 200],
    ]);
  });

  test('mean / min strategies and an IoU threshold that keeps slightly overlapping boxes apart', () => {
    const children = [detections([[50, 10, 90, 50, 'dog', 0.6]]), detections([[10, 20, 60, 40, 'dog', 0.8]])];
    const run = (extra: object) =>
      (
        detectionsListRollupV1.run(
          { ...params, ...extra, parent_detection: parent(), child_detections: children },
          stepContext('r', { stepType: 't' }),
        ) as RollUp
      ).rolled_up_detections;
    assert.ok(Math.abs(run({ confidence_strategy: 'mean' }).confidence[0]! - 0.7) < 1e-6);
    assert.ok(Math.abs(run({ confidence_strategy: 'min' }).confidence[0]! - 0.6) < 1e-6);
    assert.equal(run({ overlap_threshold: 0.9 }).length, 2);
  });

  test('masks are pasted into the parent frame and merged by pixel union', () => {
    const mask = (x0: number, x1: number) => {
      const m = new Uint8Array(20 * 20);
      for (let y = 5; y < 10; y++) for (let x = x0; x < x1; x++) m[y * 20 + x] = 1;
      return m;
    };
    const withMask = (x0: number, x1: number) =>
      detections([[x0, 5, x1, 10, 'dog']]).with({ masks: [mask(x0, x1)], maskShape: [20, 20] });
    const crops = detections(
      [
        [0, 0, 20, 20, 'crop'],
        [10, 0, 30, 20, 'crop'],
      ],
      { frame: [40, 40] },
    );
    const out = detectionsListRollupV1.run(
      { ...params, parent_detection: crops, child_detections: [withMask(12, 18), withMask(5, 12)] },
      stepContext('r', { stepType: 't' }),
    ) as RollUp;
    const d = out.rolled_up_detections;
    assert.equal(d.length, 1);
    assert.deepEqual(d.maskShape, [40, 40]);
    assert.equal(
      d.masks![0]!.reduce((s, v) => s + v, 0),
      5 * 10,
      'pixels 12..22 on 5 rows',
    );
    assert.deepEqual([...d.box(0)], [12, 5, 22, 10]);
  });

  test('a child list per parent box is required', () => {
    assert.throws(
      () =>
        detectionsListRollupV1.run(
          { ...params, parent_detection: parent(), child_detections: [Detections.empty()] },
          stepContext('r', { stepType: 't' }),
        ),
      (e: unknown) =>
        e instanceof WorkflowExecutionEngineError && /2 boxes but child_detections holds 1/.test((e as Error).message),
    );
  });
});

describe('rollup conformance workflow', { skip: needsShared }, () => {
  let cacheDir: string;
  before(async () => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-rollup-'));
    await installModelPackage(sharedModel('yolov8n_quantized.onnx'), 'people-detection-o4rdr/7', cacheDir);
  });
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  test('people found again in grown crops of bus.jpg: a higher overlap threshold merges fewer (count_high >= count_0 - 1)', async () => {
    const engine = new ExecutionEngine({ blocks: coreBlocks, services: { models: createModelManager({ cacheDir }) } });
    const definition = JSON.parse(
      fs.readFileSync(
        path.join(
          CONFORMANCE_DIR,
          'defs',
          'test_workflow_with_detections_rollup__test_dimension_rollup_with_different_overlap_thresholds__workflow__0.0.json',
        ),
        'utf8',
      ),
    );
    const image = { type: 'base64', value: fs.readFileSync(sharedImage('bus.jpg')).toString('base64') };
    type Payload = {
      image: { width: number; height: number };
      predictions: Array<{ class: string; x: number; y: number; width: number }>;
    };
    const rollUp = async (threshold: number) => {
      definition.steps.find((s: { name: string }) => s.name === 'obj_rollup').overlap_threshold = threshold;
      const { outputs } = await engine.run(definition, { image });
      assert.equal(outputs.length, 1);
      return outputs[0]!.rolled_up_detections as Payload;
    };
    const any = await rollUp(0);
    const strict = await rollUp(0.5);
    assert.ok(any.predictions.length >= 1);
    assert.ok(
      strict.predictions.length >= any.predictions.length - 1,
      `${strict.predictions.length} vs ${any.predictions.length}`,
    );
    assert.ok(
      strict.predictions.filter((p) => p.class === 'person').length >= 4,
      'separate people stay separate at IoU 0.5',
    );
    assert.deepEqual(any.image, { width: 810, height: 1080 });
    for (const p of [...any.predictions, ...strict.predictions])
      assert.ok(p.x > 0 && p.x < 810 && p.y > 0 && p.y < 1080 && p.width > 0);
  });
});
