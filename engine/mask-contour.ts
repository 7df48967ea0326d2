// Polygon serialization of full-image masks, the hot part of segmentation responses: the contour search only
// needs the rectangle holding the mask's nonzero bytes (a detection covering 1% of the image costs ~1% of it),
// and the largest region is found by labelling runs of pixels instead of a flood fill visiting every pixel.
import { traceOuterBoundary } from './contour.ts';

export interface MaskBounds {
  left: number;
  top: number;
  /** Exclusive. */
  right: number;
  bottom: number;
}

/** Index of the first nonzero byte at or after `from` (words of 4 bytes skipped at once), -1 if none. */
function firstNonzero(mask: Uint8Array, from: number): number {
  let i = from;
  if (mask.byteOffset % 4 === 0) {
    while (i < mask.length && i % 4 !== 0) if (mask[i++]) return i - 1;
    const words = new Uint32Array(mask.buffer, mask.byteOffset, mask.length >> 2);
    let w = i >> 2;
    while (w < words.length && words[w] === 0) w++;
    i = w << 2;
  }
  for (; i < mask.length; i++) if (mask[i]) return i;
  return -1;
}

/** Index of the last nonzero byte (words of 4 bytes skipped at once), -1 if none. */
function lastNonzero(mask: Uint8Array): number {
  let i = mask.length - 1;
  if (mask.byteOffset % 4 === 0) {
    const wordCount = mask.length >> 2;
    for (; i >= wordCount << 2; i--) if (mask[i]) return i;
    const words = new Uint32Array(mask.buffer, mask.byteOffset, wordCount);
    let w = wordCount - 1;
    while (w >= 0 && words[w] === 0) w--;
    i = (w << 2) + 3;
  }
  for (; i >= 0; i--) if (mask[i]) return i;
  return -1;
}

/** The smallest rectangle holding every nonzero byte of a width x height mask; null for an empty mask. */
export function maskBounds(mask: Uint8Array, width: number, height: number): MaskBounds | null {
  const first = firstNonzero(mask, 0);
  if (first < 0 || width <= 0 || height <= 0) return null;
  const top = Math.floor(first / width);
  const bottom = Math.floor(lastNonzero(mask) / width) + 1;
  let left = first - top * width;
  let right = left + 1;
  for (let y = top; y < bottom; y++) {
    const row = y * width;
    for (let x = 0; x < left; x++) {
      if (mask[row + x]) {
        left = x;
        break;
      }
    }
    for (let x = width - 1; x >= right; x--) {
      if (mask[row + x]) {
        right = x + 1;
        break;
      }
    }
  }
  return { left, top, right, bottom };
}

/**
 * First pixel (raster order) of the largest 8-connected region of nonzero bytes, the first of equals; -1 when
 * empty. Same answer as a flood fill over the mask, from runs of consecutive pixels joined with union-find.
 */
export function largestRegionStart(mask: Uint8Array, width: number, height: number): number {
  const runStart: number[] = []; // pixel index of each run's first pixel; runs are numbered in raster order
  const runLength: number[] = [];
  const parent: number[] = [];
  const find = (r: number): number => {
    while (parent[r] !== r) {
      parent[r] = parent[parent[r]!]!;
      r = parent[r]!;
    }
    return r;
  };
  // The earlier run stays the root, so a root is the run holding its region's first pixel.
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra < rb) parent[rb] = ra;
    else if (rb < ra) parent[ra] = rb;
  };
  let previousFirst = 0;
  let previousEnd = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const rowFirst = runStart.length;
    let above = previousFirst;
    for (let x = 0; x < width;) {
      if (!mask[row + x]) {
        x++;
        continue;
      }
      const x0 = x;
      while (x < width && mask[row + x]) x++;
      const run = runStart.length;
      runStart.push(row + x0);
      runLength.push(x - x0);
      parent.push(run);
      // Runs above touching [x0 - 1, x] (diagonals included) join this one.
      while (above < previousEnd && runStart[above]! - (row - width) + runLength[above]! < x0) above++;
      for (let a = above; a < previousEnd && runStart[a]! - (row - width) <= x; a++) union(a, run);
    }
    previousFirst = rowFirst;
    previousEnd = runStart.length;
  }
  const size = new Map<number, number>();
  for (let r = 0; r < runStart.length; r++) {
    const root = find(r);
    size.set(root, (size.get(root) ?? 0) + runLength[r]!);
  }
  let best = -1;
  let bestSize = 0;
  for (const [root, n] of size) {
    if (n > bestSize || (n === bestSize && root < best)) {
      best = root;
      bestSize = n;
    }
  }
  return best < 0 ? -1 : runStart[best]!;
}

/**
 * largestContour(mask, width, height) of a 0/1 mask, computed on its nonzero rectangle only. Same points: outside
 * the rectangle every byte is 0, which is what the contour search assumes beyond the image edge.
 */
export function boundedLargestContour(mask: Uint8Array, width: number, height: number): number[] {
  const bounds = maskBounds(mask, width, height);
  if (!bounds) return [];
  const { left, top, right, bottom } = bounds;
  const w = right - left;
  const h = bottom - top;
  let crop = mask;
  if (w !== width || h !== height) {
    crop = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) crop.set(mask.subarray((top + y) * width + left, (top + y) * width + right), y * w);
  }
  const start = largestRegionStart(crop, w, h);
  if (start < 0) return [];
  const points = traceOuterBoundary(crop, w, h, start);
  for (let k = 0; k < points.length; k += 2) {
    points[k]! += left;
    points[k + 1]! += top;
  }
  return points;
}
