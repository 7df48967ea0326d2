import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { largestContour, maskRegions } from '../../engine/index.ts';
import { boundedLargestContour, largestRegionStart, maskBounds } from '../../engine/mask-contour.ts';

/** Deterministic 0/1 masks (the Detections contract): a few blobs, some touching the edges, and stray pixels. */
function randomMask(width: number, height: number, seed: number): Uint8Array {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const mask = new Uint8Array(width * height);
  const blobs = Math.floor(next() * 4);
  for (let b = 0; b < blobs; b++) {
    const cx = next() * width,
      cy = next() * height,
      r = 1 + next() * Math.min(width, height) * 0.3;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask[y * width + x] = 1;
  }
  for (let k = 0; k < 3; k++) if (next() < 0.5) mask[Math.floor(next() * mask.length)] = 1;
  // Every third mask is noise: many small regions joined only through diagonals, and ties in size.
  if (seed % 3 === 0) for (let i = 0; i < mask.length; i++) mask[i] = next() < 0.35 ? 1 : 0;
  return mask;
}

describe('boundedLargestContour', () => {
  test('gives the same polygon as largestContour on the whole mask', () => {
    let nonEmpty = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const width = 5 + (seed % 37);
      const height = 3 + ((seed * 7) % 29);
      const mask = randomMask(width, height, seed);
      const expected = largestContour(mask, width, height);
      if (expected.length) nonEmpty++;
      const regions = maskRegions(mask, width, height);
      const largest = regions.reduce<(typeof regions)[number] | null>(
        (best, r) => (!best || r.size > best.size ? r : best),
        null,
      );
      assert.equal(
        largestRegionStart(mask, width, height),
        largest ? largest.start : -1,
        `seed ${seed}: largest region`,
      );
      assert.deepEqual(boundedLargestContour(mask, width, height), expected, `seed ${seed} (${width}x${height})`);
      // A view at an odd byte offset takes the byte-wise path.
      const shifted = new Uint8Array(mask.length + 1);
      shifted.set(mask, 1);
      assert.deepEqual(boundedLargestContour(shifted.subarray(1), width, height), expected, `seed ${seed}, unaligned`);
    }
    assert.ok(nonEmpty > 200, `only ${nonEmpty} non-empty masks were compared`);
  });

  test('empty masks have no polygon; bounds cover exactly the nonzero bytes', () => {
    assert.deepEqual(boundedLargestContour(new Uint8Array(64), 8, 8), []);
    assert.equal(maskBounds(new Uint8Array(64), 8, 8), null);
    const mask = new Uint8Array(10 * 6);
    mask[1 * 10 + 7] = 1;
    mask[4 * 10 + 2] = 1;
    mask[3 * 10 + 9] = 1;
    assert.deepEqual(maskBounds(mask, 10, 6), { left: 2, top: 1, right: 10, bottom: 5 });
    assert.deepEqual(boundedLargestContour(mask, 10, 6), largestContour(mask, 10, 6));
  });
});
