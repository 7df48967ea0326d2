// roboflow_core/rich_label_visualization@v1: labels with a chosen font family, manual or automatic size,
// optional line wrapping and rounded backgrounds. Font names are Roboflow's 20 display names (legacy snake_case
// ids accepted and normalized); glyphs are drawn with the system's DejaVu Sans whatever the family (Roboflow
// bundles the 20 fonts; we do not), so text metrics differ while layout, sizes and colours follow Roboflow.
import { WorkflowExecutionEngineError, literalOrSelector, type Detections } from '../../engine/index.ts';
import { requireColor } from '../common/color.ts';
import {
  boxAnchor,
  drawTexts,
  labelRect,
  maskCentroid,
  measureText,
  POSITIONS,
  type TextItem,
} from '../common/draw/index.ts';
import { colorProperty, defineVisualization, detectionColors, enumProperty, intProperty } from './common.ts';

const FONTS: Record<string, string> = {
  geist_mono: 'Geist Mono',
  geist: 'Geist',
  jetbrains_mono: 'JetBrains Mono',
  ibm_plex_mono: 'IBM Plex Mono',
  source_code_pro: 'Source Code Pro',
  space_mono: 'Space Mono',
  roboto_mono: 'Roboto Mono',
  inter: 'Inter',
  open_sans: 'Open Sans',
  noto_sans: 'Noto Sans',
  fira_code: 'Fira Code',
  inconsolata: 'Inconsolata',
  anonymous_pro: 'Anonymous Pro',
  pt_mono: 'PT Mono',
  courier_prime: 'Courier Prime',
  roboto: 'Roboto',
  lato: 'Lato',
  montserrat: 'Montserrat',
  work_sans: 'Work Sans',
  nunito_sans: 'Nunito Sans',
};
export const FONT_DISPLAY_NAMES = Object.values(FONTS).sort();

const TEXT_CHOICES = [
  'Class',
  'Confidence',
  'Class and Confidence',
  'Index',
  'Dimensions',
  'Area',
  'Area (mask)',
  'Area (converted)',
  'Tracker Id',
  'Time In Zone',
] as const;

/** The display name of a font given by display name or legacy id, or null when unknown. */
export function normalizeFont(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (FONT_DISPLAY_NAMES.includes(value)) return value;
  return FONTS[value] ?? null;
}

function maskArea(detections: Detections, i: number): number | null {
  const mask = detections.masks?.[i];
  if (!mask) return null;
  let n = 0;
  for (let k = 0; k < mask.length; k++) n += mask[k] ? 1 : 0;
  return n;
}

/** Roboflow's label texts (label_text.build_detection_labels); any other string names a data column. */
export function richLabelText(detections: Detections, i: number, choice: string, step: string): string {
  const [x0, y0, x1, y1] = detections.box(i);
  const c = detections.confidence[i]!;
  const className = String(detections.get('class_name', i) ?? detections.classId[i]);
  switch (choice) {
    case 'Class':
      return className;
    case 'Confidence':
      return c.toFixed(2);
    case 'Class and Confidence':
      return `${className} ${c.toFixed(2)}`;
    case 'Index':
      return String(i);
    case 'Dimensions':
      return `${Math.trunc((x0 + x1) / 2)}, ${Math.trunc((y0 + y1) / 2)} ${Math.trunc(x1 - x0)}x${Math.trunc(y1 - y0)}`;
    case 'Area':
      return String(Math.trunc((x1 - x0) * (y1 - y0)));
    case 'Area (mask)': {
      const a = maskArea(detections, i);
      return a === null ? 'Area (mask): N/A' : `Area (mask): ${a.toFixed(2)}`;
    }
    case 'Area (converted)': {
      const a = detections.get<number>('area_converted', i);
      return typeof a === 'number' ? `Area (conv): ${a.toFixed(2)}` : 'Area (conv): N/A';
    }
    case 'Tracker Id':
      return detections.trackerId ? String(detections.trackerId[i]) : 'No Tracker ID';
    case 'Time In Zone': {
      const t = detections.get<number>('time_in_zone', i);
      return typeof t === 'number' && t ? `In zone: ${Math.round(t * 100) / 100}s` : 'In zone: N/A';
    }
  }
  const column = detections.column(choice);
  if (!column) {
    throw new WorkflowExecutionEngineError(`Step ${step}: Invalid text type: ${choice}`);
  }
  const v = column[i];
  return v ? String(v) : '';
}

