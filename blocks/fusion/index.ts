import type { BlockDefinition } from '../../engine/index.ts';

export const fusionBlocks: BlockDefinition<any>[] = [];
