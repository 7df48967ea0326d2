import { requireColor } from '../common/color.ts';
import { literalOrSelector } from '../../engine/index.ts';
import { colorProperty, defineVisualization, intProperty } from './common.ts';
import { readPolylines } from './points.ts';

export const referencePathVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/reference_path_visualization@v1',
    humanName: 'Reference Path Visualization',
    shortDescription: 'Draw a reference path in the image.',
    icon: 'fas fa-road',
    predictionKinds: null,
    properties: {
      reference_path: literalOrSelector(
        { type: 'array', items: { type: 'array', items: { type: 'integer' } } },
        ['list_of_values'],
        {
          title: 'Reference Path',
          description: 'Reference path in a format [(x1, y1), (x2, y2), (x3, y3), ...].',
          examples: [
            [
              [100, 300],
              [200, 350],
            ],
            '$inputs.expected_path',
          ],
        },
      ),
      color: colorProperty('Color', 'Color of the path.', '#5bb573'),
      thickness: intProperty('Thickness', 'Thickness of the path in pixels.', 2),
    },
    required: ['reference_path'],
  },
  (canvas, params, context) => {
    const color = requireColor(params.color ?? '#5bb573', context.stepName, 'color');
    for (const path of readPolylines(params.reference_path, context.stepName, 'reference_path', 2)) {
      canvas.polyline(path, color, Number(params.thickness ?? 2));
    }
  },
);