/** Splits text into lines of at most `max` characters (words kept whole where they fit). */
export function wrapText(text: string, max: number | null): string[] {
  if (!max || text.length <= max) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let w = word;
    while (w.length > max) {
      if (line) (lines.push(line), (line = ''));
      lines.push(w.slice(0, max));
      w = w.slice(max);
    }
    if (!line) line = w;
    else if (line.length + 1 + w.length <= max) line += ` ${w}`;
    else (lines.push(line), (line = w));
  }
  if (line) lines.push(line);
  return lines;
}

export const richLabelVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/rich_label_visualization@v1',
    humanName: 'Rich Label Visualization',
    shortDescription: 'Draw labels with a chosen font, size, wrapping and rounded backgrounds.',
    icon: 'far fa-text',
    blockPriority: 2,
    colorable: true,
    properties: {
      text: literalOrSelector({ type: 'string', enum: [...TEXT_CHOICES] }, ['string'], {
        title: 'Text',
        description: 'What each label shows (a selector may also name a detections data field).',
        default: 'Class',
        examples: ['Class', '$inputs.text'],
      }),
      text_position: enumProperty('Text Position', 'Anchor of the label on its box.', POSITIONS, 'TOP_LEFT'),
      text_color: colorProperty('Text Color', 'Colour of the text.', 'WHITE'),
      font_family: literalOrSelector(
        [
          { type: 'string', enum: FONT_DISPLAY_NAMES },
          { type: 'string', enum: Object.keys(FONTS) },
        ],
        ['string'],
        { title: 'Font Family', description: 'Font of the labels.', default: 'Geist Mono', examples: ['Geist Mono'] },
      ),
      text_size_mode: enumProperty(
        'Text Size Mode',
        'Manual: font_size as given; Automatic: scaled with the image (font_size at 1080 px).',
        ['Manual', 'Automatic'],
        'Manual',
      ),
      font_size: intProperty('Font Size', 'Font size.', 14, { minimum: 1 }),
      text_padding: intProperty('Text Padding', 'Padding around the text in pixels.', 10),
      border_radius: intProperty('Border Radius', 'Radius of the label corners in pixels.', 0),
      max_line_length: literalOrSelector([{ type: 'integer', minimum: 1 }, { type: 'null' }], ['integer'], {
        title: 'Max Line Length',
        description: 'Wrap label text after this many characters (null: no wrapping).',
        default: null,
      }),
    },
  },
  async (canvas, params, context) => {
    const step = context.stepName;
    const font = normalizeFont(params.font_family ?? 'Geist Mono');
    if (!font) {
      throw new WorkflowExecutionEngineError(
        `Step ${step}: font_family ${JSON.stringify(params.font_family)} is not a supported font; supported: ${FONT_DISPLAY_NAMES.join(', ')}.`,
      );
    }
    const detections = params.predictions!;
    if (detections.length === 0) return;
    const textColor = requireColor(params.text_color ?? 'WHITE', step, 'text_color');
    const colors = detectionColors(params, detections, step);
    const position = String(params.text_position ?? 'TOP_LEFT');
    const base = Number(params.font_size ?? 14);
    const fontPx =
      params.text_size_mode === 'Automatic'
        ? Math.min(128, Math.max(8, Math.round((base * Math.min(canvas.width, canvas.height)) / 1080)))
        : base;
    const padding = Number(params.text_padding ?? 10);
    const radius = Number(params.border_radius ?? 0);
    const maxLine = params.max_line_length == null ? null : Number(params.max_line_length);
    const lineGap = Math.round(fontPx * 0.35);
    const items: TextItem[] = [];
    for (let i = 0; i < detections.length; i++) {
      const lines = wrapText(richLabelText(detections, i, String(params.text ?? 'Class'), step), maxLine);
      const sizes = await Promise.all(lines.map((l) => measureText(l, fontPx)));
      const textW = Math.max(...sizes.map((s) => s.width));
      const lineH = sizes[0]!.height + sizes[0]!.descent;
      const textH = lines.length * lineH + (lines.length - 1) * lineGap;
      let anchor = boxAnchor(detections.box(i), position);
      if (position === 'CENTER_OF_MASS' && detections.masks && detections.maskShape) {
        anchor = maskCentroid(detections.masks[i]!, detections.maskShape[1]) ?? anchor;
      }
      const [x0, y0, x1, y1] = labelRect(anchor, textW + 2 * padding, textH + 2 * padding, position).map(
        Math.round,
      ) as [number, number, number, number];
      if (radius > 0) canvas.roundedRect(x0, y0, x1, y1, radius, colors[i]!, true);
      else canvas.fillRect(x0, y0, x1, y1, colors[i]!);
      lines.forEach((text, k) => {
        const baseline = y0 + padding + k * (lineH + lineGap) + sizes[k]!.height;
        items.push({ text, x: x0 + padding, y: baseline, color: textColor, fontPx });
      });
    }
    await drawTexts(canvas, items);
  },
);
