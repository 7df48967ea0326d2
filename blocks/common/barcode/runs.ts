// Run-length view of one scan line and the pattern matching the symbology decoders share. A scan line is a
// list of alternating light/dark run widths in pixels (sub-pixel, from interpolated edges); index 0 is always
// light (width 0 when the line starts dark), so dark runs sit at odd indices.

export interface ScanRuns {
  widths: Float64Array;
  count: number;
}

/** What a decoder read starting at a dark run: its text and the run index just past the symbol. */
export interface SymbolRead {
  text: string;
  /** Index of the first run of the symbol (a dark run) and one past its last (the trailing quiet zone). */
  first: number;
  end: number;
}

export type SymbolDecoder = (runs: ScanRuns, first: number) => SymbolRead | null;

export function sumRuns(runs: ScanRuns, from: number, n: number): number {
  let total = 0;
  for (let i = from; i < from + n; i++) total += runs.widths[i]!;
  return total;
}

/**
 * Sum over `pattern.length` runs of |width/unit - modules|, where unit spreads the runs' total over the
 * pattern's modules: 0 for a perfect print, about 1 when every edge is off by half a module.
 */
export function patternDistance(
  runs: ScanRuns,
  from: number,
  pattern: ArrayLike<number>,
  modules: number,
  total = sumRuns(runs, from, pattern.length),
): number {
  const unit = total / modules;
  let distance = 0;
  for (let j = 0; j < pattern.length; j++) distance += Math.abs(runs.widths[from + j]! / unit - pattern[j]!);
  return distance;
}

/** Index of the closest pattern (and its distance) among `patterns`, each of `modules` modules. */
export function closestPattern(
  runs: ScanRuns,
  from: number,
  patterns: readonly (readonly number[])[],
  modules: number,
): { index: number; distance: number } {
  const total = sumRuns(runs, from, patterns[0]!.length);
  let index = -1;
  let distance = Infinity;
  for (let p = 0; p < patterns.length; p++) {
    const d = patternDistance(runs, from, patterns[p]!, modules, total);
    if (d < distance) {
      distance = d;
      index = p;
    }
  }
  return { index, distance };
}

/** Patterns written as digit strings ("3211") to arrays of module widths. */
export const parsePatterns = (patterns: readonly string[]): number[][] => patterns.map((p) => Array.from(p, Number));

/** Encoders produce module widths starting with a bar; this expands them to one 0/1 entry per module. */
export function widthsToModules(widths: readonly number[]): Uint8Array {
  const modules = new Uint8Array(widths.reduce((a, b) => a + b, 0));
  let at = 0;
  widths.forEach((w, i) => {
    if (i % 2 === 0) modules.fill(1, at, at + w);
    at += w;
  });
  return modules;
}
