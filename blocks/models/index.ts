import type { BlockDefinition } from '../../engine/index.ts';
import { roboflowModelBlocks } from './roboflow/index.ts';
import { ocrBlocks } from './ocr/index.ts';

export const modelBlocks: BlockDefinition<any>[] = [...roboflowModelBlocks, ...ocrBlocks];
