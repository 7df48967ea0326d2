// Shared text assembly of stitch_ocr_detections@v1/@v2: characters/words detected as boxes (class name = text)
// are grouped into lines along the reading direction and joined.
import { Detections } from '../../engine/index.ts';

export type ReadingDirection = 'left_to_right' | 'right_to_left' | 'vertical_top_to_bottom' | 'vertical_bottom_to_top';
export const READING_DIRECTIONS: ReadingDirection[] = [
  'left_to_right',
  'right_to_left',
  'vertical_top_to_bottom',
  'vertical_bottom_to_top',
];

/** Lines as lists of detection indices, each ordered along the reading direction. */
export function groupIntoLines(d: Detections, direction: ReadingDirection, tolerance: number): number[][] {
  const horizontal = direction === 'left_to_right' || direction === 'right_to_left';
  // Lines stack across the reading axis: rows for horizontal text, columns for vertical text.
  const across = (i: number) =>
    horizontal ? (d.xyxy[i * 4 + 1]! + d.xyxy[i * 4 + 3]!) / 2 : (d.xyxy[i * 4]! + d.xyxy[i * 4 + 2]!) / 2;
  const along = (i: number) =>
    horizontal ? (d.xyxy[i * 4]! + d.xyxy[i * 4 + 2]!) / 2 : (d.xyxy[i * 4 + 1]! + d.xyxy[i * 4 + 3]!) / 2;
  const order = Array.from({ length: d.length }, (_, i) => i).sort((a, b) => across(a) - across(b));
  const lines: Array<{ center: number; members: number[] }> = [];
  for (const i of order) {
    const line = lines[lines.length - 1];
    if (line && Math.abs(across(i) - line.center) <= tolerance) {
      line.members.push(i);
      line.center = line.members.reduce((s, m) => s + across(m), 0) / line.members.length;
    } else lines.push({ center: across(i), members: [i] });
  }
  const reversed = direction === 'right_to_left' || direction === 'vertical_bottom_to_top';
  return lines.map(({ members }) => members.sort((a, b) => (reversed ? along(b) - along(a) : along(a) - along(b))));
}

export function stitchText(d: Detections, direction: ReadingDirection, tolerance: number, delimiter: string): string {
  const names = d.column<string>('class_name') ?? [];
  return groupIntoLines(d, direction, tolerance)
    .map((line) => line.map((i) => names[i] ?? '').join(delimiter))
    .join('\n');
}

/** Median box extent across the reading axis (used to derive a tolerance from the data). */
export function medianLineHeight(d: Detections, direction: ReadingDirection): number {
  const horizontal = direction === 'left_to_right' || direction === 'right_to_left';
  const sizes = Array.from({ length: d.length }, (_, i) =>
    horizontal ? d.xyxy[i * 4 + 3]! - d.xyxy[i * 4 + 1]! : d.xyxy[i * 4 + 2]! - d.xyxy[i * 4]!,
  ).sort((a, b) => a - b);
  return sizes.length ? sizes[Math.floor(sizes.length / 2)]! : 0;
}
