// Neighbourhood filters over interleaved 8-bit images (`channels` bytes per pixel). Borders reflect without
// repeating the edge pixel (OpenCV's default BORDER_REFLECT_101), so results match what users know from cv2.

/** Index into [0, n) reflecting around the edges (reflect-101). */
export function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

/** Separable 1D convolution along x then y with the given kernel (odd length, sums to 1). */
export function separableFilter(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  kernel: Float32Array,
): Uint8Array {
  const k = kernel.length;
  const half = (k - 1) >> 1;
  const tmp = new Float32Array(src.length);
  const rowOffsets = new Int32Array(width + 2 * half);
  for (let i = 0; i < rowOffsets.length; i++) rowOffsets[i] = reflect(i - half, width) * channels;
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let t = 0; t < k; t++) acc += src[row + rowOffsets[x + t]! + c]! * kernel[t]!;
        tmp[row + x * channels + c] = acc;
      }
    }
  }
  const out = new Uint8Array(src.length);
  const stride = width * channels;
  const colOffsets = new Int32Array(height + 2 * half);
  for (let i = 0; i < colOffsets.length; i++) colOffsets[i] = reflect(i - half, height) * stride;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < stride; x++) {
      let acc = 0;
      for (let t = 0; t < k; t++) acc += tmp[colOffsets[y + t]! + x]! * kernel[t]!;
      out[y * stride + x] = Math.max(0, Math.min(255, Math.round(acc)));
    }
  }
  return out;
}

export function boxKernel(size: number): Float32Array {
  const k = Math.max(1, Math.round(size));
  return new Float32Array(k).fill(1 / k);
}

/** Gaussian kernel; sigma <= 0 derives it from the size as cv2.getGaussianKernel does. */
export function gaussianKernel(size: number, sigma = 0): Float32Array {
  const k = Math.max(1, Math.round(size) | 1);
  const s = sigma > 0 ? sigma : 0.3 * ((k - 1) * 0.5 - 1) + 0.8;
  const out = new Float32Array(k);
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const d = i - (k - 1) / 2;
    out[i] = Math.exp(-(d * d) / (2 * s * s));
    sum += out[i]!;
  }
  for (let i = 0; i < k; i++) out[i]! /= sum;
  return out;
}

/** Median over a size x size window, per channel (sliding histograms). */
export function medianFilter(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  size: number,
): Uint8Array {
  const k = Math.max(1, Math.round(size) | 1);
  const half = k >> 1;
  const out = new Uint8Array(src.length);
  const hist = new Int32Array(256);
  const target = (k * k + 1) >> 1;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      hist.fill(0);
      for (let dy = -half; dy <= half; dy++) {
        const row = reflect(y + dy, height) * width;
        for (let dx = -half; dx <= half; dx++) hist[src[(row + reflect(dx, width)) * channels + c]!]!++;
      }
      for (let x = 0; x < width; x++) {
        if (x > 0) {
          const leaving = reflect(x - half - 1, width);
          const entering = reflect(x + half, width);
          for (let dy = -half; dy <= half; dy++) {
            const row = reflect(y + dy, height) * width;
            hist[src[(row + leaving) * channels + c]!]!--;
            hist[src[(row + entering) * channels + c]!]!++;
          }
        }
        let seen = 0;
        let v = 0;
        for (; v < 256; v++) {
          seen += hist[v]!;
          if (seen >= target) break;
        }
        out[(y * width + x) * channels + c] = v;
      }
    }
  }
  return out;
}

/** Bilateral filter over a size x size window (colour distance on all channels together). */
export function bilateralFilter(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  size: number,
  sigmaColor = 75,
  sigmaSpace = 75,
): Uint8Array {
  const half = Math.max(1, Math.round(size) >> 1);
  const out = new Uint8Array(src.length);
  const colorWeight = new Float32Array(256 * channels);
  for (let i = 0; i < colorWeight.length; i++) colorWeight[i] = Math.exp(-(i * i) / (2 * sigmaColor * sigmaColor));
  const acc = new Float32Array(channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const center = (y * width + x) * channels;
      acc.fill(0);
      let wsum = 0;
      for (let dy = -half; dy <= half; dy++) {
        const row = reflect(y + dy, height) * width;
        for (let dx = -half; dx <= half; dx++) {
          const d2 = dx * dx + dy * dy;
          if (d2 > half * half) continue;
          const o = (row + reflect(x + dx, width)) * channels;
          let diff = 0;
          for (let c = 0; c < channels; c++) diff += Math.abs(src[o + c]! - src[center + c]!);
          const w = Math.exp(-d2 / (2 * sigmaSpace * sigmaSpace)) * colorWeight[diff]!;
          for (let c = 0; c < channels; c++) acc[c]! += src[o + c]! * w;
          wsum += w;
        }
      }
      for (let c = 0; c < channels; c++) out[center + c] = Math.round(acc[c]! / wsum);
    }
  }
  return out;
}

