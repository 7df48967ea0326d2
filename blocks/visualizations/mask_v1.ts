import { defineVisualization, detectionColors, floatProperty, MASK_PREDICTION_KINDS } from './common.ts';
import { detectionMask, largestFirst } from './masks.ts';

export const maskVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/mask_visualization@v1',
    aliases: ['MaskVisualization'],
    humanName: 'Mask Visualization',
    shortDescription: 'Paint a mask over detected objects in an image.',
    icon: 'fas fa-mask',
    colorable: true,
    predictionKinds: [...MASK_PREDICTION_KINDS, 'semantic_segmentation_prediction'],
    properties: {
      opacity: floatProperty('Opacity', 'Transparency of the mask overlay.', 0.5, ['float_zero_to_one'], {
        minimum: 0,
        maximum: 1,
      }),
    },
  },
  (canvas, params, context) => {
    const detections = params.predictions!;
    const colors = detectionColors(params, detections, context.stepName);
    const opacity = Number(params.opacity ?? 0.5);
    for (const i of largestFirst(detections))
      canvas.overlayMask(detectionMask(detections, i, canvas), colors[i]!, opacity);
  },
);
