import type { BlockDefinition } from '../../engine/index.ts';
import { roboflowModelBlocks } from './roboflow/index.ts';
import { ocrBlocks } from './ocr/index.ts';
import { classificationBlocks } from './classification/index.ts';
import { qrCodeDetectorV1 } from './codes/qr_code_detector_v1.ts';
import { barcodeDetectorV1 } from './codes/barcode_detector_v1.ts';
import { roboflowSemanticSegmentationModelV1 } from './semantic_segmentation/semantic-segmentation-v1.ts';
import { roboflowSemanticSegmentationModelV2 } from './semantic_segmentation/semantic-segmentation-v2.ts';

export const modelBlocks: BlockDefinition<any>[] = [
  ...roboflowModelBlocks,
  ...ocrBlocks,
  ...classificationBlocks,
  qrCodeDetectorV1,
  barcodeDetectorV1,
  roboflowSemanticSegmentationModelV1,
  roboflowSemanticSegmentationModelV2,
];

// Runtime pieces the server uses for /model/* and the classic /infer/* routes.
export { createModelManager, type ModelManager, type LoadedModel, type ModelTask } from './manager.ts';
export { inferDetections, type DetectionParams, type DetectionResult } from './yolo/infer.ts';
export { resolveModelId, resolveModelAlias, MODEL_ALIASES } from './aliases.ts';
export { installModelPackage, readModelPackage, modelPackageDir } from './package.ts';
