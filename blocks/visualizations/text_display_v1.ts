// roboflow_core/text_display@v1: a text box (optionally templated with `{{ $parameters.name }}`) drawn on the
// image at an absolute position or anchored to an edge / corner / the centre.
import {
  defineBlock,
  literal,
  literalOrSelector,
  selector,
  selectorDict,
  type WorkflowImage,
} from '../../engine/index.ts';
import { requireColor, type Rgb } from '../common/color.ts';
import { Canvas, drawTexts, measureText, PX_PER_TEXT_SCALE } from '../common/draw/index.ts';
import { fillPlaceholders, transformParameters, type OperationDefinition } from '../common/uql/index.ts';

const ANCHORS = [
  'top_left',
  'top_center',
  'top_right',
  'center_left',
  'center',
  'center_right',
  'bottom_left',
  'bottom_center',
  'bottom_right',
] as const;

interface Params {
  image: WorkflowImage;
  text: string;
  text_parameters: Record<string, unknown>;
  text_parameters_operations: Record<string, OperationDefinition[]>;
  text_color: string;
  background_color: string;
  background_opacity: number;
  font_scale: number;
  font_thickness: number;
  padding: number;
  text_align: string;
  border_radius: number;
  position_mode: string;
  position_x: number;
  position_y: number;
  anchor: string;
  offset_x: number;
  offset_y: number;
}

const str = (title: string, description: string, value: string, extra: Record<string, unknown> = {}) =>
  literalOrSelector({ type: 'string', ...extra }, ['string'], {
    title,
    description,
    default: value,
    examples: [value, '$inputs.value'],
  });
const num = (title: string, description: string, value: number, kind: string, type = 'number') =>
  literalOrSelector({ type }, [kind], { title, description, default: value, examples: [value, '$inputs.value'] });

/** Top-left corner of a box of size w x h placed by the anchor, shifted by the offsets (pushed inwards). */
export function anchoredOrigin(
  anchor: string,
  w: number,
  h: number,
  width: number,
  height: number,
  offsetX: number,
  offsetY: number,
): [number, number] {
  const [vertical, horizontal] = anchor === 'center' ? ['center', 'center'] : anchor.split('_');
  const x = horizontal === 'left' ? offsetX : horizontal === 'right' ? width - w - offsetX : (width - w) / 2 + offsetX;
  const y = vertical === 'top' ? offsetY : vertical === 'bottom' ? height - h - offsetY : (height - h) / 2 + offsetY;
  return [Math.round(x), Math.round(y)];
}

async function renderText(
  text: string,
  params: Params,
  stepName: string,
  image: WorkflowImage,
): Promise<WorkflowImage> {
  const canvas = Canvas.copyOf(image);
  const lines = text.split('\n');
  const fontPx = Math.max(1, Number(params.font_scale) * PX_PER_TEXT_SCALE);
  const sizes = await Promise.all(lines.map((line) => measureText(line, fontPx)));
  const lineHeight = Math.round(fontPx * 1.2);
  const padding = Math.max(0, Number(params.padding));
  const textW = Math.max(0, ...sizes.map((s) => s.width));
  const boxW = textW + 2 * padding;
  const boxH = lineHeight * lines.length + 2 * padding;
  const [x0, y0] =
    params.position_mode === 'absolute'
      ? [Math.round(Number(params.position_x)), Math.round(Number(params.position_y))]
      : anchoredOrigin(
          params.anchor,
          boxW,
          boxH,
          image.width,
          image.height,
          Number(params.offset_x),
          Number(params.offset_y),
        );
  const opacity = Math.max(0, Math.min(1, Number(params.background_opacity)));
  if (String(params.background_color).toLowerCase() !== 'transparent' && opacity > 0) {
    const color = requireColor(params.background_color, stepName, 'background_color');
    fillBox(canvas, x0, y0, x0 + boxW - 1, y0 + boxH - 1, Number(params.border_radius), color, opacity);
  }
  const textColor = requireColor(params.text_color, stepName, 'text_color');
  await drawTexts(
    canvas,
    lines.map((line, i) => {
      const free = textW - sizes[i]!.width;
      const shift = params.text_align === 'right' ? free : params.text_align === 'center' ? free / 2 : 0;
      return {
        text: line,
        x: x0 + padding + shift,
        y: y0 + padding + i * lineHeight + Math.round(fontPx * 0.95),
        color: textColor,
        fontPx,
        bold: Number(params.font_thickness) >= 2,
      };
    }),
  );
  return canvas.toImage(image);
}

