import type { BlockDefinition } from '../../engine/index.ts';

export const flowControlBlocks: BlockDefinition<any>[] = [];
