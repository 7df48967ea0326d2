// roboflow_core/roboflow_keypoint_detection_model@v2.
import { detectionModelBlock } from './detection-model-block.ts';

export const roboflowKeypointDetectionModelV2 = detectionModelBlock({
  task: 'keypoint-detection',
  version: 'v2',
  type: 'roboflow_core/roboflow_keypoint_detection_model@v2',
});
