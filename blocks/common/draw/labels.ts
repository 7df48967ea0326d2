// Text labels in boxes, placed around an anchor the way supervision's LabelAnnotator places them.
import type { Rgb } from '../color.ts';
import type { Canvas, Point } from './canvas.ts';
import { drawTexts, measureText, type TextItem } from './text.ts';

export const POSITIONS = [
  'CENTER',
  'CENTER_LEFT',
  'CENTER_RIGHT',
  'TOP_CENTER',
  'TOP_LEFT',
  'TOP_RIGHT',
  'BOTTOM_LEFT',
  'BOTTOM_CENTER',
  'BOTTOM_RIGHT',
  'CENTER_OF_MASS',
] as const;
export type Position = (typeof POSITIONS)[number];

/** The point of a box that a position names (CENTER_OF_MASS falls back to the centre without a mask). */
export function boxAnchor(box: readonly number[], position: string): Point {
  const [x0, y0, x1, y1] = box as [number, number, number, number];
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  switch (position) {
    case 'TOP_LEFT':
      return [x0, y0];
    case 'TOP_CENTER':
      return [cx, y0];
    case 'TOP_RIGHT':
      return [x1, y0];
    case 'CENTER_LEFT':
      return [x0, cy];
    case 'CENTER_RIGHT':
      return [x1, cy];
    case 'BOTTOM_LEFT':
      return [x0, y1];
    case 'BOTTOM_CENTER':
      return [cx, y1];
    case 'BOTTOM_RIGHT':
      return [x1, y1];
    default:
      return [cx, cy];
  }
}

/** Centroid of a 0/1 mask of the given width, or null when empty. */
export function maskCentroid(mask: Uint8Array, width: number): Point | null {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    sx += i % width;
    sy += (i / width) | 0;
    n++;
  }
  return n ? [sx / n, sy / n] : null;
}

/** Where a label box of size w x h goes relative to its anchor (it grows away from the box it labels). */
export function labelRect(anchor: Point, w: number, h: number, position: string): [number, number, number, number] {
  const [ax, ay] = anchor;
  switch (position) {
    case 'TOP_LEFT':
      return [ax, ay - h, ax + w, ay];
    case 'TOP_CENTER':
      return [ax - w / 2, ay - h, ax + w / 2, ay];
    case 'TOP_RIGHT':
      return [ax - w, ay - h, ax, ay];
    case 'CENTER_LEFT':
      return [ax - w, ay - h / 2, ax, ay + h / 2];
    case 'CENTER_RIGHT':
      return [ax, ay - h / 2, ax + w, ay + h / 2];
    case 'BOTTOM_LEFT':
      return [ax, ay, ax + w, ay + h];
    case 'BOTTOM_CENTER':
      return [ax - w / 2, ay, ax + w / 2, ay + h];
    case 'BOTTOM_RIGHT':
      return [ax - w, ay, ax, ay + h];
    default:
      return [ax - w / 2, ay - h / 2, ax + w / 2, ay + h / 2];
  }
}

export interface Label {
  text: string;
  anchor: Point;
  position: string;
  background: Rgb | null;
  textColor: Rgb;
}

export interface LabelStyle {
  fontPx: number;
  padding: number;
  borderRadius?: number;
  bold?: boolean;
  backgroundOpacity?: number;
}

/** Draws label backgrounds (in order) then all their texts in one render. Returns the label rectangles. */
export async function drawLabels(
  canvas: Canvas,
  labels: readonly Label[],
  style: LabelStyle,
): Promise<Array<[number, number, number, number]>> {
  const items: TextItem[] = [];
  const rects: Array<[number, number, number, number]> = [];
  for (const label of labels) {
    const size = await measureText(label.text, style.fontPx);
    const w = size.width + 2 * style.padding;
    const h = size.height + 2 * style.padding;
    const [x0, y0, x1, y1] = labelRect(label.anchor, w, h, label.position).map(Math.round) as [
      number,
      number,
      number,
      number,
    ];
    rects.push([x0, y0, x1, y1]);
    if (label.background) {
      const opacity = style.backgroundOpacity ?? 1;
      if (style.borderRadius && opacity >= 1)
        canvas.roundedRect(x0, y0, x1, y1, style.borderRadius, label.background, true);
      else canvas.fillRect(x0, y0, x1, y1, label.background, opacity);
    }
    items.push({
      text: label.text,
      x: x0 + style.padding,
      y: y1 - style.padding,
      color: label.textColor,
      fontPx: style.fontPx,
      bold: style.bold,
    });
  }
  await drawTexts(canvas, items);
  return rects;
}
