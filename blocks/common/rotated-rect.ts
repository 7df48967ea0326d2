// Minimum-area rotated rectangles around text regions, so tilted lines are cropped along their own axis.

/** A rectangle centred at (cx, cy) whose `width` runs along the unit vector (ux, uy) and `height` along (-uy, ux). */
export interface RotatedRect {
  cx: number;
  cy: number;
  width: number;
  height: number;
  ux: number;
  uy: number;
}

/** Convex hull (Andrew's monotone chain) of points given as a flat [x0, y0, x1, y1, ...] array, counter-clockwise. */
export function convexHull(flat: readonly number[]): Array<[number, number]> {
  const points: Array<[number, number]> = [];
  for (let i = 0; i < flat.length; i += 2) points.push([flat[i]!, flat[i + 1]!]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (points.length < 3) return points;
  const cross = (o: [number, number], a: [number, number], b: [number, number]) =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Array<[number, number]> = [];
  for (const p of points) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Array<[number, number]> = [];
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/**
 * Smallest-area enclosing rectangle of a convex hull: one of its sides lies on a hull edge, so try each edge.
 * The result's width axis is the side closest to horizontal, pointing right.
 */
export function minAreaRect(hull: ReadonlyArray<[number, number]>): RotatedRect {
  let best: RotatedRect | null = null;
  let bestArea = Infinity;
  const n = hull.length;
  for (let i = 0; i < n; i++) {
    const [ax, ay] = hull[i]!;
    const [bx, by] = hull[(i + 1) % n]!;
    const length = Math.hypot(bx - ax, by - ay);
    if (length === 0) continue;
    const ux = (bx - ax) / length;
    const uy = (by - ay) / length;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const [px, py] of hull) {
      const u = px * ux + py * uy;
      const v = -px * uy + py * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, width: maxU - minU, height: maxV - minV, ux, uy };
    }
  }
  if (!best) {
    const [x, y] = hull[0] ?? [0, 0];
    return { cx: x, cy: y, width: 0, height: 0, ux: 1, uy: 0 };
  }
  return towardsHorizontal(best);
}

/** Same rectangle, described with the axis closest to horizontal as its width axis, pointing right. */
function towardsHorizontal(rect: RotatedRect): RotatedRect {
  let { ux, uy, width, height } = rect;
  if (Math.abs(uy) > Math.abs(ux)) {
    // Swap axes: the old height axis (-uy, ux) becomes the width axis.
    [ux, uy] = [-uy, ux];
    [width, height] = [height, width];
  }
  if (ux < 0) {
    ux = -ux;
    uy = -uy;
  }
  return { ...rect, ux, uy, width, height };
}

/** Corners clockwise from the top-left (in image coordinates, y down). */
export function rectCorners(rect: RotatedRect): Array<[number, number]> {
  const hx = (rect.width / 2) * rect.ux;
  const hy = (rect.width / 2) * rect.uy;
  const vx = (rect.height / 2) * -rect.uy;
  const vy = (rect.height / 2) * rect.ux;
  return [
    [rect.cx - hx - vx, rect.cy - hy - vy],
    [rect.cx + hx - vx, rect.cy + hy - vy],
    [rect.cx + hx + vx, rect.cy + hy + vy],
    [rect.cx - hx + vx, rect.cy - hy + vy],
  ];
}

/** Mean of `map` over the pixels whose centres fall inside the rectangle (0 when none). */
export function meanInRect(map: Float32Array, width: number, height: number, rect: RotatedRect): number {
  const corners = rectCorners(rect);
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys)));
  const halfW = rect.width / 2;
  const halfH = rect.height / 2;
  let sum = 0;
  let count = 0;
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - rect.cy;
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - rect.cx;
      const u = dx * rect.ux + dy * rect.uy;
      const v = -dx * rect.uy + dy * rect.ux;
      if (Math.abs(u) <= halfW && Math.abs(v) <= halfH) {
        sum += map[y * width + x]!;
        count++;
      }
    }
  }
  return count > 0 ? sum / count : 0;
}
