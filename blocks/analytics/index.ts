import type { BlockDefinition } from '../../engine/index.ts';
import { dataAggregatorV1 } from './data_aggregator_v1.ts';

export const analyticsBlocks: BlockDefinition<any>[] = [dataAggregatorV1];
