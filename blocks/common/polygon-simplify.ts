// Reducing a convex outline to a requested number of vertices (Douglas-Peucker with a bisected tolerance), fitting
// edges back to the original contour, and scaling about the area centroid — the geometry of dynamic_zone.
import type { Point } from './mask-geometry.ts';

function segmentDistance([px, py]: Point, [ax, ay]: Point, [bx, by]: Point): number {
  const dx = bx - ax;
  const dy = by - ay;
  const length = Math.hypot(dx, dy);
  if (length === 0) return Math.hypot(px - ax, py - ay);
  return Math.abs(dx * (py - ay) - dy * (px - ax)) / length;
}

/** Douglas-Peucker on points[from..to] (inclusive), writing kept interior indices into `keep`. */
function simplifyChain(points: readonly Point[], from: number, to: number, epsilon: number, keep: Uint8Array): void {
  const stack: Array<[number, number]> = [[from, to]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    let farthest = -1;
    let distance = epsilon;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance(points[i]!, points[a]!, points[b]!);
      if (d > distance) [farthest, distance] = [i, d];
    }
    if (farthest < 0) continue;
    keep[farthest] = 1;
    stack.push([a, farthest], [farthest, b]);
  }
}

/** Closed-curve Douglas-Peucker: split at the first point and the point farthest from it, simplify both halves. */
export function approximatePolygon(points: readonly Point[], epsilon: number): Point[] {
  const n = points.length;
  if (n <= 2) return points.slice();
  let split = 0;
  let farthest = -1;
  for (let i = 1; i < n; i++) {
    const d = Math.hypot(points[i]![0] - points[0]![0], points[i]![1] - points[0]![1]);
    if (d > farthest) [split, farthest] = [i, d];
  }
  const ring = [...points, points[0]!];
  const keep = new Uint8Array(n + 1);
  keep[0] = 1;
  keep[split] = 1;
  simplifyChain(ring, 0, split, epsilon, keep);
  simplifyChain(ring, split, n, epsilon, keep);
  const out: Point[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push([points[i]![0], points[i]![1]]);
  // A segment of the start and split point alone is kept only when it is longer than the tolerance.
  if (out.length === 2 && farthest <= epsilon) return [out[0]!];
  return out;
}

function perimeter(points: readonly Point[]): number {
  let total = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++)
    total += Math.hypot(points[i]![0] - points[j]![0], points[i]![1] - points[j]![1]);
  return total;
}

/** Simplifies a closed outline, bisecting the tolerance until it has `vertices` points (at most `maxSteps` tries). */
export function simplifyToVertexCount(outline: readonly Point[], vertices: number, maxSteps = 1000): Point[] {
  let upper = perimeter(outline);
  let lower = 1e-7;
  let epsilon = lower + upper / 2;
  let simplified = approximatePolygon(outline, epsilon);
  for (let step = 0; step < maxSteps && simplified.length !== vertices; step++) {
    if (simplified.length > vertices) lower = epsilon;
    else upper = epsilon;
    epsilon = lower + (upper - lower) / 2;
    simplified = approximatePolygon(outline, epsilon);
  }
  return simplified;
}

/** A line through `points` minimising perpendicular distances, as a point on it and a unit direction. */
function fitLine(points: readonly Point[]): { x: number; y: number; dx: number; dy: number } | null {
  if (points.length < 2) return null;
  let mx = 0;
  let my = 0;
  for (const [x, y] of points) {
    mx += x;
    my += y;
  }
  mx /= points.length;
  my /= points.length;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  if (sxx + syy === 0) return null;
  const angle = Math.atan2(2 * sxy, sxx - syy) / 2;
  return { x: mx, y: my, dx: Math.cos(angle), dy: Math.sin(angle) };
}

function nearestIndex(contour: readonly Point[], [px, py]: Point): number {
  let best = 0;
  let bestDistance = Infinity;
  contour.forEach(([x, y], i) => {
    const d = (x - px) ** 2 + (y - py) ** 2;
    if (d < bestDistance) [best, bestDistance] = [i, d];
  });
  return best;
}

/**
 * Moves each vertex of `polygon` to the intersection of lines fitted to the contour points along its two edges;
 * `midpointFraction` < 1 keeps only that central share of each edge's points. A vertex whose edges are parallel
 * or too short to fit keeps its place. Coordinates are rounded to whole pixels.
 */
export function leastSquaresPolygon(
  contour: readonly Point[],
  polygon: readonly Point[],
  midpointFraction = 1,
): Point[] {
  const n = polygon.length;
  const indices = polygon.map((p) => nearestIndex(contour, p));
  // Line k follows the contour from vertex k to vertex k + 1.
  const lines = polygon.map((_, k) => {
    const from = indices[k]!;
    const to = indices[(k + 1) % n]!;
    let segment = from <= to ? contour.slice(from, to + 1) : [...contour.slice(from), ...contour.slice(0, to + 1)];
    if (midpointFraction < 1) {
      const wanted = Math.round(segment.length * midpointFraction);
      if (wanted > 2) {
        const drop = Math.floor((segment.length - wanted) / 2);
        segment = segment.slice(drop, segment.length - drop);
      }
    }
    return fitLine(segment);
  });
  return polygon.map((vertex, k) => {
    const a = lines[(k + n - 1) % n];
    const b = lines[k];
    if (!a || !b) return [Math.round(vertex[0]), Math.round(vertex[1])];
    const denominator = a.dx * b.dy - a.dy * b.dx;
    if (Math.abs(denominator) < 1e-9) return [Math.round(vertex[0]), Math.round(vertex[1])];
    const t = ((b.x - a.x) * b.dy - (b.y - a.y) * b.dx) / denominator;
    return [Math.round(a.x + t * a.dx), Math.round(a.y + t * a.dy)];
  });
}

/** Scales a polygon about its area centroid (vertices rounded); unchanged for ratio 1 or a zero-area polygon. */
export function scalePolygon(polygon: readonly Point[], ratio: number): Point[] {
  if (ratio === 1) return polygon.map(([x, y]) => [x, y]);
  let twiceArea = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xj, yj] = polygon[j]!;
    const [xi, yi] = polygon[i]!;
    const cross = xj * yi - xi * yj;
    twiceArea += cross;
    cx += (xj + xi) * cross;
    cy += (yj + yi) * cross;
  }
  if (twiceArea === 0) return polygon.map(([x, y]) => [x, y]);
  cx /= 3 * twiceArea;
  cy /= 3 * twiceArea;
  return polygon.map(([x, y]) => [Math.round(cx + (x - cx) * ratio), Math.round(cy + (y - cy) * ratio)]);
}
