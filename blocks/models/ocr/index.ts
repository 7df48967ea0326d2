import type { BlockDefinition } from '../../../engine/index.ts';

export const ocrBlocks: BlockDefinition<any>[] = [];
