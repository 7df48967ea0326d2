// roboflow_core/roboflow_multi_label_classification_model@v2: multi-label classification (per-class threshold).
import { defineBlock } from '../../../engine/index.ts';
import {
  CONFIDENCE_PROPERTIES,
  V2_OUTPUTS,
  classificationManifest,
  runClassificationStep,
  type ClassificationStepParams,
} from './classification-step.ts';

export const roboflowMultiLabelClassificationModelV2 = defineBlock<ClassificationStepParams>({
  initParameters: { model_manager: 'models' },
  manifest: classificationManifest({
    type: 'roboflow_core/roboflow_multi_label_classification_model@v2',
    version: 'v2',
    humanName: 'Multi-Label Classification Model',
    shortDescription: 'Apply multiple tags to an image.',
    longDescription:
      'Runs a classification model from the local model cache on each image. predictions maps every class to ' +
      'its score; predicted_classes lists the classes scoring above the confidence threshold.',
    properties: CONFIDENCE_PROPERTIES,
    outputs: V2_OUTPUTS,
  }),
  run: (params, context) => runClassificationStep(params, context, { multiLabel: true, withModelId: true }),
});
