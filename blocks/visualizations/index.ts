import type { BlockDefinition } from '../../engine/index.ts';

export const visualizationBlocks: BlockDefinition<any>[] = [];
