// roboflow_core/roboflow_instance_segmentation_model@v2.
import { detectionModelBlock } from './detection-model-block.ts';

export const roboflowInstanceSegmentationModelV2 = detectionModelBlock({
  task: 'instance-segmentation',
  version: 'v2',
  type: 'roboflow_core/roboflow_instance_segmentation_model@v2',
});
