import type { BlockDefinition } from '../../../engine/index.ts';
import { ocrModelV1 } from './ocr-model-v1.ts';
import { ppOcrV1 } from './pp-ocr-v1.ts';

export { recognizeText, type OcrResponse } from './ocr-output.ts';

export const ocrBlocks: BlockDefinition<any>[] = [ocrModelV1, ppOcrV1];
