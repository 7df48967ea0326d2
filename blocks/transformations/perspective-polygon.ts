// The source quadrilateral of perspective_correction: picked from the given polygons, put in a fixed vertex order
// (bottom-left, top-left, top-right, bottom-right), optionally pushed outwards edge by edge until it contains
// the detections' anchor points, then mapped onto the target rectangle by a homography.
import type { Detections } from '../../engine/index.ts';
import { fitHomography, type Homography } from '../common/cv/homography.ts';
import { anchorOf } from '../common/zones.ts';
import { polygonArea, type Point } from '../common/mask-geometry.ts';

/** Every anchor of a box (the corners facing the edge being extended), instead of one named anchor. */
export const ALL_POSITIONS = 'ALL';

const isPoint = (p: unknown): p is [number, number] =>
  Array.isArray(p) && p.length === 2 && p.every((c) => typeof c === 'number');
/** Whether a value is one polygon of 4 [x, y] vertices. */
export const isQuadrilateral = (p: unknown): p is Point[] => Array.isArray(p) && p.length === 4 && p.every(isPoint);

/**
 * The quadrilateral of one image from what was given for it: a 4-point polygon as is, or the largest 4-point
 * polygon of a list (vertices rounded). Null when nothing was given; throws with `fail` when no 4-point polygon.
 */
export function pickQuadrilateral(value: unknown, fail: (why: string) => never): Point[] | null {
  if (value === null || value === undefined) return null;
  if (isQuadrilateral(value)) return value.map(([x, y]) => [x, y]);
  if (!Array.isArray(value) || value.length === 0)
    return fail('expected a polygon of 4 [x, y] vertices or a list of polygons');
  const quads = value.filter(isQuadrilateral).map((q) => q.map(([x, y]) => [Math.round(x), Math.round(y)] as Point));
  if (!quads.length) return fail('no polygon consists of 4 vertices');
  return quads.reduce((best, q) => (polygonArea(q) > polygonArea(best) ? q : best));
}

/** Vertices ordered bottom-left, top-left, top-right, bottom-right (clockwise on screen from the bottom left). */
export function orderQuadrilateral(polygon: readonly Point[]): Point[] {
  const xs = polygon.map((p) => p[0]);
  const ys = polygon.map((p) => p[1]);
  const [xMin, xMax, yMin, yMax] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const cx = xMin / 2 + xMax / 2;
  const cy = yMin / 2 + yMax / 2;
  const angle = ([x, y]: Point) => Math.atan2(cx - x, cy - y);
  const sorted = [...polygon].sort((a, b) => angle(b) - angle(a));
  const corners: Point[] = [
    [xMin, yMax],
    [xMin, yMin],
    [xMax, yMin],
    [xMax, yMax],
  ];
  const distance = (q: readonly Point[]) =>
    q.reduce((sum, [x, y], i) => sum + Math.hypot(x - corners[i]![0], y - corners[i]![1]), 0);
  let best = sorted;
  let bestDistance = distance(sorted);
  for (let shift = 1; shift < 4; shift++) {
    const rolled = sorted.map((_, i) => sorted[(i - shift + 4) % 4]!);
    const d = distance(rolled);
    if (d < bestDistance || (d === bestDistance && rolled[0]![0] < best[0]![0])) [best, bestDistance] = [rolled, d];
  }
  return best.map(([x, y]) => [x, y]);
}

const cross = (a: Point, b: Point, p: Point) => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);

/** Inside or on the boundary of a convex-or-not polygon (crossing rule, edges count as inside). */
function insideOrOn(polygon: readonly Point[], p: Point): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[j]!;
    const b = polygon[i]!;
    const onSegment =
      cross(a, b, p) === 0 &&
      Math.min(a[0], b[0]) <= p[0] &&
      p[0] <= Math.max(a[0], b[0]) &&
      Math.min(a[1], b[1]) <= p[1] &&
      p[1] <= Math.max(a[1], b[1]);
    if (onSegment) return true;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < a[0] + ((p[1] - a[1]) * (b[0] - a[0])) / (b[1] - a[1])) inside = !inside;
  }
  return inside;
}

/** Intersection of the line through p with direction d and the line through a and b (null when parallel). */
function meet(p: Point, d: Point, a: Point, b: Point): Point | null {
  const e: Point = [b[0] - a[0], b[1] - a[1]];
  const denominator = d[0] * e[1] - d[1] * e[0];
  if (Math.abs(denominator) < 1e-12) return null;
  const t = ((a[0] - p[0]) * e[1] - (a[1] - p[1]) * e[0]) / denominator;
  return [Math.round(p[0] + t * d[0]), Math.round(p[1] + t * d[1])];
}

