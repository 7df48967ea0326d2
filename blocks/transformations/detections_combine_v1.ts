// roboflow_core/detections_combine@v1: concatenates two predictions of the same image.
import { Detections, defineBlock, selector } from '../../engine/index.ts';

const KINDS = ['object_detection_prediction', 'instance_segmentation_prediction'];

export const detectionsCombineV1 = defineBlock<{ prediction_one: Detections; prediction_two: Detections }>({
  manifest: {
    type: 'roboflow_core/detections_combine@v1',
    humanName: 'Detections Combine',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'Combine two sets of detections into one.',
    ui: { section: 'transformation', icon: 'fal fa-object-union' },
    properties: {
      prediction_one: selector(KINDS, {
        title: 'First Detections',
        description: 'First set of detections.',
        examples: ['$steps.a.predictions'],
      }),
      prediction_two: selector(KINDS, {
        title: 'Second Detections',
        description: 'Second set of detections.',
        examples: ['$steps.b.predictions'],
      }),
    },
    required: ['prediction_one', 'prediction_two'],
    outputs: [{ name: 'predictions', kind: KINDS }],
  },
  run({ prediction_one, prediction_two }) {
    return { predictions: Detections.merge([prediction_one, prediction_two]) };
  },
});
