// roboflow_core/roboflow_object_detection_model@v1 (legacy names RoboflowObjectDetectionModel, ObjectDetectionModel).
import { detectionModelBlock } from './detection-model-block.ts';

export const roboflowObjectDetectionModelV1 = detectionModelBlock({
  task: 'object-detection',
  version: 'v1',
  type: 'roboflow_core/roboflow_object_detection_model@v1',
  aliases: ['RoboflowObjectDetectionModel', 'ObjectDetectionModel'],
});
