import type { BlockDefinition } from '../../engine/index.ts';
import { dataAggregatorV1 } from './data_aggregator_v1.ts';
import { overlapV1 } from './overlap_v1.ts';
import { lineCounterV1, lineCounterV2 } from './line_counter.ts';
import { timeInZoneV1, timeInZoneV2, timeInZoneV3 } from './time_in_zone.ts';
import { velocityV1 } from './velocity_v1.ts';
import { identifyChangesV1 } from './identify_changes_v1.ts';
import { identifyOutliersV1 } from './identify_outliers_v1.ts';
import { pathDeviationV1, pathDeviationV2 } from './path_deviation.ts';
import { detectionEventLogV1 } from './detection_event_log_v1.ts';

export const analyticsBlocks: BlockDefinition<any>[] = [
  dataAggregatorV1,
  overlapV1,
  lineCounterV1,
  lineCounterV2,
  timeInZoneV1,
  timeInZoneV2,
  timeInZoneV3,
  velocityV1,
  identifyChangesV1,
  identifyOutliersV1,
  pathDeviationV1,
  pathDeviationV2,
  detectionEventLogV1,
];
