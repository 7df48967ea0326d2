// Confidence modes "best" / "default" read the package's environment.json (CONFIDENCE_THRESHOLD,
// CLASS_CONFIDENCE_THRESHOLDS) and keep 0.4 without them: resolution rules, then real v3 blocks on real models.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { needsShared, sharedImage, sharedModel } from '../../helpers/shared.ts';
import { Batch, WorkflowImage, type Detections, type StepContext } from '../../../engine/index.ts';
import { DEFAULT_CONFIDENCE, modelDefaultConfidence, resolveConfidence } from '../../../blocks/models/confidence.ts';
import { createModelManager, type ModelManager } from '../../../blocks/models/manager.ts';
import { installModelPackage, modelPackageDir, ENVIRONMENT_FILE } from '../../../blocks/models/package.ts';
import { ocrAssetPath } from '../../../blocks/models/ocr/ocr-engine.ts';
import { roboflowModelBlocks } from '../../../blocks/models/roboflow/index.ts';
import { roboflowMultiLabelClassificationModelV3 } from '../../../blocks/models/classification/roboflow-multi-label-classification-v3.ts';

const model = (environment: Record<string, unknown>) => ({ environment, classNames: ['cat', 'dog', 'bird'] });

describe('resolveConfidence', () => {
  test('numbers pass through; without thresholds in the package both modes give 0.4', () => {
    assert.equal(resolveConfidence(0.25, model({ CONFIDENCE_THRESHOLD: 0.9 })), 0.25);
    assert.equal(resolveConfidence('default', model({})), DEFAULT_CONFIDENCE);
    assert.equal(resolveConfidence('best', model({})), DEFAULT_CONFIDENCE);
  });

  test('default → CONFIDENCE_THRESHOLD (number or numeric string, within [0, 1])', () => {
    assert.equal(resolveConfidence('default', model({ CONFIDENCE_THRESHOLD: 0.65 })), 0.65);
    assert.equal(modelDefaultConfidence(model({ CONFIDENCE_THRESHOLD: '0.3' })), 0.3);
    assert.equal(modelDefaultConfidence(model({ CONFIDENCE_THRESHOLD: 7 })), DEFAULT_CONFIDENCE);
  });

  test('best → per-class CLASS_CONFIDENCE_THRESHOLDS, unlisted classes get the package default', () => {
    const thresholds = resolveConfidence(
      'best',
      model({ CONFIDENCE_THRESHOLD: 0.5, CLASS_CONFIDENCE_THRESHOLDS: { cat: 0.2, bird: 0.9, dog: 'x' } }),
    );
    assert.ok(thresholds instanceof Float32Array);
    assert.deepEqual(
      Array.from(thresholds, (v) => Number(v.toFixed(3))),
      [0.2, 0.5, 0.9],
    );
    assert.equal(resolveConfidence('best', model({ CONFIDENCE_THRESHOLD: 0.55 })), 0.55);
  });
});

async function installWithEnvironment(
  onnx: string,
  id: string,
  cacheDir: string,
  extraEnvironment: Record<string, unknown>,
  extras = {},
): Promise<void> {
  await installModelPackage(onnx, id, cacheDir, extras);
  const file = path.join(modelPackageDir(cacheDir, id), ENVIRONMENT_FILE);
  const environment = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.writeFileSync(file, JSON.stringify({ ...environment, ...extraEnvironment }));
}

describe('v3 blocks take best / default thresholds from environment.json', () => {
  let cacheDir: string;
  let models: ModelManager;
  const context = (): StepContext => ({
    stepName: 'model',
    stepType: 'test',
    services: { models },
    request: {},
    state: new Map(),
  });

  before(async () => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-confidence-'));
    const classifier = {
      classNames: ['0', '180'],
      environment: {
        PREPROCESSING: { resize: { enabled: true, width: 192, height: 48, format: 'Stretch to' } },
        CLASS_MAP: { '0': '0', '1': '180' },
        MULTICLASS: true,
      },
    };
    await installWithEnvironment(ocrAssetPath('direction'), 'direction-plain/1', cacheDir, {}, classifier);
    await installWithEnvironment(
      ocrAssetPath('direction'),
      'direction-thresholds/1',
      cacheDir,
      { CONFIDENCE_THRESHOLD: 0, CLASS_CONFIDENCE_THRESHOLDS: { '0': 1, '180': 0 } },
      classifier,
    );
    models = createModelManager({ cacheDir });
  });
  after(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

  test('multi-label classification v3: predicted_classes follow the package thresholds', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="576" height="144"><rect width="100%" height="100%" fill="white"/>' +
      '<text x="16" y="100" font-family="DejaVu Sans, Arial, sans-serif" font-size="64" fill="black">Sightline 2026</text></svg>';
    const image = await WorkflowImage.decode(await sharp(Buffer.from(svg)).png().toBuffer(), { parentId: 'text' });
    const predicted = async (modelId: string, mode: string) => {
      const [out] = (await roboflowMultiLabelClassificationModelV3.run(
        { images: new Batch([image], [[0]]), model_id: modelId, confidence_mode: mode },
        context(),
      )) as Array<Record<string, any>>;
      return out!.predictions.predicted_classes as string[];
    };
    // Without thresholds: 0.4 → only the upright class.
    assert.deepEqual(await predicted('direction-plain/1', 'default'), ['0']);
    assert.deepEqual(await predicted('direction-plain/1', 'best'), ['0']);
    // CONFIDENCE_THRESHOLD 0 → every class with a non-zero score.
    assert.deepEqual(await predicted('direction-thresholds/1', 'default'), ['0', '180']);
    // Per class: "0" needs more than 1 (never), "180" more than 0.
    assert.deepEqual(await predicted('direction-thresholds/1', 'best'), ['180']);
  });

  test(
    'object detection v3 on bus.jpg: default and best thresholds from the package',
    { skip: needsShared },
    async () => {
      await installWithEnvironment(sharedModel('yolov8n_quantized.onnx'), 'coco-thresholds/1', cacheDir, {
        CONFIDENCE_THRESHOLD: 0.8,
        CLASS_CONFIDENCE_THRESHOLDS: { person: 1, bus: 0.3 },
      });
      const bus = await WorkflowImage.decode(fs.readFileSync(sharedImage('bus.jpg')), { parentId: 'bus' });
      const block = roboflowModelBlocks.find(
        (b) => b.manifest.type === 'roboflow_core/roboflow_object_detection_model@v3',
      )!;
      const detect = async (mode: string) => {
        const [out] = (await block.run(
          {
            images: new Batch([bus], [[0]]),
            model_id: 'coco-thresholds/1',
            confidence_mode: mode,
            iou_threshold: 0.3,
            max_detections: 300,
            max_candidates: 3000,
          },
          context(),
        )) as Array<Record<string, any>>;
        return out!.predictions as Detections;
      };
      const byDefault = await detect('default');
      assert.ok(
        byDefault.length >= 1 && Array.from(byDefault.confidence).every((c) => c >= 0.8),
        `confidences ${Array.from(byDefault.confidence)}`,
      );
      const best = await detect('best');
      const names = best.column<string>('class_name')!;
      assert.equal(names.filter((n) => n === 'person').length, 0);
      assert.equal(names.filter((n) => n === 'bus').length, 1);
      const custom = await detect('custom');
      assert.ok(custom.column<string>('class_name')!.filter((n) => n === 'person').length >= 4);
    },
  );
});
