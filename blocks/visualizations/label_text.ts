// The text a label shows for one detection (LabelVisualization's `text` choices).
import type { Detections } from '../../engine/index.ts';

export const LABEL_TEXT_CHOICES = [
  'Class',
  'Confidence',
  'Class and Confidence',
  'Index',
  'Dimensions',
  'Area',
  'Tracker Id',
  'Time In Zone',
] as const;

function maskArea(detections: Detections, i: number): number | null {
  const mask = detections.masks?.[i];
  if (!mask) return null;
  let n = 0;
  for (let k = 0; k < mask.length; k++) n += mask[k]! ? 1 : 0;
  return n;
}

export function labelText(detections: Detections, i: number, choice: string): string {
  const className = String(detections.get('class_name', i) ?? detections.classId[i]);
  const confidence = detections.confidence[i]!;
  const [x0, y0, x1, y1] = detections.box(i);
  switch (choice) {
    case 'Confidence':
      return confidence.toFixed(2);
    case 'Class and Confidence':
      return `${className} ${confidence.toFixed(2)}`;
    case 'Index':
      return String(i);
    case 'Dimensions':
      return `${Math.trunc(x1 - x0)} x ${Math.trunc(y1 - y0)}`;
    case 'Area':
      return String(maskArea(detections, i) ?? Math.trunc((x1 - x0) * (y1 - y0)));
    case 'Tracker Id':
      return detections.trackerId ? String(detections.trackerId[i]) : '';
    case 'Time In Zone': {
      const t = detections.get<number>('time_in_zone', i);
      return typeof t === 'number' ? `In zone: ${t.toFixed(2)}s` : 'In zone: N/A';
    }
    default:
      return className;
  }
}
