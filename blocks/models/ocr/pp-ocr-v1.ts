// roboflow_core/pp_ocr@v1: PaddleOCR, which is exactly the local engine, so it shares the OCR model's runtime.
import { defineBlock, imagesProperty, type Batch, type WorkflowImage } from '../../../engine/index.ts';
import { OCR_OUTPUTS, runOcrOverBatch } from './ocr-step.ts';

export const ppOcrV1 = defineBlock<{ images: Batch<WorkflowImage> }>({
  manifest: {
    type: 'roboflow_core/pp_ocr@v1',
    humanName: 'PaddleOCR',
    version: 'v1',
    blockType: 'model',
    shortDescription: 'Extract text from an image with PaddleOCR (PP-OCRv4).',
    longDescription:
      'Detects text lines and reads them with PP-OCRv4. `result` is all lines in reading order joined by ' +
      'spaces; `predictions` has one box per line with the line text as its class name.',
    searchKeywords: ['OCR', 'text', 'paddle', 'paddleocr'],
    ui: { section: 'model', icon: 'far fa-text', blockPriority: 11, inference: true },
    properties: { images: imagesProperty() },
    required: ['images'],
    propertyAliases: { image: 'images' },
    outputs: OCR_OUTPUTS,
    batchParameters: ['images'],
  },
  run: ({ images }, context) => runOcrOverBatch(images, context),
});
