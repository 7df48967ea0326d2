// roboflow_core/roboflow_keypoint_detection_model@v3.
import { detectionModelBlock } from './detection-model-block.ts';

export const roboflowKeypointDetectionModelV3 = detectionModelBlock({
  task: 'keypoint-detection',
  version: 'v3',
  type: 'roboflow_core/roboflow_keypoint_detection_model@v3',
});
