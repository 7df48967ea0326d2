import type { BlockDefinition } from '../../../engine/index.ts';

export const roboflowModelBlocks: BlockDefinition<any>[] = [];
