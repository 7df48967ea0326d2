import type { BlockDefinition } from '../../engine/index.ts';

export const formatterBlocks: BlockDefinition<any>[] = [];
