// LabelVisualization v1 and v2 share their fields and drawing; v2 only adds smart positioning.
import type { JsonSchema, StepContext } from '../../engine/index.ts';
import { requireColor } from '../common/color.ts';
import {
  boxAnchor,
  drawLabels,
  labelRect,
  maskCentroid,
  measureText,
  POSITIONS,
  PX_PER_TEXT_SCALE,
  type Canvas,
  type Label,
} from '../common/draw/index.ts';
import {
  colorProperty,
  detectionColors,
  enumProperty,
  floatProperty,
  intProperty,
  type VisualizationParams,
} from './common.ts';
import { LABEL_TEXT_CHOICES, labelText } from './label_text.ts';

export function labelProperties(): Record<string, JsonSchema> {
  return {
    text: enumProperty('Text', 'The type of text to display.', LABEL_TEXT_CHOICES, 'Class'),
    text_position: enumProperty('Text Position', 'The anchor position for placing the label.', POSITIONS, 'TOP_LEFT'),
    text_color: colorProperty('Text Color', 'Color of the text.', 'WHITE'),
    text_scale: floatProperty('Text Scale', 'Scale of the text.', 1.0),
    text_thickness: intProperty('Text Thickness', 'Thickness of the text characters.', 1),
    text_padding: intProperty('Text Padding', 'Padding around the text in pixels.', 10),
    border_radius: intProperty('Border Radius', 'Radius of the label corners in pixels.', 0),
  };
}

/** Moves overlapping labels down (then up) until they no longer overlap earlier ones or leave the image. */
function separate(
  rects: Array<[number, number, number, number]>,
  width: number,
  height: number,
): Array<[number, number]> {
  const placed: Array<[number, number, number, number]> = [];
  const shifts: Array<[number, number]> = [];
  for (const [x0, y0, x1, y1] of rects) {
    let dx = Math.max(-x0, Math.min(0, width - x1));
    let dy = Math.max(-y0, Math.min(0, height - y1));
    const h = y1 - y0;
    for (let attempt = 0; attempt < 20; attempt++) {
      const hit = placed.find((p) => x0 + dx < p[2] && x1 + dx > p[0] && y0 + dy < p[3] && y1 + dy > p[1]);
      if (!hit) break;
      const down = hit[3] - (y0 + dy);
      dy = y1 + dy + down <= height ? dy + down : dy - h;
    }
    shifts.push([dx, dy]);
    placed.push([x0 + dx, y0 + dy, x1 + dx, y1 + dy]);
  }
  return shifts;
}

export async function drawDetectionLabels(
  canvas: Canvas,
  params: VisualizationParams,
  context: StepContext,
  smartPosition: boolean,
): Promise<void> {
  const detections = params.predictions!;
  if (detections.length === 0) return;
  const colors = detectionColors(params, detections, context.stepName);
  const textColor = requireColor(params.text_color ?? 'WHITE', context.stepName, 'text_color');
  const position = String(params.text_position ?? 'TOP_LEFT');
  const choice = String(params.text ?? 'Class');
  const labels: Label[] = [];
  for (let i = 0; i < detections.length; i++) {
    const box = detections.box(i);
    let anchor = boxAnchor(box, position);
    if (position === 'CENTER_OF_MASS' && detections.masks && detections.maskShape) {
      anchor = maskCentroid(detections.masks[i]!, detections.maskShape[1]) ?? anchor;
    }
    labels.push({ text: labelText(detections, i, choice), anchor, position, background: colors[i]!, textColor });
  }
  const style = {
    fontPx: PX_PER_TEXT_SCALE * Number(params.text_scale ?? 1),
    padding: Number(params.text_padding ?? 10),
    borderRadius: Number(params.border_radius ?? 0),
    bold: Number(params.text_thickness ?? 1) >= 2,
  };
  if (smartPosition) {
    // Measure first (draw nothing), then shift the anchors so labels stay inside and apart.
    const rects: Array<[number, number, number, number]> = [];
    for (const label of labels) {
      const size = await measureText(label.text, style.fontPx);
      rects.push(labelRect(label.anchor, size.width + 2 * style.padding, size.height + 2 * style.padding, position));
    }
    separate(rects, canvas.width, canvas.height).forEach(([dx, dy], i) => {
      const label = labels[i]!;
      label.anchor = [label.anchor[0] + dx, label.anchor[1] + dy];
    });
  }
  await drawLabels(canvas, labels, style);
}
