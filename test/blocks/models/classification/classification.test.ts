// Classification blocks on a real classification package: PaddleOCR's text direction classifier (shipped by
// npm, so this always runs) installed in Roboflow's cache layout, telling upright text from upside-down text.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import {
  Batch,
  ModelInputError,
  ModelNotFoundError,
  WorkflowImage,
  type StepContext,
} from '../../../../engine/index.ts';
import { createModelManager, type ModelManager } from '../../../../blocks/models/manager.ts';
import { installModelPackage } from '../../../../blocks/models/package.ts';
import { ocrAssetPath } from '../../../../blocks/models/ocr/ocr-engine.ts';
import { classificationBlocks } from '../../../../blocks/models/classification/index.ts';
import { toProbabilities, toIndependentProbabilities } from '../../../../blocks/models/classification/classify.ts';
import { roboflowClassificationModelV1 } from '../../../../blocks/models/classification/roboflow-classification-v1.ts';
import { roboflowClassificationModelV2 } from '../../../../blocks/models/classification/roboflow-classification-v2.ts';
import { roboflowMultiLabelClassificationModelV1 } from '../../../../blocks/models/classification/roboflow-multi-label-classification-v1.ts';
import { roboflowMultiLabelClassificationModelV3 } from '../../../../blocks/models/classification/roboflow-multi-label-classification-v3.ts';
import { stepContext } from '../../../helpers/step-context.ts';

const SINGLE_LABEL_ID = 'text-direction/1';
const MULTI_LABEL_ID = 'text-direction-multi/1';
const CLASS_MAP = { '0': '0', '1': '180' };
const PREPROCESSING = { resize: { enabled: true, width: 192, height: 48, format: 'Stretch to' } };

async function textImage(rotate: number, parentId: string): Promise<WorkflowImage> {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="576" height="144"><rect width="100%" height="100%" fill="white"/>' +
    '<text x="16" y="100" font-family="DejaVu Sans, Arial, sans-serif" font-size="64" fill="black">Sightline 2026</text></svg>';
  const png = await sharp(Buffer.from(svg)).rotate(rotate).png().toBuffer();
  return WorkflowImage.decode(png, { parentId });
}

function context(models: ModelManager, stepName = 'classifier'): StepContext {
  return stepContext(stepName, { services: { models } });
}

