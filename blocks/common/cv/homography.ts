// Plane-to-plane projective transforms: least-squares fit (h33 = 1) from point pairs, RANSAC over minimal
// 4-point samples with a seeded generator (same input, same answer), and point mapping.

import { seededRandom } from './random.ts';

export type Point2 = readonly [number, number];
/** Row-major 3x3. */
export type Homography = [number, number, number, number, number, number, number, number, number];

/** Solves A x = b in place by Gaussian elimination with partial pivoting; null when singular. */
export function solveLinear(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    [b[col], b[pivot]] = [b[pivot]!, b[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = a[r]![col]! / a[col]![col]!;
      if (f === 0) continue;
      for (let c = col; c < n; c++) a[r]![c]! -= f * a[col]![c]!;
      b[r]! -= f * b[col]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let c = r + 1; c < n; c++) s -= a[r]![c]! * x[c]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

/** Normalising similarity (centroid to origin, mean distance sqrt 2) for numerical stability. */
function normaliser(points: readonly Point2[]): [number, number, number] {
  let mx = 0;
  let my = 0;
  for (const [x, y] of points) {
    mx += x;
    my += y;
  }
  mx /= points.length;
  my /= points.length;
  let d = 0;
  for (const [x, y] of points) d += Math.hypot(x - mx, y - my);
  d /= points.length;
  return [d > 0 ? Math.SQRT2 / d : 1, mx, my];
}

/** Least-squares homography mapping src[i] to dst[i] (at least 4 pairs); null when degenerate. */
export function fitHomography(src: readonly Point2[], dst: readonly Point2[]): Homography | null {
  if (src.length < 4) return null;
  const [ss, sx, sy] = normaliser(src);
  const [ds, dx, dy] = normaliser(dst);
  const ata = Array.from({ length: 8 }, () => new Array<number>(8).fill(0));
  const atb = new Array<number>(8).fill(0);
  const addRow = (row: number[], rhs: number) => {
    for (let i = 0; i < 8; i++) {
      atb[i]! += row[i]! * rhs;
      for (let j = 0; j < 8; j++) ata[i]![j]! += row[i]! * row[j]!;
    }
  };
  for (let i = 0; i < src.length; i++) {
    const x = (src[i]![0] - sx) * ss;
    const y = (src[i]![1] - sy) * ss;
    const u = (dst[i]![0] - dx) * ds;
    const v = (dst[i]![1] - dy) * ds;
    addRow([x, y, 1, 0, 0, 0, -u * x, -u * y], u);
    addRow([0, 0, 0, x, y, 1, -v * x, -v * y], v);
  }
  const h = solveLinear(ata, atb);
  if (!h) return null;
  // H = Tdst^-1 * Hn * Tsrc
  const hn = [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
  const tsrc = [ss, 0, -ss * sx, 0, ss, -ss * sy, 0, 0, 1];
  const tdstInv = [1 / ds, 0, dx, 0, 1 / ds, dy, 0, 0, 1];
  const out = multiply(tdstInv, multiply(hn, tsrc));
  if (!out.every(Number.isFinite) || Math.abs(out[8]!) < 1e-12) return null;
  return out.map((v) => v / out[8]!) as Homography;
}

export function multiply(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c]! += a[r * 3 + k]! * b[k * 3 + c]!;
  return out;
}

export function invert(h: readonly number[]): Homography | null {
  const [a, b, c, d, e, f, g, hh, i] = h as Homography;
  const det = a * (e * i - f * hh) - b * (d * i - f * g) + c * (d * hh - e * g);
  if (Math.abs(det) < 1e-15) return null;
  return [
    (e * i - f * hh) / det,
    (c * hh - b * i) / det,
    (b * f - c * e) / det,
    (f * g - d * i) / det,
    (a * i - c * g) / det,
    (c * d - a * f) / det,
    (d * hh - e * g) / det,
    (b * g - a * hh) / det,
    (a * e - b * d) / det,
  ];
}

export function project(h: readonly number[], x: number, y: number): [number, number] {
  const w = h[6]! * x + h[7]! * y + h[8]!;
  return [(h[0]! * x + h[1]! * y + h[2]!) / w, (h[3]! * x + h[4]! * y + h[5]!) / w];
}

export interface RansacResult {
  homography: Homography;
  inliers: boolean[];
  inlierCount: number;
}

/** Robust homography: pairs whose reprojection error is within `threshold` pixels count as inliers. */
export function findHomographyRansac(
  src: readonly Point2[],
  dst: readonly Point2[],
  threshold: number,
  maxIterations = 2000,
  confidence = 0.995,
): RansacResult | null {
  const n = src.length;
  if (n < 4) return null;
  const random = seededRandom(0x5eed);
  const t2 = threshold * threshold;
  const score = (h: Homography): boolean[] =>
    src.map(([x, y], i) => {
      const [u, v] = project(h, x, y);
      return (u - dst[i]![0]) ** 2 + (v - dst[i]![1]) ** 2 <= t2;
    });
  let best: RansacResult | null = null;
  let iterations = maxIterations;
  for (let it = 0; it < iterations; it++) {
    const pick = new Set<number>();
    while (pick.size < 4) pick.add(Math.floor(random() * n));
    const idx = [...pick];
    const h = fitHomography(
      idx.map((i) => src[i]!),
      idx.map((i) => dst[i]!),
    );
    if (!h) continue;
    const inliers = score(h);
    const count = inliers.filter(Boolean).length;
    if (!best || count > best.inlierCount) {
      best = { homography: h, inliers, inlierCount: count };
      const ratio = count / n;
      const needed = Math.log(1 - confidence) / Math.log(Math.max(1e-12, 1 - ratio ** 4));
      if (Number.isFinite(needed)) iterations = Math.min(maxIterations, Math.max(it + 1, Math.ceil(needed)));
    }
  }
  if (!best || best.inlierCount < 4) return best;
  const keep = best.inliers.flatMap((ok, i) => (ok ? [i] : []));
  const refined = fitHomography(
    keep.map((i) => src[i]!),
    keep.map((i) => dst[i]!),
  );
  if (!refined) return best;
  const inliers = score(refined);
  const count = inliers.filter(Boolean).length;
  return count >= best.inlierCount ? { homography: refined, inliers, inlierCount: count } : best;
}
