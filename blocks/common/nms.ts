// Greedy non-maximum suppression over xyxy boxes held in flat arrays (4 numbers a box), shared by the YOLO
// decoder and the blocks that suppress overlaps in Detections.

/** IoU of box ai of `a` and box bi of `b` (the same array for boxes of one set). */
export function iou(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number): number {
  const x0 = Math.max(a[ai * 4]!, b[bi * 4]!);
  const y0 = Math.max(a[ai * 4 + 1]!, b[bi * 4 + 1]!);
  const x1 = Math.min(a[ai * 4 + 2]!, b[bi * 4 + 2]!);
  const y1 = Math.min(a[ai * 4 + 3]!, b[bi * 4 + 3]!);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  if (inter <= 0) return 0;
  const areaA = (a[ai * 4 + 2]! - a[ai * 4]!) * (a[ai * 4 + 3]! - a[ai * 4 + 1]!);
  const areaB = (b[bi * 4 + 2]! - b[bi * 4]!) * (b[bi * 4 + 3]! - b[bi * 4 + 1]!);
  return inter / (areaA + areaB - inter);
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
      if (iou(boxes, k, boxes, candidate) > iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push(candidate);
  }
  return kept;
}
