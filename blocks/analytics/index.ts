import type { BlockDefinition } from '../../engine/index.ts';

export const analyticsBlocks: BlockDefinition<any>[] = [];
