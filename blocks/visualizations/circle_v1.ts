import { defineVisualization, detectionColors, intProperty } from './common.ts';

export const circleVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/circle_visualization@v1',
    aliases: ['CircleVisualization'],
    humanName: 'Circle Visualization',
    shortDescription: 'Draw a circle around detected objects in an image.',
    icon: 'far fa-circle',
    colorable: true,
    properties: { thickness: intProperty('Thickness', 'Thickness of the circle outline in pixels.', 2) },
  },
  (canvas, params, context) => {
    const detections = params.predictions!;
    const colors = detectionColors(params, detections, context.stepName);
    for (let i = 0; i < detections.length; i++) {
      const [x0, y0, x1, y1] = detections.box(i);
      const radius = Math.hypot(x1 - x0, y1 - y0) / 2;
      canvas.strokeCircle((x0 + x1) / 2, (y0 + y1) / 2, radius, colors[i]!, Number(params.thickness ?? 2));
    }
  },
);
