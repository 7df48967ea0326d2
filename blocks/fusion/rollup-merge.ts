// Grouping helpers for merging detections: connected groups under a pairwise "merges" relation, and overlap
// measures over dense 0/1 masks of the same frame.

/**
 * Groups of rows. With `transitive`, a row joins every group it merges with (union-find, connected
 * components); without, each unused row starts a group and takes the later unused rows that merge with it.
 */
export function groupConnected(
  rows: readonly number[],
  merges: (a: number, b: number) => boolean,
  transitive: boolean,
): number[][] {
  if (!transitive) {
    const used = new Uint8Array(rows.length);
    const groups: number[][] = [];
    for (let a = 0; a < rows.length; a++) {
      if (used[a]) continue;
      const group = [rows[a]!];
      for (let b = a + 1; b < rows.length; b++) {
        if (!used[b] && merges(rows[a]!, rows[b]!)) {
          used[b] = 1;
          group.push(rows[b]!);
        }
      }
      groups.push(group);
    }
    return groups;
  }
  const parent = rows.map((_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  for (let a = 0; a < rows.length; a++) {
    for (let b = a + 1; b < rows.length; b++) {
      if (find(a) !== find(b) && merges(rows[a]!, rows[b]!)) parent[find(a)] = find(b);
    }
  }
  const groups = new Map<number, number[]>();
  rows.forEach((row, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), row]));
  return [...groups.values()];
}

export function maskOverlaps(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] && b[i]) return true;
  return false;
}

export function maskIoU(a: Uint8Array, b: Uint8Array): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) inter++;
    if (a[i] || b[i]) union++;
  }
  return union ? inter / union : 0;
}
