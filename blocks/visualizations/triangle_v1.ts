import { requireColor } from '../common/color.ts';
import { boxAnchor, POSITIONS } from '../common/draw/index.ts';
import { colorProperty, defineVisualization, detectionColors, enumProperty, intProperty } from './common.ts';

export const triangleVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/triangle_visualization@v1',
    aliases: ['TriangleVisualization'],
    humanName: 'Triangle Visualization',
    shortDescription: 'Draw triangle markers on an image at specific coordinates based on provided detections.',
    icon: 'fas fa-play',
    colorable: true,
    properties: {
      position: enumProperty('Position', 'The anchor position for placing the triangle.', POSITIONS, 'TOP_CENTER'),
      base: intProperty('Base', 'Base width of the triangle in pixels.', 10),
      height: intProperty('Height', 'Height of the triangle in pixels.', 10),
      outline_thickness: intProperty('Outline Thickness', 'Thickness of the outline of the triangle in pixels.', 0),
      outline_color: colorProperty('Outline Color', 'Color of the outline.', 'BLACK'),
    },
  },
  (canvas, params, context) => {
    const detections = params.predictions!;
    const colors = detectionColors(params, detections, context.stepName);
    const base = Number(params.base ?? 10);
    const height = Number(params.height ?? 10);
    const outline = Number(params.outline_thickness ?? 0);
    const outlineColor = requireColor(params.outline_color ?? 'BLACK', context.stepName, 'outline_color');
    for (let i = 0; i < detections.length; i++) {
      const [x, y] = boxAnchor(detections.box(i), String(params.position ?? 'TOP_CENTER'));
      const triangle: Array<[number, number]> = [
        [x - base / 2, y - height],
        [x + base / 2, y - height],
        [x, y],
      ];
      canvas.fillPolygon(triangle, colors[i]!);
      if (outline > 0) canvas.polyline(triangle, outlineColor, outline, true);
    }
  },
);
