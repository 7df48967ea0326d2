import { literalOrSelector } from '../../engine/index.ts';
import { requireColor } from '../common/color.ts';
import { drawLabels, PX_PER_TEXT_SCALE } from '../common/draw/index.ts';
import { colorProperty, defineVisualization, floatProperty, intProperty } from './common.ts';
import { readPolylines } from './points.ts';

export const lineCounterVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/line_counter_visualization@v1',
    humanName: 'Line Counter Visualization',
    shortDescription: 'Draw a counting line and the in/out counts on an image.',
    icon: 'fas fa-arrow-down-up-across-line',
    predictionKinds: null,
    properties: {
      zone: literalOrSelector({ type: 'array', items: { type: 'array' } }, ['list_of_values'], {
        title: 'Line',
        description: 'Line in the format [[x1, y1], [x2, y2]].',
        examples: [
          [
            [0, 50],
            [500, 50],
          ],
          '$inputs.line',
        ],
      }),
      color: colorProperty('Color', 'Color of the line.', '#5bb573'),
      thickness: intProperty('Thickness', 'Thickness of the line in pixels.', 2),
      text_thickness: intProperty('Text Thickness', 'Thickness of the text characters.', 1),
      text_scale: floatProperty('Text Scale', 'Scale of the text.', 1.0),
      count_in: intProperty('Count In', 'Number of objects that crossed the line inwards.', 0),
      count_out: intProperty('Count Out', 'Number of objects that crossed the line outwards.', 0),
      opacity: floatProperty('Opacity', 'Transparency of the line.', 0.3, ['float_zero_to_one'], {
        minimum: 0,
        maximum: 1,
      }),
    },
    required: ['zone'],
  },
  async (canvas, params, context) => {
    const color = requireColor(params.color ?? '#5bb573', context.stepName, 'color');
    const [line] = readPolylines(params.zone, context.stepName, 'zone', 2);
    const [a, b] = line!;
    canvas.line(a!, b!, color, Number(params.thickness ?? 2));
    await drawLabels(
      canvas,
      [
        {
          text: `in: ${params.count_in ?? 0}, out: ${params.count_out ?? 0}`,
          anchor: a!,
          position: 'BOTTOM_LEFT',
          background: color,
          textColor: [0, 0, 0],
        },
      ],
      {
        fontPx: PX_PER_TEXT_SCALE * Number(params.text_scale ?? 1),
        padding: 5,
        bold: Number(params.text_thickness ?? 1) >= 2,
      },
    );
  },
);
