import { literalOrSelector } from '../../engine/index.ts';
import { requireColor } from '../common/color.ts';
import { colorProperty, defineVisualization, floatProperty } from './common.ts';
import { readPolylines } from './points.ts';

export const polygonZoneVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/polygon_zone_visualization@v1',
    humanName: 'Polygon Zone Visualization',
    shortDescription: 'Apply a mask over a polygon zone in an image.',
    icon: 'fas fa-square-dashed',
    predictionKinds: null,
    properties: {
      zone: literalOrSelector({ type: 'array', items: { type: 'array' } }, ['list_of_values'], {
        title: 'Zone',
        description: 'Polygon zone as a list of [x, y] points, or a list of such polygons.',
        examples: [
          [
            [0, 50],
            [500, 50],
            [500, 300],
            [0, 300],
          ],
          '$inputs.zone',
        ],
      }),
      color: colorProperty('Color', 'Color of the zone.', '#5bb573'),
      opacity: floatProperty('Opacity', 'Transparency of the zone overlay.', 0.3, ['float_zero_to_one'], {
        minimum: 0,
        maximum: 1,
      }),
    },
    required: ['zone'],
  },
  (canvas, params, context) => {
    const color = requireColor(params.color ?? '#5bb573', context.stepName, 'color');
    for (const polygon of readPolylines(params.zone, context.stepName, 'zone', 3)) {
      canvas.fillPolygon(polygon, color, Number(params.opacity ?? 0.3));
    }
  },
);
