// roboflow_core/roboflow_instance_segmentation_model@v1 (legacy names RoboflowInstanceSegmentationModel, InstanceSegmentationModel).
import { detectionModelBlock } from './detection-model-block.ts';

export const roboflowInstanceSegmentationModelV1 = detectionModelBlock({
  task: 'instance-segmentation',
  version: 'v1',
  type: 'roboflow_core/roboflow_instance_segmentation_model@v1',
  aliases: ['RoboflowInstanceSegmentationModel', 'InstanceSegmentationModel'],
});
