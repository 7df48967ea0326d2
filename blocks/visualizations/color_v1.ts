import { defineVisualization, detectionColors, floatProperty } from './common.ts';
import { detectionMask, largestFirst } from './masks.ts';

export const colorVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/color_visualization@v1',
    aliases: ['ColorVisualization'],
    humanName: 'Color Visualization',
    shortDescription: 'Paint a solid color on detected objects in an image.',
    icon: 'fas fa-paint-roller',
    colorable: true,
    properties: {
      opacity: floatProperty('Opacity', 'Transparency of the color overlay.', 0.5, ['float_zero_to_one'], {
        minimum: 0,
        maximum: 1,
      }),
    },
  },
  (canvas, params, context) => {
    const detections = params.predictions!;
    const colors = detectionColors(params, detections, context.stepName);
    const opacity = Number(params.opacity ?? 0.5);
    for (const i of largestFirst(detections)) {
      if (detections.masks) canvas.overlayMask(detectionMask(detections, i, canvas), colors[i]!, opacity);
      else {
        const [x0, y0, x1, y1] = detections.box(i).map(Math.trunc) as [number, number, number, number];
        canvas.fillRect(x0, y0, x1, y1, colors[i]!, opacity);
      }
    }
  },
);
