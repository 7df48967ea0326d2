// Greedy non-maximum suppression over xyxy boxes held in a Float32Array.

export function iou(boxes: Float32Array, a: number, b: number): number {
  const ax0 = boxes[a * 4]!, ay0 = boxes[a * 4 + 1]!, ax1 = boxes[a * 4 + 2]!, ay1 = boxes[a * 4 + 3]!;
  const bx0 = boxes[b * 4]!, by0 = boxes[b * 4 + 1]!, bx1 = boxes[b * 4 + 2]!, by1 = boxes[b * 4 + 3]!;
  const iw = Math.min(ax1, bx1) - Math.max(ax0, bx0);
  const ih = Math.min(ay1, by1) - Math.max(ay0, by0);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Indices (into `order`'s boxes) kept by NMS. `order` must list candidates by decreasing confidence; a
 * candidate is dropped when it overlaps a kept one of the same class (any class if agnostic) by IoU > threshold.
 */
export function nonMaxSuppression(
  boxes: Float32Array,
  classIds: Int32Array,
  order: readonly number[],
  iouThreshold: number,
  classAgnostic: boolean,
  limit = Infinity,
): number[] {
  const kept: number[] = [];
  for (const candidate of order) {
    if (kept.length >= limit) break;
    let suppressed = false;
    for (const k of kept) {
      if (!classAgnostic && classIds[k] !== classIds[candidate]) continue;
      if (iou(boxes, k, candidate) > iouThreshold) { suppressed = true; break; }
    }
    if (!suppressed) kept.push(candidate);
  }
  return kept;
}
