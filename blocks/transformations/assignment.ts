// Optimal assignment (Hungarian / Kuhn-Munkres with potentials) for rectangular score matrices, used by the
// trackers to pair predicted tracks with detections.

/**
 * Pairs (row, column) maximising the total score, each row and column used at most once; `score[r][c]`.
 * O(n^3) on the padded square size, fine for the tens of objects a frame holds.
 */
export function maximumAssignment(score: readonly Float64Array[], columns: number): Array<[number, number]> {
  const rows = score.length;
  if (rows === 0 || columns === 0) return [];
  const n = Math.max(rows, columns);
  let best = 0;
  for (const row of score) for (let c = 0; c < columns; c++) best = Math.max(best, row[c]!);
  // Minimise cost = best - score; padding cells cost `best` (as good as a zero score).
  const cost = (r: number, c: number) => (r < rows && c < columns ? best - score[r]![c]! : best);
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const match = new Int32Array(n + 1); // match[column] = row (1-based), 0 = free
  const way = new Int32Array(n + 1);
  for (let r = 1; r <= n; r++) {
    match[0] = r;
    let c0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[c0] = 1;
      const r0 = match[c0]!;
      let delta = Infinity;
      let c1 = 0;
      for (let c = 1; c <= n; c++) {
        if (used[c]) continue;
        const reduced = cost(r0 - 1, c - 1) - u[r0]! - v[c]!;
        if (reduced < minv[c]!) {
          minv[c] = reduced;
          way[c] = c0;
        }
        if (minv[c]! < delta) {
          delta = minv[c]!;
          c1 = c;
        }
      }
      for (let c = 0; c <= n; c++) {
        if (used[c]) {
          u[match[c]!] += delta;
          v[c] -= delta;
        } else minv[c] -= delta;
      }
      c0 = c1;
    } while (match[c0] !== 0);
    do {
      const c1 = way[c0]!;
      match[c0] = match[c1]!;
      c0 = c1;
    } while (c0);
  }
  const pairs: Array<[number, number]> = [];
  for (let c = 1; c <= n; c++) {
    const r = match[c]! - 1;
    if (r >= 0 && r < rows && c - 1 < columns) pairs.push([r, c - 1]);
  }
  return pairs.sort((a, b) => a[0] - b[0]);
}
