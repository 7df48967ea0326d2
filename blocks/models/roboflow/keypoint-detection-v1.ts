// roboflow_core/roboflow_keypoint_detection_model@v1 (legacy names RoboflowKeypointDetectionModel, KeypointsDetectionModel).
import { detectionModelBlock } from './detection-model-block.ts';

export const roboflowKeypointDetectionModelV1 = detectionModelBlock({
  task: 'keypoint-detection',
  version: 'v1',
  type: 'roboflow_core/roboflow_keypoint_detection_model@v1',
  aliases: ['RoboflowKeypointDetectionModel', 'KeypointsDetectionModel'],
});
