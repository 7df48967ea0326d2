// roboflow_core/roboflow_classification_model@v1: single-label classification with a Roboflow model package.
import { defineBlock } from '../../../engine/index.ts';
import {
  CONFIDENCE_PROPERTIES,
  V1_OUTPUTS,
  classificationManifest,
  runClassificationStep,
  type ClassificationStepParams,
} from './classification-step.ts';

export const roboflowClassificationModelV1 = defineBlock<ClassificationStepParams>({
  initParameters: { model_manager: 'models' },
  manifest: classificationManifest({
    type: 'roboflow_core/roboflow_classification_model@v1',
    aliases: ['RoboflowClassificationModel', 'ClassificationModel'],
    version: 'v1',
    humanName: 'Single-Label Classification Model',
    shortDescription: 'Apply a single tag to an image.',
    longDescription:
      'Runs a classification model from the local model cache on each image. predictions lists every class ' +
      'sorted by confidence with the top class and its confidence (a multi-label package answers with ' +
      'per-class scores and predicted_classes instead).',
    properties: CONFIDENCE_PROPERTIES,
    outputs: V1_OUTPUTS,
  }),
  run: (params, context) => runClassificationStep(params, context, { multiLabel: false, withModelId: false }),
});
