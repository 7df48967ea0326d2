// The detection-family model blocks run on real models and real photos through a real model manager.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { needsShared, sharedImage, sharedModel } from '../../../helpers/shared.ts';
import { Batch } from '../../../../engine/batch.ts';
import { WorkflowImage } from '../../../../engine/image.ts';
import type { Detections } from '../../../../engine/detections.ts';
import type { StepContext } from '../../../../engine/block.ts';
import { createModelManager, type ModelManager } from '../../../../blocks/models/manager.ts';
import { installModelPackage } from '../../../../blocks/models/package.ts';
import { roboflowModelBlocks } from '../../../../blocks/models/roboflow/index.ts';

const block = (type: string) => {
  const found = roboflowModelBlocks.find((b) => b.manifest.type === type);
  assert.ok(found, `block ${type} is registered`);
  return found;
};

function withDefaults(type: string, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(block(type).manifest.properties))
    out[name] = (schema as { default?: unknown }).default;
  return { ...out, ...params };
}

describe('detection model blocks', { skip: needsShared }, () => {
  let cacheDir: string;
  let models: ModelManager;
  const images: Record<string, WorkflowImage> = {};
  const context = (): StepContext => ({
    stepName: 'model',
    stepType: 'test',
    services: { models },
    request: {},
    state: new Map(),
  });

  async function run(
    type: string,
    image: string | WorkflowImage[],
    params: Record<string, unknown>,
  ): Promise<Array<Record<string, any>>> {
    const list = typeof image === 'string' ? [images[image]!] : image;
    const batch = new Batch(
      list,
      list.map((_, i) => [i]),
    );
    return (await block(type).run(withDefaults(type, { images: batch, ...params }), context())) as Array<
      Record<string, any>
    >;
  }
  const names = (d: Detections) => d.column<string>('class_name')!;

  before(async () => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-blocks-'));
    await installModelPackage(sharedModel('yolov8n_quantized.onnx'), 'coco/3', cacheDir);
    await installModelPackage(sharedModel('yolo11n-seg_int8.onnx'), 'coco-dataset-vdnr1/19', cacheDir);
    await installModelPackage(sharedModel('yolo11n-pose_int8_patched.onnx'), 'coco-pose-detection/1', cacheDir);
    models = createModelManager({ cacheDir });
    for (const name of ['bus.jpg', 'dog.jpg']) {
      images[name] = await WorkflowImage.decode(fs.readFileSync(sharedImage(name)), { parentId: name });
    }
  });
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  test('registers v1-v3 of each family with aliases and Roboflow outputs', () => {
    assert.deepEqual(block('roboflow_core/roboflow_object_detection_model@v1').manifest.aliases, [
      'RoboflowObjectDetectionModel',
      'ObjectDetectionModel',
    ]);
    assert.deepEqual(block('roboflow_core/roboflow_keypoint_detection_model@v1').manifest.aliases, [
      'RoboflowKeypointDetectionModel',
      'KeypointsDetectionModel',
    ]);
    assert.deepEqual(
      block('roboflow_core/roboflow_instance_segmentation_model@v1').manifest.outputs.map((o) => o.name),
      ['inference_id', 'predictions'],
    );
    const v2 = block('roboflow_core/roboflow_instance_segmentation_model@v2').manifest;
    assert.deepEqual(v2.outputs, [
      { name: 'inference_id', kind: ['inference_id'] },
      { name: 'predictions', kind: ['instance_segmentation_prediction'] },
      { name: 'model_id', kind: ['roboflow_model_id'] },
    ]);
    const v3 = block('roboflow_core/roboflow_object_detection_model@v3').manifest;
    assert.ok(v3.properties.confidence_mode && v3.properties.custom_confidence && !v3.properties.confidence);
    assert.deepEqual(v3.batchParameters, ['images']);
    assert.deepEqual(v3.propertyAliases, { image: 'images' });
  });

  test('object detection on bus.jpg: persons and a bus with lineage columns, boxes in image pixels', async () => {
    const [out] = await run('roboflow_core/roboflow_object_detection_model@v2', 'bus.jpg', { model_id: 'yolov8n-640' });
    const d = out!.predictions as Detections;
    assert.deepEqual(Object.keys(out!).sort(), ['inference_id', 'model_id', 'predictions']);
    assert.equal(out!.model_id, 'yolov8n-640');
    assert.ok(names(d).filter((n) => n === 'person').length >= 4);
    assert.equal(names(d).filter((n) => n === 'bus').length, 1);
    const bus = d.box(names(d).indexOf('bus'));
    assert.ok(
      Math.abs(bus[0] - 33) < 10 && Math.abs(bus[2] - 798) < 10 && Math.abs(bus[3] - 767) < 10,
      `bus box ${bus}`,
    );
    assert.equal(d.get('inference_id', 0), out!.inference_id);
    assert.equal(d.get('prediction_type', 0), 'object-detection');
    assert.equal(d.get('parent_id', 0), 'bus.jpg');
    assert.deepEqual(d.get('image_dimensions', 0), [1080, 810]);
    assert.deepEqual(d.get('root_parent_coordinates', 0), [0, 0]);
    assert.equal(new Set(d.column('detection_id')).size, d.length);
    assert.equal(d.masks, null);
  });

  test('dog.jpg: dog and bicycle; class-agnostic NMS merges the overlapping car/truck pair', async () => {
    const type = 'roboflow_core/roboflow_object_detection_model@v1';
    const [plain] = await run(type, 'dog.jpg', { model_id: 'coco/3' });
    const found = names(plain!.predictions);
    assert.ok(found.includes('dog') && found.includes('bicycle'));
    assert.ok(found.includes('car') && found.includes('truck'), `per-class NMS keeps both: ${found}`);
    assert.deepEqual(Object.keys(plain!).sort(), ['inference_id', 'predictions']);
    const [agnostic] = await run(type, 'dog.jpg', { model_id: 'coco/3', class_agnostic_nms: true });
    const merged = names(agnostic!.predictions);
    assert.equal(merged.filter((n) => n === 'car' || n === 'truck').length, 1, `agnostic: ${merged}`);
  });

  test('class_filter, max_detections and confidence', async () => {
    const type = 'roboflow_core/roboflow_object_detection_model@v2';
    const [filtered] = await run(type, 'bus.jpg', { model_id: 'coco/3', class_filter: ['bus'] });
    assert.deepEqual(names(filtered!.predictions), ['bus']);
    const [limited] = await run(type, 'bus.jpg', { model_id: 'coco/3', max_detections: 2 });
    assert.equal(limited!.predictions.length, 2);
    const [strict] = await run(type, 'bus.jpg', { model_id: 'coco/3', confidence: 0.85 });
    assert.ok(strict!.predictions.length >= 1 && strict!.predictions.length < 5);
    for (const c of strict!.predictions.confidence) assert.ok(c > 0.85);
  });

  test('v3 confidence modes: custom uses custom_confidence', async () => {
    const type = 'roboflow_core/roboflow_object_detection_model@v3';
    const [custom] = await run(type, 'bus.jpg', {
      model_id: 'coco/3',
      confidence_mode: 'custom',
      custom_confidence: 0.85,
    });
    for (const c of custom!.predictions.confidence) assert.ok(c > 0.85);
    const [byDefault] = await run(type, 'bus.jpg', { model_id: 'coco/3', confidence_mode: 'default' });
    assert.ok(byDefault!.predictions.length > custom!.predictions.length);
  });

  test('batch of two images gives two aligned results', async () => {
    const out = await run(
      'roboflow_core/roboflow_object_detection_model@v2',
      [images['dog.jpg']!, images['bus.jpg']!],
      { model_id: 'coco/3' },
    );
    assert.equal(out.length, 2);
    assert.ok(names(out[0]!.predictions).includes('dog'));
    assert.ok(names(out[1]!.predictions).includes('bus'));
    assert.notEqual(out[0]!.inference_id, out[1]!.inference_id);
  });

  test('instance segmentation: person masks lie inside their boxes; accurate and fast both give masks', async () => {
    const type = 'roboflow_core/roboflow_instance_segmentation_model@v2';
    for (const mode of ['accurate', 'fast', 'tradeoff']) {
      const [out] = await run(type, 'bus.jpg', {
        model_id: 'yolov11n-seg-640',
        mask_decode_mode: mode,
        tradeoff_factor: 0.5,
      });
      const d = out!.predictions as Detections;
      assert.deepEqual(d.maskShape, [1080, 810]);
      assert.equal(d.get('prediction_type', 0), 'instance-segmentation');
      const persons = names(d)
        .map((n, i) => (n === 'person' ? i : -1))
        .filter((i) => i >= 0);
      assert.ok(persons.length >= 3, `${mode}: persons ${persons.length}`);
      for (const i of persons) {
        const [x0, y0, x1, y1] = d.box(i);
        const mask = d.masks![i]!;
        let inside = 0;
        let total = 0;
        for (let y = 0; y < 1080; y++)
          for (let x = 0; x < 810; x++) {
            if (!mask[y * 810 + x]) continue;
            total++;
            if (x >= x0 - 1 && x <= x1 + 1 && y >= y0 - 1 && y <= y1 + 1) inside++;
          }
        const boxArea = (x1 - x0) * (y1 - y0);
        assert.ok(
          total / boxArea > 0.2 && total / boxArea <= 1,
          `${mode}: mask covers ${(total / boxArea).toFixed(2)} of box`,
        );
        assert.ok(inside / total > 0.99, `${mode}: mask pixels inside box`);
      }
    }
  });

  test('keypoints on bus.jpg: at least 3 persons with 9+ keypoints of confidence >= 0.5', async () => {
    const [out] = await run('roboflow_core/roboflow_keypoint_detection_model@v2', 'bus.jpg', {
      model_id: 'coco-pose-detection/1',
      keypoint_confidence: 0.5,
    });
    const d = out!.predictions as Detections;
    assert.equal(d.get('prediction_type', 0), 'keypoint-detection');
    const xy = d.column<number[][]>('keypoints_xy')!;
    const conf = d.column<number[]>('keypoints_confidence')!;
    const kpNames = d.column<string[]>('keypoints_class_name')!;
    const wellSeen = xy.filter((points) => points.length >= 9);
    assert.ok(wellSeen.length >= 3, `persons with 9+ keypoints: ${xy.map((p) => p.length)}`);
    for (let i = 0; i < d.length; i++) {
      for (const c of conf[i]!) assert.ok(c >= 0.5);
      const [x0, y0, x1, y1] = d.box(i);
      for (const [x, y] of xy[i]!)
        assert.ok(x > x0 - 30 && x < x1 + 30 && y > y0 - 30 && y < y1 + 30, 'keypoint near its box');
    }
    assert.ok(kpNames.flat().includes('nose') || kpNames.flat().includes('left_shoulder'));
  });

  test('a crop keeps root lineage: detections on a crop report the crop origin', async () => {
    const crop = images['bus.jpg']!.crop(0, 200, 810, 1080, 'det-1')!;
    const [out] = await run('roboflow_core/roboflow_object_detection_model@v2', [crop], { model_id: 'coco/3' });
    const d = out!.predictions as Detections;
    assert.ok(d.length > 0);
    assert.equal(d.get('parent_id', 0), 'det-1');
    assert.equal(d.get('root_parent_id', 0), 'bus.jpg');
    assert.deepEqual(d.get('root_parent_coordinates', 0), [0, 200]);
    assert.deepEqual(d.get('image_dimensions', 0), [880, 810]);
  });
});
