import type { BlockDefinition } from '../../../engine/index.ts';
import { roboflowClassificationModelV1 } from './roboflow-classification-v1.ts';
import { roboflowClassificationModelV2 } from './roboflow-classification-v2.ts';
import { roboflowClassificationModelV3 } from './roboflow-classification-v3.ts';
import { roboflowMultiLabelClassificationModelV1 } from './roboflow-multi-label-classification-v1.ts';
import { roboflowMultiLabelClassificationModelV2 } from './roboflow-multi-label-classification-v2.ts';
import { roboflowMultiLabelClassificationModelV3 } from './roboflow-multi-label-classification-v3.ts';

export { classify, type ClassificationResponse } from './classify.ts';

export const classificationBlocks: BlockDefinition<any>[] = [
  roboflowClassificationModelV1,
  roboflowClassificationModelV2,
  roboflowClassificationModelV3,
  roboflowMultiLabelClassificationModelV1,
  roboflowMultiLabelClassificationModelV2,
  roboflowMultiLabelClassificationModelV3,
];
