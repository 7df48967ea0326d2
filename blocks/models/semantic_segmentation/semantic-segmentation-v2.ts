// roboflow_core/roboflow_semantic_segmentation_model@v2 (confidence_mode / custom_confidence; see
// semantic-segmentation.ts).
import { semanticSegmentationBlock } from './semantic-segmentation.ts';

export const roboflowSemanticSegmentationModelV2 = semanticSegmentationBlock('v2');