/** Filled (rounded) box blended at opacity. */
function fillBox(
  canvas: Canvas,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  radius: number,
  color: Rgb,
  opacity: number,
): void {
  if (radius < 1) return canvas.fillRect(x0, y0, x1, y1, color, opacity);
  if (opacity >= 1) return canvas.roundedRect(x0, y0, x1, y1, radius, color, true);
  const layer = new Canvas(new Uint8Array(canvas.pixels), canvas.width, canvas.height);
  layer.roundedRect(x0, y0, x1, y1, radius, color, true);
  const p = canvas.pixels;
  for (let i = 0; i < p.length; i++)
    if (layer.pixels[i] !== p[i]) p[i] = p[i]! * (1 - opacity) + layer.pixels[i]! * opacity + 0.5;
}

export const textDisplayV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/text_display@v1',
    humanName: 'Text Display',
    version: 'v1',
    blockType: 'visualization',
    shortDescription: 'Display customizable text on an image with styling and positioning options.',
    ui: { section: 'visualization', icon: 'far fa-text', blockPriority: 20 },
    properties: {
      image: selector(['image'], {
        title: 'Input Image',
        description: 'The image to draw on.',
        examples: ['$inputs.image'],
      }),
      text: literalOrSelector({ type: 'string' }, ['string'], {
        title: 'Text',
        description: 'Text to display, with optional {{ $parameters.name }} placeholders.',
        examples: ['Detected {{ $parameters.count }} objects'],
      }),
      text_parameters: selectorDict(['*'], {
        title: 'Text Parameters',
        description: 'Values for the placeholders.',
        default: {},
        examples: [{ count: '$steps.model.predictions' }],
      }),
      text_parameters_operations: literal(
        { type: 'object', additionalProperties: { type: 'array' } },
        {
          title: 'Text Parameters Operations',
          description: 'UQL operations applied to parameter values before substitution.',
          default: {},
        },
      ),
      text_color: str('Text Color', 'Colour of the text: name, #RRGGBB, rgb(...) or bgr(...).', 'WHITE'),
      background_color: str('Background Color', 'Colour of the box behind the text, or "transparent".', 'BLACK'),
      background_opacity: num('Background Opacity', 'Opacity of the background box (0..1).', 1.0, 'float_zero_to_one'),
      font_scale: num('Font Scale', 'Text size multiplier.', 1.0, 'float'),
      font_thickness: num('Font Thickness', 'Stroke thickness of the text.', 2, 'integer', 'integer'),
      padding: num('Padding', 'Space between the text and the box edge (pixels).', 10, 'integer', 'integer'),
      text_align: str('Text Align', 'Horizontal alignment of the lines.', 'left', {
        enum: ['left', 'center', 'right'],
      }),
      border_radius: num('Border Radius', 'Corner radius of the background box (pixels).', 0, 'integer', 'integer'),
      position_mode: str(
        'Position Mode',
        'Place the box by anchor (relative) or by pixel position (absolute).',
        'relative',
        { enum: ['relative', 'absolute'] },
      ),
      position_x: num('Position X', 'Left edge of the box in absolute mode (pixels).', 10, 'integer', 'integer'),
      position_y: num('Position Y', 'Top edge of the box in absolute mode (pixels).', 10, 'integer', 'integer'),
      anchor: str('Anchor', 'Where the box sits in relative mode.', 'top_left', { enum: [...ANCHORS] }),
      offset_x: num('Offset X', 'Horizontal distance from the anchor (pixels).', 10, 'integer', 'integer'),
      offset_y: num('Offset Y', 'Vertical distance from the anchor (pixels).', 10, 'integer', 'integer'),
    },
    required: ['image', 'text'],
    outputs: [{ name: 'image', kind: ['image'] }],
    executionEngineCompatibility: '>=1.4.0,<2.0.0',
  },
  async run(params, context) {
    const values = await transformParameters(
      params.text_parameters ?? {},
      params.text_parameters_operations,
      context.stepName,
      'text_parameters_operations',
    );
    const text = fillPlaceholders(String(params.text ?? ''), values);
    return { image: await renderText(text, params, context.stepName, params.image) };
  },
});
