import { defineVisualization, detectionColors, floatProperty, intProperty } from './common.ts';

export const boundingBoxVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/bounding_box_visualization@v1',
    aliases: ['BoundingBoxVisualization'],
    humanName: 'Bounding Box Visualization',
    shortDescription: 'Draw a box around detected objects in an image.',
    icon: 'far fa-square',
    blockPriority: 0,
    colorable: true,
    properties: {
      thickness: intProperty('Thickness', 'Thickness of the bounding box in pixels.', 2),
      roundness: floatProperty(
        'Roundness',
        'Roundness of the corners of the bounding box (0 = square corners).',
        0.0,
        ['float_zero_to_one'],
        { minimum: 0, maximum: 1 },
      ),
    },
  },
  (canvas, params, context) => {
    const detections = params.predictions!;
    const colors = detectionColors(params, detections, context.stepName);
    const thickness = Number(params.thickness ?? 2);
    const roundness = Number(params.roundness ?? 0);
    for (let i = 0; i < detections.length; i++) {
      const [x0, y0, x1, y1] = detections.box(i).map(Math.trunc) as [number, number, number, number];
      if (roundness > 0) {
        const radius = (Math.min(x1 - x0, y1 - y0) / 2) * roundness;
        canvas.roundedRect(x0, y0, x1, y1, radius, colors[i]!, false, thickness);
      } else {
        canvas.strokeRect(x0, y0, x1, y1, colors[i]!, thickness);
      }
    }
  },
);
