// Contrast preprocessing on interleaved RGB bytes: percentile stretching (2%–98%), global histogram
// equalization, and a CLAHE on the HSV value channel (hue and saturation kept) for "Adaptive Equalization".

export type ContrastType = 'Contrast Stretching' | 'Histogram Equalization' | 'Adaptive Equalization';

export function applyContrast(pixels: Uint8Array, width: number, height: number, type: ContrastType): Uint8Array {
  if (type === 'Histogram Equalization') return equalizeHistogram(pixels);
  if (type === 'Adaptive Equalization') return adaptiveEqualization(pixels, width, height);
  return stretchContrast(pixels);
}

function histogram(values: Uint8Array, stride = 1, start = 0): Uint32Array {
  const hist = new Uint32Array(256);
  for (let i = start; i < values.length; i += stride) hist[values[i]!]!++;
  return hist;
}

function percentile(hist: Uint32Array, total: number, p: number): number {
  const target = (p / 100) * total;
  let cumulative = 0;
  for (let v = 0; v < 256; v++) {
    cumulative += hist[v]!;
    if (cumulative >= target) return v;
  }
  return 255;
}

/** Linear stretch of the 2nd..98th percentile range (all channels together) to 0..255. */
export function stretchContrast(pixels: Uint8Array): Uint8Array {
  const hist = histogram(pixels);
  const lo = percentile(hist, pixels.length, 2);
  const hi = percentile(hist, pixels.length, 98);
  if (hi <= lo) return pixels;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.round(Math.min(255, Math.max(0, ((v - lo) * 255) / (hi - lo))));
  return applyLut(pixels, lut);
}

/** Global equalization through the cumulative histogram of all channel values. */
export function equalizeHistogram(pixels: Uint8Array): Uint8Array {
  const hist = histogram(pixels);
  const lut = cdfLut(hist, pixels.length);
  return applyLut(pixels, lut);
}

function cdfLut(hist: Uint32Array | Float64Array, total: number): Uint8Array {
  const lut = new Uint8Array(256);
  let cumulative = 0;
  for (let v = 0; v < 256; v++) {
    cumulative += hist[v]!;
    lut[v] = Math.round((255 * cumulative) / Math.max(1, total));
  }
  return lut;
}

function applyLut(pixels: Uint8Array, lut: Uint8Array): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = lut[pixels[i]!]!;
  return out;
}

/**
 * CLAHE on V = max(R, G, B): 8x8 tiles, each histogram bin clipped at 3% of the tile's pixels (skimage's default clip_limit) (excess spread evenly),
 * per-tile LUTs bilinearly interpolated; RGB scaled by V'/V so hue and saturation stay as they were.
 */
export function adaptiveEqualization(
  pixels: Uint8Array,
  width: number,
  height: number,
  tiles = 8,
  clipFraction = 0.03,
): Uint8Array {
  const n = width * height;
  const value = new Uint8Array(n);
  for (let i = 0, p = 0; i < n; i++, p += 3) value[i] = Math.max(pixels[p]!, pixels[p + 1]!, pixels[p + 2]!);
  const tilesX = Math.min(tiles, width);
  const tilesY = Math.min(tiles, height);
  const tileW = width / tilesX;
  const tileH = height / tilesY;
  const luts: Uint8Array[] = [];
  for (let ty = 0; ty < tilesY; ty++) {
    for (let tx = 0; tx < tilesX; tx++) {
      const x0 = Math.floor(tx * tileW),
        x1 = Math.floor((tx + 1) * tileW);
      const y0 = Math.floor(ty * tileH),
        y1 = Math.floor((ty + 1) * tileH);
      const hist = new Float64Array(256);
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) hist[value[y * width + x]!]!++;
      const count = Math.max(1, (x1 - x0) * (y1 - y0));
      const limit = Math.max(1, clipFraction * count);
      let excess = 0;
      for (let v = 0; v < 256; v++)
        if (hist[v]! > limit) {
          excess += hist[v]! - limit;
          hist[v] = limit;
        }
      const share = excess / 256;
      for (let v = 0; v < 256; v++) hist[v]! += share;
      luts.push(cdfLut(hist, count));
    }
  }
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(tilesY - 1, Math.max(0, (y + 0.5) / tileH - 0.5));
    const ty0 = Math.floor(fy),
      ty1 = Math.min(tilesY - 1, ty0 + 1),
      wy = fy - ty0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(tilesX - 1, Math.max(0, (x + 0.5) / tileW - 0.5));
      const tx0 = Math.floor(fx),
        tx1 = Math.min(tilesX - 1, tx0 + 1),
        wx = fx - tx0;
      const i = y * width + x;
      const v = value[i]!;
      const top = luts[ty0 * tilesX + tx0]![v]! * (1 - wx) + luts[ty0 * tilesX + tx1]![v]! * wx;
      const bottom = luts[ty1 * tilesX + tx0]![v]! * (1 - wx) + luts[ty1 * tilesX + tx1]![v]! * wx;
      const mapped = top * (1 - wy) + bottom * wy;
      const p = i * 3;
      if (v === 0) {
        out[p] = out[p + 1] = out[p + 2] = Math.round(mapped);
      } else {
        const k = mapped / v;
        out[p] = Math.min(255, Math.round(pixels[p]! * k));
        out[p + 1] = Math.min(255, Math.round(pixels[p + 1]! * k));
        out[p + 2] = Math.min(255, Math.round(pixels[p + 2]! * k));
      }
    }
  }
  return out;
}
