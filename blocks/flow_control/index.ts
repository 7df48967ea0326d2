import type { BlockDefinition } from '../../engine/index.ts';
import { continueIfV1 } from './continue_if_v1.ts';

export const flowControlBlocks: BlockDefinition<any>[] = [continueIfV1];
