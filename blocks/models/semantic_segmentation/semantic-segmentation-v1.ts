// roboflow_core/roboflow_semantic_segmentation_model@v1 (no confidence setting; see semantic-segmentation.ts).
import { semanticSegmentationBlock } from './semantic-segmentation.ts';

export const roboflowSemanticSegmentationModelV1 = semanticSegmentationBlock('v1');
