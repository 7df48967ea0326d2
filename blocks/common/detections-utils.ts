// Geometry and metadata helpers over Detections shared by transformation and fusion blocks.
import { randomUUID } from 'node:crypto';
import { Detections } from '../../engine/index.ts';
import { iou, nonMaxSuppression } from './nms.ts';

export const newDetectionId = (): string => randomUUID();

export { iou };

export function boxArea(xyxy: ArrayLike<number>, i: number): number {
  return (xyxy[i * 4 + 2]! - xyxy[i * 4]!) * (xyxy[i * 4 + 3]! - xyxy[i * 4 + 1]!);
}

/** Indices by descending confidence (stable). */
function byConfidence(d: Detections): number[] {
  return Array.from({ length: d.length }, (_, i) => i).sort((a, b) => d.confidence[b]! - d.confidence[a]!);
}

/** Greedy non-maximum suppression; class-aware unless `classAgnostic`. Kept detections stay in their order. */
export function nms(d: Detections, iouThreshold: number, classAgnostic = false): Detections {
  const keep = nonMaxSuppression(d.xyxy, d.classId, byConfidence(d), iouThreshold, classAgnostic).sort((a, b) => a - b);
  return keep.length === d.length ? d : d.select(keep);
}

/**
 * Non-maximum merge: overlapping boxes of a class fold into the most confident one, whose box grows to the
 * union and whose confidence becomes the area-weighted mean.
 */
export function nmm(d: Detections, iouThreshold: number, classAgnostic = false): Detections {
  const order = byConfidence(d);
  const merged = new Uint8Array(d.length);
  const keep: number[] = [];
  const xyxy = new Float32Array(d.xyxy);
  const confidence = new Float32Array(d.confidence);
  for (const i of order) {
    if (merged[i]) continue;
    keep.push(i);
    for (const j of order) {
      if (j === i || merged[j]) continue;
      if (!classAgnostic && d.classId[j] !== d.classId[i]) continue;
      if (iou(xyxy, i, d.xyxy, j) <= iouThreshold) continue;
      merged[j] = 1;
      const areaI = boxArea(xyxy, i);
      const areaJ = boxArea(d.xyxy, j);
      confidence[i] = (areaI * confidence[i]! + areaJ * d.confidence[j]!) / Math.max(areaI + areaJ, 1e-9);
      xyxy[i * 4] = Math.min(xyxy[i * 4]!, d.xyxy[j * 4]!);
      xyxy[i * 4 + 1] = Math.min(xyxy[i * 4 + 1]!, d.xyxy[j * 4 + 1]!);
      xyxy[i * 4 + 2] = Math.max(xyxy[i * 4 + 2]!, d.xyxy[j * 4 + 2]!);
      xyxy[i * 4 + 3] = Math.max(xyxy[i * 4 + 3]!, d.xyxy[j * 4 + 3]!);
    }
  }
  keep.sort((a, b) => a - b);
  return d.with({ xyxy, confidence }).select(keep);
}

/** Same value in every row of a column. */
export function fill<T>(n: number, value: T): T[] {
  return Array.from({ length: n }, () => (Array.isArray(value) ? ([...value] as T) : value));
}

/** Moves boxes (and masks, keypoints) by (dx, dy) into a frame of the given size. */
export function translate(
  d: Detections,
  dx: number,
  dy: number,
  frame?: { width: number; height: number },
): Detections {
  const xyxy = new Float32Array(d.xyxy);
  for (let i = 0; i < d.length; i++) {
    xyxy[i * 4] += dx;
    xyxy[i * 4 + 1] += dy;
    xyxy[i * 4 + 2] += dx;
    xyxy[i * 4 + 3] += dy;
  }
  const data: Record<string, unknown[]> = {};
  const keypoints = d.column<number[][]>('keypoints_xy');
  if (keypoints) data.keypoints_xy = keypoints.map((points) => points?.map(([x, y]) => [x! + dx, y! + dy]));
  let masks = d.masks;
  let maskShape = d.maskShape;
  if (masks && maskShape && frame) {
    masks = masks.map((m) => moveMask(m, maskShape!, dx, dy, frame));
    maskShape = [frame.height, frame.width];
  }
  return d.with({ xyxy, data, masks, maskShape });
}

function moveMask(
  mask: Uint8Array,
  [h, w]: readonly [number, number],
  dx: number,
  dy: number,
  frame: { width: number; height: number },
): Uint8Array {
  const out = new Uint8Array(frame.width * frame.height);
  const ox = Math.round(dx);
  const oy = Math.round(dy);
  for (let y = 0; y < h; y++) {
    const ty = y + oy;
    if (ty < 0 || ty >= frame.height) continue;
    for (let x = 0; x < w; x++) {
      const tx = x + ox;
      if (tx >= 0 && tx < frame.width && mask[y * w + x]) out[ty * frame.width + tx] = 1;
    }
  }
  return out;
}
