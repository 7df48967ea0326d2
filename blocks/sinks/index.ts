import type { BlockDefinition } from '../../engine/index.ts';

export const sinkBlocks: BlockDefinition<any>[] = [];
