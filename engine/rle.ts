// COCO run-length encoding of binary masks (what pycocotools' `mask.encode` produces): runs are counted in
// column-major order starting with a run of zeros, and `counts` is the compact string form in which each run
// (after the first two, as a difference from the run two places back) is written in 5-bit groups offset by 48.

export interface CocoRle {
  /** [height, width] */
  size: [number, number];
  counts: string;
}

/** Column-major run lengths of a row-major mask (non-zero = foreground), first run = zeros (may be 0). */
export function maskRunLengths(mask: ArrayLike<number>, height: number, width: number): number[] {
  const runs: number[] = [];
  let current = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let i = x, end = height * width; i < end; i += width) {
      const value = mask[i] ? 1 : 0;
      if (value !== current) {
        runs.push(run);
        run = 0;
        current = value;
      }
      run++;
    }
  }
  runs.push(run);
  return runs;
}

export function runLengthsToString(runs: readonly number[]): string {
  let out = '';
  for (let i = 0; i < runs.length; i++) {
    let x = runs[i]!;
    if (i > 2) x -= runs[i - 2]!;
    let more = true;
    while (more) {
      let c = x & 0x1f;
      x >>= 5;
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

export function runLengthsFromString(counts: string): number[] {
  const runs: number[] = [];
  let p = 0;
  while (p < counts.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      const c = counts.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x |= -1 << (5 * k);
    }
    if (runs.length > 2) x += runs[runs.length - 2]!;
    runs.push(x);
  }
  return runs;
}

export function encodeRle(mask: ArrayLike<number>, height: number, width: number): CocoRle {
  return { size: [height, width], counts: runLengthsToString(maskRunLengths(mask, height, width)) };
}

/** Row-major 0/1 mask from a COCO RLE (string or uncompressed list of counts). */
export function decodeRle(rle: { size: readonly number[]; counts: string | readonly number[] }): Uint8Array {
  const [height, width] = rle.size as [number, number];
  const runs = typeof rle.counts === 'string' ? runLengthsFromString(rle.counts) : rle.counts;
  const mask = new Uint8Array(height * width);
  let position = 0;
  let value = 0;
  for (const run of runs) {
    if (value) {
      for (let k = position; k < position + run; k++) mask[(k % height) * width + Math.floor(k / height)] = 1;
    }
    position += run;
    value ^= 1;
  }
  return mask;
}
