import type { BlockDefinition } from '../../engine/index.ts';

export const classicalCvBlocks: BlockDefinition<any>[] = [];
