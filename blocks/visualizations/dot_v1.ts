import { boxAnchor, POSITIONS } from '../common/draw/index.ts';
import { defineVisualization, detectionColors, enumProperty, intProperty } from './common.ts';

export const dotVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/dot_visualization@v1',
    aliases: ['DotVisualization'],
    humanName: 'Dot Visualization',
    shortDescription: 'Draw dots on an image at specific coordinates based on provided detections.',
    icon: 'fas fa-circle',
    colorable: true,
    properties: {
      position: enumProperty('Position', 'The anchor position for placing the dot.', POSITIONS, 'CENTER'),
      radius: intProperty('Radius', 'Radius of the dot in pixels.', 4),
      outline_thickness: intProperty('Outline Thickness', 'Thickness of the black outline of the dot in pixels.', 0),
    },
  },
  (canvas, params, context) => {
    const detections = params.predictions!;
    const colors = detectionColors(params, detections, context.stepName);
    const radius = Number(params.radius ?? 4);
    const outline = Number(params.outline_thickness ?? 0);
    for (let i = 0; i < detections.length; i++) {
      const [x, y] = boxAnchor(detections.box(i), String(params.position ?? 'CENTER'));
      canvas.fillCircle(Math.trunc(x), Math.trunc(y), radius, colors[i]!);
      if (outline > 0) canvas.strokeCircle(Math.trunc(x), Math.trunc(y), radius, [0, 0, 0], outline);
    }
  },
);
