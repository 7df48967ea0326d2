// roboflow_core/roboflow_multi_label_classification_model@v1: multi-label classification (per-class threshold).
import { defineBlock } from '../../../engine/index.ts';
import {
  CONFIDENCE_PROPERTIES,
  V1_OUTPUTS,
  classificationManifest,
  runClassificationStep,
  type ClassificationStepParams,
} from './classification-step.ts';

export const roboflowMultiLabelClassificationModelV1 = defineBlock<ClassificationStepParams>({
  initParameters: { model_manager: 'models' },
  manifest: classificationManifest({
    type: 'roboflow_core/roboflow_multi_label_classification_model@v1',
    aliases: ['RoboflowMultiLabelClassificationModel', 'MultiLabelClassificationModel'],
    version: 'v1',
    humanName: 'Multi-Label Classification Model',
    shortDescription: 'Apply multiple tags to an image.',
    longDescription:
      'Runs a classification model from the local model cache on each image. predictions maps every class to ' +
      'its score; predicted_classes lists the classes scoring above the confidence threshold.',
    properties: CONFIDENCE_PROPERTIES,
    outputs: V1_OUTPUTS,
  }),
  run: (params, context) => runClassificationStep(params, context, { multiLabel: true, withModelId: false }),
});
