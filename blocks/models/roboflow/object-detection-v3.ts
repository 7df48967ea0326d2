// roboflow_core/roboflow_object_detection_model@v3.
import { detectionModelBlock } from './detection-model-block.ts';

export const roboflowObjectDetectionModelV3 = detectionModelBlock({
  task: 'object-detection',
  version: 'v3',
  type: 'roboflow_core/roboflow_object_detection_model@v3',
});