/** Erosion (min) or dilation (max) with a size x size square, per channel; separable. */
export function rankFilter(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  size: number,
  mode: 'min' | 'max',
): Uint8Array {
  const k = Math.max(1, Math.round(size));
  const before = (k - 1) >> 1;
  const pick = mode === 'min' ? Math.min : Math.max;
  const tmp = new Uint8Array(src.length);
  const out = new Uint8Array(src.length);
  // Out-of-image pixels never win (cv2 uses +inf / -inf border values for morphology).
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const lo = Math.max(0, x - before);
      const hi = Math.min(width - 1, x - before + k - 1);
      for (let c = 0; c < channels; c++) {
        let v = src[(y * width + lo) * channels + c]!;
        for (let xx = lo + 1; xx <= hi; xx++) v = pick(v, src[(y * width + xx) * channels + c]!);
        tmp[(y * width + x) * channels + c] = v;
      }
    }
  }
  for (let y = 0; y < height; y++) {
    const lo = Math.max(0, y - before);
    const hi = Math.min(height - 1, y - before + k - 1);
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let v = tmp[(lo * width + x) * channels + c]!;
        for (let yy = lo + 1; yy <= hi; yy++) v = pick(v, tmp[(yy * width + x) * channels + c]!);
        out[(y * width + x) * channels + c] = v;
      }
    }
  }
  return out;
}

/** Luma (BT.601, as cv2's BGR2GRAY) of an RGB buffer, one byte per pixel. */
export function toGray(rgb: Uint8Array): Uint8Array {
  const n = rgb.length / 3;
  const out = new Uint8Array(n);
  for (let i = 0, o = 0; i < n; i++, o += 3)
    out[i] = (rgb[o]! * 4899 + rgb[o + 1]! * 9617 + rgb[o + 2]! * 1868 + 8192) >> 14;
  return out;
}

/** Single channel back to RGB with R = G = B. */
export function grayToRgb(gray: Uint8Array): Uint8Array {
  const out = new Uint8Array(gray.length * 3);
  for (let i = 0, o = 0; i < gray.length; i++, o += 3) out[o] = out[o + 1] = out[o + 2] = gray[i]!;
  return out;
}

/** Copies the region [x0,x1) x [y0,y1) of an RGB image into its own buffer. */
export function extractRegion(
  src: Uint8Array,
  width: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): Uint8Array {
  const w = x1 - x0;
  const out = new Uint8Array(w * (y1 - y0) * 3);
  for (let y = y0; y < y1; y++) out.set(src.subarray((y * width + x0) * 3, (y * width + x1) * 3), (y - y0) * w * 3);
  return out;
}

export function writeRegion(
  dst: Uint8Array,
  width: number,
  x0: number,
  y0: number,
  region: Uint8Array,
  regionWidth: number,
): void {
  const rows = region.length / (regionWidth * 3);
  for (let y = 0; y < rows; y++) {
    dst.set(region.subarray(y * regionWidth * 3, (y + 1) * regionWidth * 3), ((y0 + y) * width + x0) * 3);
  }
}

/** Box-blurs the region in place (the region is filtered on its own, as cv2.blur on an ROI copy). */
export function blurRegion(
  pixels: Uint8Array,
  width: number,
  box: readonly [number, number, number, number],
  kernelSize: number,
): void {
  const [x0, y0, x1, y1] = box;
  if (x1 <= x0 || y1 <= y0) return;
  const region = extractRegion(pixels, width, x0, y0, x1, y1);
  writeRegion(pixels, width, x0, y0, separableFilter(region, x1 - x0, y1 - y0, 3, boxKernel(kernelSize)), x1 - x0);
}

/** Replaces the region with blocks of pixelSize x pixelSize holding their mean colour. */
export function pixelateRegion(
  pixels: Uint8Array,
  width: number,
  box: readonly [number, number, number, number],
  pixelSize: number,
): void {
  const [x0, y0, x1, y1] = box;
  const size = Math.max(1, Math.round(pixelSize));
  for (let by = y0; by < y1; by += size) {
    const ey = Math.min(y1, by + size);
    for (let bx = x0; bx < x1; bx += size) {
      const ex = Math.min(x1, bx + size);
      let r = 0;
      let g = 0;
      let b = 0;
      for (let y = by; y < ey; y++) {
        for (let x = bx, o = (y * width + bx) * 3; x < ex; x++, o += 3) {
          r += pixels[o]!;
          g += pixels[o + 1]!;
          b += pixels[o + 2]!;
        }
      }
      const n = (ey - by) * (ex - bx);
      r = Math.round(r / n);
      g = Math.round(g / n);
      b = Math.round(b / n);
      for (let y = by; y < ey; y++) {
        for (let x = bx, o = (y * width + bx) * 3; x < ex; x++, o += 3) {
          pixels[o] = r;
          pixels[o + 1] = g;
          pixels[o + 2] = b;
        }
      }
    }
  }
}
