// roboflow_core/roboflow_instance_segmentation_model@v3.
import { detectionModelBlock } from './detection-model-block.ts';

export const roboflowInstanceSegmentationModelV3 = detectionModelBlock({
  task: 'instance-segmentation',
  version: 'v3',
  type: 'roboflow_core/roboflow_instance_segmentation_model@v3',
});
