import { defineVisualization } from './common.ts';
import { drawDetectionLabels, labelProperties } from './label_shared.ts';

export const labelVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/label_visualization@v1',
    aliases: ['LabelVisualization'],
    humanName: 'Label Visualization',
    shortDescription: 'Draw labels on an image at specific coordinates based on provided detections.',
    icon: 'far fa-tag',
    blockPriority: 1,
    colorable: true,
    properties: labelProperties(),
  },
  (canvas, params, context) => drawDetectionLabels(canvas, params, context, false),
);
