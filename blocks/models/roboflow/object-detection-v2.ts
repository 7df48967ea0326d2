// roboflow_core/roboflow_object_detection_model@v2.
import { detectionModelBlock } from './detection-model-block.ts';

export const roboflowObjectDetectionModelV2 = detectionModelBlock({
  task: 'object-detection',
  version: 'v2',
  type: 'roboflow_core/roboflow_object_detection_model@v2',
});
