// roboflow_core/roboflow_instance_segmentation_model@v4: v3 plus mask_format (COCO RLE masks by default).
import { detectionModelBlock } from './detection-model-block.ts';

export const roboflowInstanceSegmentationModelV4 = detectionModelBlock({
  task: 'instance-segmentation',
  version: 'v4',
  type: 'roboflow_core/roboflow_instance_segmentation_model@v4',
});
