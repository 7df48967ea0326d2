// Finder pattern search: rows are scanned for dark-light-dark-light-dark runs in 1:1:3:1:1 proportion, each hit
// is confirmed by the same ratio along the column (and the row again) through its centre, and hits of one
// pattern are merged into a cluster whose centre is their average.
import type { BinaryImage } from './binarize.ts';

export interface FinderCandidate {
  x: number;
  y: number;
  /** Estimated module size in pixels. */
  module: number;
  /** Confirmed hits merged into this candidate. */
  count: number;
}

function ratioOk(runs: readonly number[]): boolean {
  const total = runs[0]! + runs[1]! + runs[2]! + runs[3]! + runs[4]!;
  if (total < 7) return false;
  const module = total / 7;
  const tolerance = module / 2;
  return (
    Math.abs(runs[0]! - module) < tolerance &&
    Math.abs(runs[1]! - module) < tolerance &&
    Math.abs(runs[2]! - 3 * module) < 3 * tolerance &&
    Math.abs(runs[3]! - module) < tolerance &&
    Math.abs(runs[4]! - module) < tolerance
  );
}

/**
 * Measures the five runs along a line through (x, y) stepping (dx, dy), starting in the dark centre. Returns
 * the centre offset (in steps, from x,y) and the total length, or null when the runs do not fit 1:1:3:1:1.
 */
function crossCheck(
  image: BinaryImage,
  x: number,
  y: number,
  dx: number,
  dy: number,
  maxRun: number,
): { centre: number; total: number } | null {
  const { bits, width, height } = image;
  const dark = (i: number) => {
    const px = x + i * dx;
    const py = y + i * dy;
    return px >= 0 && py >= 0 && px < width && py < height ? bits[py * width + px] === 1 : null;
  };
  if (!dark(0)) return null;
  // runs[2] counts the centre; walk backwards through centre, light, dark, then forwards likewise.
  const runs = [0, 0, 0, 0, 0];
  let i = 0;
  for (const [index, want] of [
    [2, true],
    [1, false],
    [0, true],
  ] as const) {
    while (dark(i) === want && runs[index]! <= maxRun) {
      runs[index]!++;
      i--;
    }
    if (dark(i) === null && index !== 0) return null;
  }
  const start = i + 1;
  i = 1;
  for (const [index, want] of [
    [2, true],
    [3, false],
    [4, true],
  ] as const) {
    while (dark(i) === want && runs[index]! <= maxRun) {
      runs[index]!++;
      i++;
    }
    if (dark(i) === null && index !== 4) return null;
  }
  if (!ratioOk(runs)) return null;
  const total = runs.reduce((a, b) => a + b, 0);
  return { centre: start + runs[0]! + runs[1]! + runs[2]! / 2 - 0.5, total };
}

function addCandidate(candidates: FinderCandidate[], x: number, y: number, module: number): void {
  for (const c of candidates) {
    if (
      Math.abs(c.x - x) <= c.module * 1.5 &&
      Math.abs(c.y - y) <= c.module * 1.5 &&
      Math.abs(c.module - module) <= Math.max(1, c.module * 0.5)
    ) {
      const n = c.count + 1;
      c.x = (c.x * c.count + x) / n;
      c.y = (c.y * c.count + y) / n;
      c.module = (c.module * c.count + module) / n;
      c.count = n;
      return;
    }
  }
  candidates.push({ x, y, module, count: 1 });
}

export function findFinderPatterns(image: BinaryImage): FinderCandidate[] {
  const { bits, width, height } = image;
  const candidates: FinderCandidate[] = [];
  const runs: number[] = [];
  const runStarts: number[] = [];
  for (let y = 0; y < height; y++) {
    runs.length = 0;
    runStarts.length = 0;
    const row = y * width;
    let x = 0;
    while (x < width) {
      const value = bits[row + x];
      const start = x;
      while (x < width && bits[row + x] === value) x++;
      runs.push(x - start);
      runStarts.push(start);
    }
    const firstDark = bits[row] === 1 ? 0 : 1;
    for (let r = firstDark; r + 4 < runs.length; r += 2) {
      const window = runs.slice(r, r + 5);
      if (!ratioOk(window)) continue;
      const total = window.reduce((a, b) => a + b, 0);
      const cx = Math.floor(runStarts[r + 2]! + window[2]! / 2);
      const vertical = crossCheck(image, cx, y, 0, 1, total);
      if (!vertical) continue;
      const cy = Math.round(y + vertical.centre);
      const horizontal = crossCheck(image, cx, cy, 1, 0, total);
      if (!horizontal) continue;
      const fx = cx + horizontal.centre;
      const fy = y + vertical.centre;
      // A diagonal check weeds out stripes and text that happen to fit the ratio on both axes.
      if (!crossCheck(image, Math.round(fx), Math.round(fy), 1, 1, total)) continue;
      addCandidate(candidates, fx + 0.5, fy + 0.5, (vertical.total + horizontal.total) / 14);
    }
  }
  return candidates;
}
