// roboflow_core/ocr_model@v1. Roboflow lets the step pick an engine (DocTR, EasyOCR, TrOCR...); Sightline has
// one local engine, PP-OCRv4 (shipped with the npm install), and runs it whichever `model` is named. The
// `language` field is accepted for compatibility; the PP-OCRv4 dictionary covers Chinese and Latin script.
import { defineBlock, imagesProperty, literal, type Batch, type WorkflowImage } from '../../../engine/index.ts';
import { OCR_OUTPUTS, runOcrOverBatch } from './ocr-step.ts';

export const OCR_ENGINE_NAMES = ['doctr', 'easy_ocr', 'trocr', 'pp_ocr', 'google_cloud_vision', 'mathpix'];

export const ocrModelV1 = defineBlock<{ images: Batch<WorkflowImage>; model: string; language: string }>({
  manifest: {
    type: 'roboflow_core/ocr_model@v1',
    aliases: ['OCRModel'],
    humanName: 'OCR Model',
    version: 'v1',
    blockType: 'model',
    shortDescription: 'Extract text from an image using optical character recognition.',
    longDescription:
      'Reads the text in an image with a local PP-OCRv4 pipeline (text detection, direction ' +
      'classification, line recognition). `result` is the text of all lines in reading order joined by ' +
      'spaces; `predictions` has one box per line with the line text as its class name. Every `model` ' +
      'choice runs the same local engine. Combine with a detection model and dynamic crop to read specific regions.',
    searchKeywords: ['OCR', 'text', 'doctr', 'paddle'],
    ui: { section: 'model', icon: 'far fa-text', blockPriority: 11, inference: true },
    properties: {
      images: imagesProperty(),
      model: literal(
        { type: 'string', enum: OCR_ENGINE_NAMES },
        { title: 'Model', description: 'OCR engine to use (all run the local PP-OCRv4 engine).', default: 'doctr' },
      ),
      language: literal(
        { type: 'string' },
        { title: 'Language', description: 'Language hint (accepted for compatibility).', default: 'English' },
      ),
    },
    required: ['images'],
    propertyAliases: { image: 'images' },
    outputs: OCR_OUTPUTS,
    batchParameters: ['images'],
  },
  run: ({ images }, context) => runOcrOverBatch(images, context),
});
