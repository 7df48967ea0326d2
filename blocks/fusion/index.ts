import type { BlockDefinition } from '../../engine/index.ts';
import { dimensionCollapseV1 } from './dimension_collapse_v1.ts';
import { detectionsStitchV1 } from './detections_stitch_v1.ts';
import { detectionsConsensusV1 } from './detections_consensus_v1.ts';
import { detectionsClassesReplacementV1 } from './detections_classes_replacement_v1.ts';
import { frameDelayV1 } from './frame_delay_v1.ts';
import { imageStackV1 } from './image_stack_v1.ts';
import { detectionsListRollupV1 } from './detections_list_rollup_v1.ts';
import { overlapAnalysisV1 } from './overlap_analysis_v1.ts';
import { bufferV1 } from './buffer_v1.ts';
import { cacheGetV1, cacheSetV1 } from './cache_blocks.ts';
import { detectionsDifferenceV1 } from './detections_difference_v1.ts';

export const fusionBlocks: BlockDefinition<any>[] = [
  dimensionCollapseV1,
  detectionsStitchV1,
  detectionsConsensusV1,
  detectionsClassesReplacementV1,
  frameDelayV1,
  imageStackV1,
  detectionsListRollupV1,
  overlapAnalysisV1,
  bufferV1,
  cacheSetV1,
  cacheGetV1,
  detectionsDifferenceV1,
];
