import type { BlockDefinition } from '../../engine/index.ts';

export const transformationBlocks: BlockDefinition<any>[] = [];