describe('classification blocks', () => {
  let cacheDir: string;
  let models: ModelManager;
  let upright: WorkflowImage;
  let upsideDown: WorkflowImage;

  before(async () => {
    cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sightline-cls-'));
    const classifier = ocrAssetPath('direction');
    await installModelPackage(classifier, SINGLE_LABEL_ID, cacheDir, {
      classNames: ['0', '180'],
      environment: { PREPROCESSING, CLASS_MAP },
    });
    await installModelPackage(classifier, MULTI_LABEL_ID, cacheDir, {
      classNames: ['0', '180'],
      environment: { PREPROCESSING, CLASS_MAP, MULTICLASS: true },
    });
    models = createModelManager({ cacheDir });
    upright = await textImage(0, 'upright');
    upsideDown = await textImage(180, 'flipped');
  });

  after(async () => {
    await fs.rm(cacheDir, { recursive: true, force: true });
  });

  test('six blocks with Roboflow type names and aliases, batch mode over images', () => {
    assert.deepEqual(classificationBlocks.map((b) => b.manifest.type).sort(), [
      'roboflow_core/roboflow_classification_model@v1',
      'roboflow_core/roboflow_classification_model@v2',
      'roboflow_core/roboflow_classification_model@v3',
      'roboflow_core/roboflow_multi_label_classification_model@v1',
      'roboflow_core/roboflow_multi_label_classification_model@v2',
      'roboflow_core/roboflow_multi_label_classification_model@v3',
    ]);
    assert.deepEqual(roboflowClassificationModelV1.manifest.aliases, [
      'RoboflowClassificationModel',
      'ClassificationModel',
    ]);
    assert.deepEqual(roboflowMultiLabelClassificationModelV1.manifest.aliases, [
      'RoboflowMultiLabelClassificationModel',
      'MultiLabelClassificationModel',
    ]);
    for (const block of classificationBlocks) assert.deepEqual(block.manifest.batchParameters, ['images']);
    assert.deepEqual(
      roboflowClassificationModelV1.manifest.outputs.map((o) => o.name),
      ['predictions', 'inference_id'],
    );
    assert.deepEqual(
      roboflowClassificationModelV2.manifest.outputs.map((o) => o.name),
      ['predictions', 'inference_id', 'model_id'],
    );
    assert.ok('custom_confidence' in roboflowMultiLabelClassificationModelV3.manifest.properties);
  });

  test('single-label v2 tells upright text ("0") from upside-down text ("180")', async () => {
    const results = (await roboflowClassificationModelV2.run(
      { images: new Batch([upright, upsideDown], [[0], [1]]), model_id: SINGLE_LABEL_ID, confidence: 0.4 },
      context(models),
    )) as Array<Record<string, any>>;
    assert.equal(results.length, 2);
    const [first, second] = results;
    assert.deepEqual(Object.keys(first!), ['predictions', 'inference_id', 'model_id']);
    assert.equal(first!.model_id, SINGLE_LABEL_ID);
    const p = first!.predictions;
    assert.deepEqual(Object.keys(p), [
      'inference_id',
      'time',
      'image',
      'predictions',
      'top',
      'confidence',
      'prediction_type',
      'parent_id',
      'root_parent_id',
    ]);
    assert.equal(p.inference_id, first!.inference_id);
    assert.deepEqual(p.image, { width: 576, height: 144 });
    assert.equal(p.prediction_type, 'classification');
    assert.equal(p.parent_id, 'upright');
    assert.equal(p.root_parent_id, 'upright');
    assert.equal(p.top, '0');
    assert.equal(second!.predictions.top, '180');
    assert.equal(second!.predictions.parent_id, 'flipped');
    for (const { predictions } of results) {
      const list = predictions.predictions as Array<Record<string, unknown>>;
      assert.equal(list.length, 2);
      assert.deepEqual(Object.keys(list[0]!), ['class', 'class_id', 'confidence']);
      assert.ok((list[0]!.confidence as number) >= (list[1]!.confidence as number));
      assert.equal(predictions.confidence, list[0]!.confidence);
      assert.ok(Math.abs((list[0]!.confidence as number) + (list[1]!.confidence as number) - 1) < 1e-4);
      assert.ok(predictions.confidence > 0.5);
    }
    assert.equal(second!.predictions.predictions[0].class_id, 1);
  });

  test('multi-label v1 answers per-class scores and the classes above the threshold', async () => {
    const [result] = (await roboflowMultiLabelClassificationModelV1.run(
      { images: new Batch([upright], [[0]]), model_id: MULTI_LABEL_ID, confidence: 0.5 },
      context(models),
    )) as Array<Record<string, any>>;
    assert.deepEqual(Object.keys(result!), ['predictions', 'inference_id']);
    const p = result!.predictions;
    assert.deepEqual(Object.keys(p), [
      'inference_id',
      'time',
      'image',
      'predictions',
      'predicted_classes',
      'prediction_type',
      'parent_id',
      'root_parent_id',
    ]);
    assert.deepEqual(Object.keys(p.predictions), ['0', '180']);
    assert.deepEqual(Object.keys(p.predictions['0']), ['confidence', 'class_id']);
    assert.equal(p.predictions['180'].class_id, 1);
    assert.ok(p.predictions['0'].confidence > 0.5);
    assert.deepEqual(p.predicted_classes, ['0']);
  });

  test('multi-label v3 custom confidence decides predicted_classes; MULTICLASS packages answer multi-label in the single-label block', async () => {
    const strict = (await roboflowMultiLabelClassificationModelV3.run(
      {
        images: new Batch([upsideDown], [[0]]),
        model_id: MULTI_LABEL_ID,
        confidence_mode: 'custom',
        custom_confidence: 1,
      },
      context(models),
    )) as Array<Record<string, any>>;
    assert.deepEqual(strict[0]!.predictions.predicted_classes, []);
    assert.equal(strict[0]!.model_id, MULTI_LABEL_ID);
    const lenient = (await roboflowMultiLabelClassificationModelV3.run(
      {
        images: new Batch([upsideDown], [[0]]),
        model_id: MULTI_LABEL_ID,
        confidence_mode: 'custom',
        custom_confidence: 0,
      },
      context(models),
    )) as Array<Record<string, any>>;
    assert.deepEqual(lenient[0]!.predictions.predicted_classes, ['0', '180']);
    const viaSingle = (await roboflowClassificationModelV1.run(
      { images: new Batch([upsideDown], [[0]]), model_id: MULTI_LABEL_ID, confidence: 0.5 },
      context(models),
    )) as Array<Record<string, any>>;
    assert.deepEqual(viaSingle[0]!.predictions.predicted_classes, ['180']);
  });

  test('unknown model ids fail with ModelNotFoundError; a missing model manager is a configuration error', async () => {
    await assert.rejects(
      Promise.resolve(
        roboflowClassificationModelV2.run({ images: new Batch([upright], [[0]]), model_id: 'nope/1' }, context(models)),
      ),
      ModelNotFoundError,
    );
    await assert.rejects(
      Promise.resolve(
        roboflowClassificationModelV2.run({ images: new Batch([upright], [[0]]), model_id: '' }, context(models)),
      ),
      ModelInputError,
    );
    await assert.rejects(
      Promise.resolve(
        roboflowClassificationModelV2.run(
          { images: new Batch([upright], [[0]]), model_id: SINGLE_LABEL_ID },
          stepContext('cls'),
        ),
      ),
      /needs a model manager/,
    );
  });
});

describe('class score conversion', () => {
  test('logits go through softmax; probability rows are kept', () => {
    const soft = toProbabilities(Float32Array.from([2, 0, -1]));
    assert.ok(Math.abs(soft.reduce((s, v) => s + v, 0) - 1) < 1e-6);
    assert.ok(soft[0]! > soft[1]! && soft[1]! > soft[2]!);
    const probabilities = Float32Array.from([0.7, 0.2, 0.1]);
    assert.equal(toProbabilities(probabilities), probabilities);
  });

  test('multi-label logits go through a sigmoid per class', () => {
    const out = toIndependentProbabilities(Float32Array.from([0, 3, -3]));
    assert.ok(Math.abs(out[0]! - 0.5) < 1e-6);
    assert.ok(out[1]! > 0.95 && out[2]! < 0.05);
  });
});
