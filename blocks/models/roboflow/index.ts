import type { BlockDefinition } from '../../../engine/index.ts';
import { roboflowObjectDetectionModelV1 } from './object-detection-v1.ts';
import { roboflowObjectDetectionModelV2 } from './object-detection-v2.ts';
import { roboflowObjectDetectionModelV3 } from './object-detection-v3.ts';
import { roboflowInstanceSegmentationModelV1 } from './instance-segmentation-v1.ts';
import { roboflowInstanceSegmentationModelV2 } from './instance-segmentation-v2.ts';
import { roboflowInstanceSegmentationModelV3 } from './instance-segmentation-v3.ts';
import { roboflowInstanceSegmentationModelV4 } from './instance-segmentation-v4.ts';
import { roboflowKeypointDetectionModelV1 } from './keypoint-detection-v1.ts';
import { roboflowKeypointDetectionModelV2 } from './keypoint-detection-v2.ts';
import { roboflowKeypointDetectionModelV3 } from './keypoint-detection-v3.ts';

export const roboflowModelBlocks: BlockDefinition<any>[] = [
  roboflowObjectDetectionModelV1,
  roboflowObjectDetectionModelV2,
  roboflowObjectDetectionModelV3,
  roboflowInstanceSegmentationModelV1,
  roboflowInstanceSegmentationModelV2,
  roboflowInstanceSegmentationModelV3,
  roboflowInstanceSegmentationModelV4,
  roboflowKeypointDetectionModelV1,
  roboflowKeypointDetectionModelV2,
  roboflowKeypointDetectionModelV3,
];
