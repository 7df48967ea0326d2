// OCR through the execution engine: a one-step workflow with the core blocks and a real model manager.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { ExecutionEngine } from '../../../../engine/index.ts';
import { coreBlocks } from '../../../../blocks/index.ts';
import { createModelManager } from '../../../../blocks/models/manager.ts';

const squash = (text: string) => text.toUpperCase().replace(/\s+/g, '');

function ocrWorkflow(type: string) {
  return {
    version: '1.0',
    inputs: [{ type: 'WorkflowImage', name: 'image' }],
    steps: [{ type, name: 'ocr', image: '$inputs.image' }],
    outputs: [
      { type: 'JsonField', name: 'text', selector: '$steps.ocr.result' },
      { type: 'JsonField', name: 'lines', selector: '$steps.ocr.predictions' },
      { type: 'JsonField', name: 'kind', selector: '$steps.ocr.prediction_type' },
    ],
  };
}

describe('OCR in a workflow', () => {
  let cacheDir: string;
  let engine: ExecutionEngine;
  let imageInput: { type: 'base64'; value: string };

  before(async () => {
    cacheDir = await fs.mkdtemp(path.join(os.tmpdir(), 'sightline-ocr-wf-'));
    engine = new ExecutionEngine({ blocks: coreBlocks, services: { models: createModelManager({ cacheDir }) } });
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="260"><rect width="100%" height="100%" fill="white"/>' +
      '<text x="40" y="100" font-family="DejaVu Sans, Arial, sans-serif" font-size="56" fill="black">SIGHTLINE WORKFLOW 2026</text>' +
      '<text x="40" y="200" font-family="DejaVu Sans, Arial, sans-serif" font-size="56" fill="black">Second line 42</text></svg>';
    imageInput = { type: 'base64', value: (await sharp(Buffer.from(svg)).png().toBuffer()).toString('base64') };
  });

  after(async () => {
    await fs.rm(cacheDir, { recursive: true, force: true });
  });

  for (const type of ['roboflow_core/ocr_model@v1', 'OCRModel', 'roboflow_core/pp_ocr@v1']) {
    test(`${type}: result text and one serialized box per line`, async () => {
      const { outputs } = await engine.run(ocrWorkflow(type), { image: imageInput });
      assert.equal(outputs.length, 1);
      const output = outputs[0]!;
      for (const word of ['SIGHTLINE', 'WORKFLOW', '2026', 'SECOND', 'LINE', '42']) {
        assert.ok(squash(output.text as string).includes(word), `expected ${word} in ${output.text}`);
      }
      assert.equal(output.kind, 'ocr');
      const lines = output.lines as {
        image: { width: number; height: number };
        predictions: Array<Record<string, any>>;
      };
      assert.deepEqual(lines.image, { width: 900, height: 260 });
      assert.equal(lines.predictions.length, 2);
      assert.ok(squash(lines.predictions[0]!.class).includes('SIGHTLINE'));
      assert.ok(squash(lines.predictions[1]!.class).includes('SECOND'));
      assert.ok(lines.predictions[0]!.y < lines.predictions[1]!.y);
      assert.equal(lines.predictions[0]!.parent_id, 'image');
    });
  }
});
