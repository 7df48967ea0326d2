// Polygons of detection masks and masks of polygons, for the blocks that measure or reshape segmentations.
import { largestContour } from '../../engine/index.ts';
import { convexHull, minAreaRect, type RotatedRect } from './rotated-rect.ts';

export { rectCorners, type RotatedRect } from './rotated-rect.ts';

export type Point = [number, number];

/** Outer boundary of the largest region of a mask as points; empty when the mask is empty. */
export function maskPolygon(mask: Uint8Array, [height, width]: readonly [number, number]): Point[] {
  const flat = largestContour(mask, width, height);
  const points: Point[] = [];
  for (let i = 0; i < flat.length; i += 2) points.push([flat[i]!, flat[i + 1]!]);
  return points;
}

/** Minimum-area rotated rectangle around points (width along the side nearest horizontal). */
export function rotatedRectOf(points: readonly Point[]): RotatedRect {
  return minAreaRect(convexHull(points.flat()));
}

/** Shoelace area of a polygon. */
export function polygonArea(points: readonly Point[]): number {
  let twice = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++)
    twice += points[j]![0] * points[i]![1] - points[i]![0] * points[j]![1];
  return Math.abs(twice) / 2;
}

/** A width x height 0/1 mask of a polygon: pixels inside plus the pixels its edges pass through (as OpenCV fills). */
export function polygonMask(points: readonly Point[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  if (points.length < 3) return mask;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const [, y] of points) {
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const crossings: number[] = [];
  for (let y = Math.max(0, Math.floor(minY)); y <= Math.min(height - 1, Math.ceil(maxY)); y++) {
    crossings.length = 0;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [xi, yi] = points[i]!;
      const [xj, yj] = points[j]!;
      if (yi <= y !== yj <= y) crossings.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
    }
    crossings.sort((a, b) => a - b);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const from = Math.max(0, Math.ceil(crossings[k]! - 0.5));
      const to = Math.min(width - 1, Math.floor(crossings[k + 1]! + 0.5));
      mask.fill(1, y * width + from, y * width + to + 1);
    }
  }
  for (let i = 0, j = points.length - 1; i < points.length; j = i++)
    drawSegment(mask, width, height, points[j]!, points[i]!);
  return mask;
}

function drawSegment(mask: Uint8Array, width: number, height: number, [ax, ay]: Point, [bx, by]: Point): void {
  const steps = Math.max(1, Math.ceil(Math.max(Math.abs(bx - ax), Math.abs(by - ay))));
  for (let s = 0; s <= steps; s++) {
    const x = Math.round(ax + ((bx - ax) * s) / steps);
    const y = Math.round(ay + ((by - ay) * s) / steps);
    if (x >= 0 && y >= 0 && x < width && y < height) mask[y * width + x] = 1;
  }
}

/** Axis-aligned [x0, y0, x1, y1] of points. */
export function pointsBox(points: readonly Point[]): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const [x, y] of points) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return [x0, y0, x1, y1];
}