/**
 * Moves edge v1-v2 parallel to itself through `point`, its ends sliding along the lines v1-far1 and v2-far2.
 * Returns the new ends, or null when a sliding line runs parallel to the edge.
 */
function pushEdge(v1: Point, v2: Point, far1: Point, far2: Point, point: Point): [Point, Point] | null {
  const direction: Point = [v2[0] - v1[0], v2[1] - v1[1]];
  const a = meet(point, direction, v1, far1);
  const b = meet(point, direction, v2, far2);
  return a && b ? [a, b] : null;
}

export interface ExtendedQuadrilateral {
  polygon: Point[];
  /** Longer of the opposite side lengths before extension. */
  originalWidth: number;
  originalHeight: number;
  /** How far (pixels of the source image) the sides moved outwards. */
  extendedWidth: number;
  extendedHeight: number;
}

// Sides in the order they are extended: the edge (indices into [bl, tl, tr, br]), the lines its ends slide
// along (towards the opposite side), the box corners that must fit for ALL, and the end whose move is measured.
const SIDES = [
  { from: 0, to: 1, farFrom: 3, farTo: 2, corners: ['BOTTOM_LEFT', 'TOP_LEFT'], measured: 0, widens: true },
  { from: 2, to: 3, farFrom: 1, farTo: 0, corners: ['BOTTOM_RIGHT', 'TOP_RIGHT'], measured: 3, widens: true },
  { from: 3, to: 0, farFrom: 2, farTo: 1, corners: ['BOTTOM_RIGHT', 'BOTTOM_LEFT'], measured: 0, widens: false },
  { from: 1, to: 2, farFrom: 0, farTo: 3, corners: ['TOP_RIGHT', 'TOP_LEFT'], measured: 1, widens: false },
];

/** Pushes the sides of an ordered quadrilateral out until every detection's anchor point(s) lie inside. */
export function extendQuadrilateral(
  ordered: readonly Point[],
  detections: Detections,
  anchor: string,
): ExtendedQuadrilateral {
  const quad = ordered.map(([x, y]) => [x, y] as Point);
  const length = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  const [bl, tl, tr, br] = quad as [Point, Point, Point, Point];
  const originalWidth = Math.max(length(bl, br), length(tl, tr));
  const originalHeight = Math.max(length(bl, tl), length(br, tr));
  let extendedWidth = 0;
  let extendedHeight = 0;
  for (let i = 0; i < detections.length; i++) {
    for (const side of SIDES) {
      for (const name of anchor === ALL_POSITIONS ? side.corners : [anchor]) {
        const p = anchorOf(detections, i, name);
        if (insideOrOn(quad, p) || cross(quad[side.from]!, quad[side.to]!, p) > 0) continue;
        const moved = pushEdge(quad[side.from]!, quad[side.to]!, quad[side.farFrom]!, quad[side.farTo]!, p);
        if (!moved) continue;
        const before = quad[side.measured]!;
        [quad[side.from], quad[side.to]] = moved;
        const distance = length(quad[side.measured]!, before);
        if (side.widens) extendedWidth += distance;
        else extendedHeight += distance;
      }
    }
  }
  return { polygon: quad, originalWidth, originalHeight, extendedWidth, extendedHeight };
}

export interface PerspectiveTransform {
  homography: Homography;
  /** Target rectangle size including the extension. */
  width: number;
  height: number;
}

/** Homography taking the (ordered, optionally extended) quadrilateral onto a width x height rectangle. */
export function perspectiveTransform(
  polygon: readonly Point[],
  width: number,
  height: number,
  detections: Detections | null,
  anchor: string,
): PerspectiveTransform | null {
  let source = orderQuadrilateral(polygon);
  let extraWidth = 0;
  let extraHeight = 0;
  if (detections && detections.length && anchor) {
    const extended = extendQuadrilateral(source, detections, anchor);
    source = extended.polygon;
    extraWidth = Math.round((extended.extendedWidth * width) / Math.max(extended.originalWidth, 1));
    extraHeight = Math.round((extended.extendedHeight * height) / Math.max(extended.originalHeight, 1));
  }
  const w = width + extraWidth;
  const h = height + extraHeight;
  const homography = fitHomography(source, [
    [0, h - 1],
    [0, 0],
    [w - 1, 0],
    [w - 1, h - 1],
  ]);
  return homography ? { homography, width: w, height: h } : null;
}
