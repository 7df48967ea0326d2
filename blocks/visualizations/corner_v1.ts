import { defineVisualization, detectionColors, intProperty } from './common.ts';

export const cornerVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/corner_visualization@v1',
    aliases: ['CornerVisualization'],
    humanName: 'Corner Visualization',
    shortDescription: 'Draw the corners of detected objects in an image.',
    icon: 'fas fa-vector-square',
    colorable: true,
    properties: {
      thickness: intProperty('Thickness', 'Thickness of the lines in pixels.', 4),
      corner_length: intProperty('Corner Length', 'Length of each corner line in pixels.', 15),
    },
  },
  (canvas, params, context) => {
    const detections = params.predictions!;
    const colors = detectionColors(params, detections, context.stepName);
    const t = Number(params.thickness ?? 4);
    const len = Number(params.corner_length ?? 15);
    for (let i = 0; i < detections.length; i++) {
      const [x0, y0, x1, y1] = detections.box(i).map(Math.trunc) as [number, number, number, number];
      for (const [x, y, sx, sy] of [
        [x0, y0, 1, 1],
        [x1, y0, -1, 1],
        [x0, y1, 1, -1],
        [x1, y1, -1, -1],
      ] as const) {
        canvas.line([x, y], [x + sx * len, y], colors[i]!, t);
        canvas.line([x, y], [x, y + sy * len], colors[i]!, t);
      }
    }
  },
);
