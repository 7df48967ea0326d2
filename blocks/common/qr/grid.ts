// Geometry from finder centres to a module grid: a projective transform from module coordinates to pixels
// (four correspondences: three finder centres and the bottom-right alignment pattern, or the parallelogram's
// fourth corner when there is none), the alignment pattern search, and sampling every module centre.
import type { BinaryImage } from './binarize.ts';

export type Point = { x: number; y: number };

/** 3x3 homography, row-major, h[8] = 1. */
export type Homography = Float64Array;

/** Solves for H with H·src[i] ∝ dst[i] (four point pairs) by Gaussian elimination; null when degenerate. */
export function homographyFrom(src: readonly Point[], dst: readonly Point[]): Homography | null {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const { x, y } = src[i]!;
    const { x: u, y: v } = dst[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const row = a[col]!;
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const factor = a[r]![col]! / row[col]!;
      if (factor === 0) continue;
      for (let c = col; c < 9; c++) a[r]![c]! -= factor * row[c]!;
    }
  }
  const h = new Float64Array(9);
  for (let i = 0; i < 8; i++) h[i] = a[i]![8]! / a[i]![i]!;
  h[8] = 1;
  return h;
}

export function project(h: Homography, x: number, y: number): Point {
  const w = h[6]! * x + h[7]! * y + h[8]!;
  return { x: (h[0]! * x + h[1]! * y + h[2]!) / w, y: (h[3]! * x + h[4]! * y + h[5]!) / w };
}

function darkAt(image: BinaryImage, x: number, y: number): number {
  const px = Math.floor(x);
  const py = Math.floor(y);
  if (px < 0 || py < 0 || px >= image.width || py >= image.height) return 0;
  return image.bits[py * image.width + px]!;
}

/**
 * Searches around `expected` for the 5x5-module alignment pattern (dark centre, light ring, dark ring), scoring
 * each pixel by how many of the 25 module samples (taken along the module vectors ex, ey) match. Returns the
 * mean of the best-scoring positions, or null when none matches well.
 */
export function findAlignment(
  image: BinaryImage,
  expected: Point,
  ex: Point,
  ey: Point,
  radiusModules: number,
): Point | null {
  const module = Math.sqrt(Math.hypot(ex.x, ex.y) * Math.hypot(ey.x, ey.y));
  const radius = Math.ceil(radiusModules * module);
  let bestScore = 0;
  let sumX = 0;
  let sumY = 0;
  let hits = 0;
  for (let y = Math.round(expected.y) - radius; y <= Math.round(expected.y) + radius; y++) {
    for (let x = Math.round(expected.x) - radius; x <= Math.round(expected.x) + radius; x++) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      if (!darkAt(image, cx, cy)) continue;
      let score = 0;
      for (let j = -2; j <= 2; j++) {
        for (let i = -2; i <= 2; i++) {
          const want = Math.max(Math.abs(i), Math.abs(j)) === 1 ? 0 : 1;
          if (darkAt(image, cx + i * ex.x + j * ey.x, cy + i * ex.y + j * ey.y) === want) score++;
        }
      }
      if (score > bestScore) {
        bestScore = score;
        sumX = sumY = hits = 0;
      }
      if (score === bestScore) {
        sumX += cx;
        sumY += cy;
        hits++;
      }
    }
  }
  return bestScore >= 23 ? { x: sumX / hits, y: sumY / hits } : null;
}

/** Reads every module centre through the transform (module (0,0) spans [0,1)² in module space). */
export function sampleGrid(image: BinaryImage, h: Homography, size: number): Uint8Array {
  const modules = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const p = project(h, x + 0.5, y + 0.5);
      modules[y * size + x] = darkAt(image, p.x, p.y);
    }
  }
  return modules;
}
