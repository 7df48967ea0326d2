// Polygon of the largest connected region of a binary mask (outer boundary, Moore-neighbour tracing, collinear
// points dropped) — what Roboflow's serializer gets from OpenCV's external contours.

// Clockwise in image coordinates (y down): W, NW, N, NE, E, SE, S, SW.
const DX = [-1, -1, 0, 1, 1, 1, 0, -1];
const DY = [0, -1, -1, -1, 0, 1, 1, 1];

export interface MaskRegion {
  /** First pixel of the region in raster order (its west neighbour is background). */
  start: number;
  size: number;
}

/** The 8-connected foreground regions of a mask, in raster order of their first pixel. */
export function maskRegions(mask: Uint8Array, width: number, height: number): MaskRegion[] {
  const seen = new Uint8Array(mask.length);
  const queue = new Int32Array(mask.length);
  const regions: MaskRegion[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    seen[start] = 1;
    while (head < tail) {
      const p = queue[head++]!;
      const x = p % width;
      const y = (p - x) / width;
      for (let d = 0; d < 8; d++) {
        const nx = x + DX[d]!;
        const ny = y + DY[d]!;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const q = ny * width + nx;
        if (mask[q] && !seen[q]) {
          seen[q] = 1;
          queue[tail++] = q;
        }
      }
    }
    regions.push({ start, size: tail });
  }
  return regions;
}

/** First pixel of the largest region (the first of equals), -1 when the mask is empty. */
function largestComponent(mask: Uint8Array, width: number, height: number): number {
  let best: MaskRegion | null = null;
  for (const region of maskRegions(mask, width, height)) if (!best || region.size > best.size) best = region;
  return best ? best.start : -1;
}

/** Outer boundary of the largest region as [x0, y0, x1, y1, ...]; empty when the mask is empty. */
export function largestContour(mask: Uint8Array, width: number, height: number): number[] {
  const start = largestComponent(mask, width, height);
  return start < 0 ? [] : traceOuterBoundary(mask, width, height, start);
}

/** Outer boundary (0/1 mask) of the region whose first raster pixel is `start`, as [x0, y0, x1, y1, ...]. */
export function traceOuterBoundary(mask: Uint8Array, width: number, height: number, start: number): number[] {
  const sx = start % width;
  const sy = (start - sx) / width;
  const on = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x] === 1;
  const points: number[] = [sx, sy];
  let x = sx;
  let y = sy;
  let backtrack = 0; // west of the first pixel (raster order) is background
  let firstMove = -1;
  const limit = 4 * mask.length + 8;
  for (let steps = 0; steps < limit; steps++) {
    let move = -1;
    for (let i = 1; i <= 8; i++) {
      const d = (backtrack + i) % 8;
      if (on(x + DX[d]!, y + DY[d]!)) {
        move = d;
        break;
      }
    }
    if (move < 0) break; // isolated pixel
    if (x === sx && y === sy && move === firstMove) break;
    if (firstMove < 0) firstMove = move;
    x += DX[move]!;
    y += DY[move]!;
    backtrack = (move % 2 === 0 ? move + 6 : move + 5) % 8;
    points.push(x, y);
  }
  if (points.length > 2 && points[points.length - 2] === sx && points[points.length - 1] === sy) points.length -= 2;
  return simplify(points);
}

function simplify(points: number[]): number[] {
  const n = points.length / 2;
  if (n < 3) return points;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = (i + n - 1) % n;
    const q = (i + 1) % n;
    const ax = points[i * 2]! - points[p * 2]!;
    const ay = points[i * 2 + 1]! - points[p * 2 + 1]!;
    const bx = points[q * 2]! - points[i * 2]!;
    const by = points[q * 2 + 1]! - points[i * 2 + 1]!;
    if (ax * by - ay * bx !== 0 || ax * bx + ay * by < 0) out.push(points[i * 2]!, points[i * 2 + 1]!);
  }
  return out.length ? out : points.slice(0, 2);
}
