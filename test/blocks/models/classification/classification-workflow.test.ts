// Classification through the execution engine: the PaddleOCR direction classifier installed as a Roboflow
// package and called by model id from a workflow step.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ExecutionEngine } from '../../../../engine/index.ts';
import { coreBlocks } from '../../../../blocks/index.ts';
import { createModelManager } from '../../../../blocks/models/manager.ts';
import { installModelPackage } from '../../../../blocks/models/package.ts';
import { ocrAssetPath } from '../../../../blocks/models/ocr/ocr-engine.ts';

const MODEL_ID = 'text-direction/3';

async function textImage(rotate: number) {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="576" height="144"><rect width="100%" height="100%" fill="white"/>' +
    '<text x="16" y="100" font-family="DejaVu Sans, Arial, sans-serif" font-size="64" fill="black">Sightline 2026</text></svg>';
  return { type: 'base64', value: (await sharp(Buffer.from(svg)).rotate(rotate).png().toBuffer()).toString('base64') };
}

describe('classification in a workflow', () => {
  let cacheDir: string;
  let engine: ExecutionEngine;

  before(async () => {
    cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sightline-cls-wf-'));
    await installModelPackage(ocrAssetPath('direction'), MODEL_ID, cacheDir, {
      classNames: ['0', '180'],
      environment: {
        PREPROCESSING: { resize: { enabled: true, width: 192, height: 48, format: 'Stretch to' } },
        CLASS_MAP: { '0': '0', '1': '180' },
      },
    });
    engine = new ExecutionEngine({ blocks: coreBlocks, services: { models: createModelManager({ cacheDir }) } });
  });

  after(async () => {
    await fs.rm(cacheDir, { recursive: true, force: true });
  });

  test('v2 step over a batch of two images: top class per image, model_id output', async () => {
    const definition = {
      version: '1.0',
      inputs: [
        { type: 'WorkflowImage', name: 'image' },
        { type: 'WorkflowParameter', name: 'model', default_value: MODEL_ID },
      ],
      steps: [
        {
          type: 'roboflow_core/roboflow_classification_model@v2',
          name: 'direction',
          images: '$inputs.image',
          model_id: '$inputs.model',
        },
      ],
      outputs: [
        { type: 'JsonField', name: 'predictions', selector: '$steps.direction.predictions' },
        { type: 'JsonField', name: 'model_id', selector: '$steps.direction.model_id' },
      ],
    };
    const { outputs } = await engine.run(definition, { image: [await textImage(0), await textImage(180)] });
    assert.equal(outputs.length, 2);
    assert.equal((outputs[0]!.predictions as any).top, '0');
    assert.equal((outputs[1]!.predictions as any).top, '180');
    assert.equal((outputs[0]!.predictions as any).prediction_type, 'classification');
    assert.equal(outputs[1]!.model_id, MODEL_ID);
  });
});
