// Resampling an RGB image through a coordinate map (output pixel -> source position), bilinear, black outside.

export interface RgbImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/**
 * Fills an outW x outH image: `map(x, y, out)` writes the source position of output pixel (x, y) into out[0..1]
 * (return false to leave the pixel black). `coverage`, when given, gets 1 where a source pixel landed.
 */
export function remapRgb(
  src: RgbImage,
  outW: number,
  outH: number,
  map: (x: number, y: number, out: Float64Array) => boolean,
  coverage?: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(outW * outH * 3);
  const pos = new Float64Array(2);
  const { pixels, width, height } = src;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      if (!map(x, y, pos)) continue;
      const sx = pos[0]!;
      const sy = pos[1]!;
      if (!(sx > -1 && sy > -1 && sx < width && sy < height)) continue;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const xa = Math.max(0, x0);
      const xb = Math.min(width - 1, x0 + 1);
      const ya = Math.max(0, y0);
      const yb = Math.min(height - 1, y0 + 1);
      const o = (y * outW + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = pixels[(ya * width + xa) * 3 + c]! * (1 - fx) + pixels[(ya * width + xb) * 3 + c]! * fx;
        const bottom = pixels[(yb * width + xa) * 3 + c]! * (1 - fx) + pixels[(yb * width + xb) * 3 + c]! * fx;
        out[o + c] = top * (1 - fy) + bottom * fy + 0.5;
      }
      if (coverage) coverage[y * outW + x] = 1;
    }
  }
  return out;
}
