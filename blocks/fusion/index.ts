import type { BlockDefinition } from '../../engine/index.ts';
import { dimensionCollapseV1 } from './dimension_collapse_v1.ts';
import { detectionsStitchV1 } from './detections_stitch_v1.ts';

export const fusionBlocks: BlockDefinition<any>[] = [dimensionCollapseV1, detectionsStitchV1];
