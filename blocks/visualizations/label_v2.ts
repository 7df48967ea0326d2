import { literalOrSelector } from '../../engine/index.ts';
import { defineVisualization } from './common.ts';
import { drawDetectionLabels, labelProperties } from './label_shared.ts';

export const labelVisualizationV2 = defineVisualization(
  {
    type: 'roboflow_core/label_visualization@v2',
    humanName: 'Label Visualization',
    version: 'v2',
    shortDescription: 'Draw labels on an image at specific coordinates based on provided detections.',
    icon: 'far fa-tag',
    blockPriority: 1,
    colorable: true,
    properties: {
      ...labelProperties(),
      smart_position: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        title: 'Smart Position',
        description: 'Move labels so they stay inside the image and do not overlap each other.',
        default: false,
        examples: [true, '$inputs.smart_position'],
      }),
    },
  },
  (canvas, params, context) => drawDetectionLabels(canvas, params, context, Boolean(params.smart_position)),
);
