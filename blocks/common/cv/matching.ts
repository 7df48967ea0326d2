// Brute-force nearest-neighbour matching of descriptor rows (L2), and Lowe's ratio test on the two nearest.

export interface DescriptorSet {
  /** count x length, row-major. */
  data: Float32Array;
  count: number;
  length: number;
}

export interface Match {
  queryIdx: number;
  trainIdx: number;
  distance: number;
}

export function descriptorSet(rows: ArrayLike<ArrayLike<number>>, length = rows[0]?.length ?? 0): DescriptorSet {
  const data = new Float32Array(rows.length * length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    for (let k = 0; k < length; k++) data[i * length + k] = Number(row[k] ?? 0);
  }
  return { data, count: rows.length, length };
}

export function descriptorRows(set: DescriptorSet): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < set.count; i++) rows.push(Array.from(set.data.subarray(i * set.length, (i + 1) * set.length)));
  return rows;
}

/** For each query row, its k nearest train rows, nearest first (fewer when train has fewer rows). */
export function knnMatch(query: DescriptorSet, train: DescriptorSet, k: number): Match[][] {
  const out: Match[][] = [];
  const len = Math.min(query.length, train.length);
  const q = query.data;
  const t = train.data;
  const bestIdx = new Int32Array(k);
  const bestDist = new Float64Array(k);
  for (let i = 0; i < query.count; i++) {
    bestDist.fill(Infinity);
    bestIdx.fill(-1);
    const qo = i * query.length;
    for (let j = 0; j < train.count; j++) {
      const to = j * train.length;
      let dist = 0;
      const limit = bestDist[k - 1]!;
      for (let m = 0; m < len && dist < limit; m++) {
        const diff = q[qo + m]! - t[to + m]!;
        dist += diff * diff;
      }
      if (dist >= limit) continue;
      let slot = k - 1;
      while (slot > 0 && bestDist[slot - 1]! > dist) {
        bestDist[slot] = bestDist[slot - 1]!;
        bestIdx[slot] = bestIdx[slot - 1]!;
        slot--;
      }
      bestDist[slot] = dist;
      bestIdx[slot] = j;
    }
    const row: Match[] = [];
    for (let s = 0; s < k && bestIdx[s]! >= 0; s++)
      row.push({ queryIdx: i, trainIdx: bestIdx[s]!, distance: Math.sqrt(bestDist[s]!) });
    out.push(row);
  }
  return out;
}

/** Matches whose nearest neighbour is clearly closer than the second (distance < ratio x second distance). */
export function ratioTestMatches(query: DescriptorSet, train: DescriptorSet, ratio: number, k = 2): Match[] {
  const good: Match[] = [];
  for (const row of knnMatch(query, train, Math.max(2, k))) {
    if (row.length >= 2 && row[0]!.distance < ratio * row[1]!.distance) good.push(row[0]!);
  }
  return good;
}
