// Pixel work for the OCR pipeline on raw interleaved RGB buffers: rotated crops, quarter/half turns, and a bilinear
// resize that writes straight into a normalized NCHW float tensor (one pass, no intermediate images).

export interface Raster {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/** Per-channel `(value / 255 - mean) / std`, in the tensor's channel order. */
export interface Normalization {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
  /** PaddleOCR models were trained on OpenCV's BGR order. */
  bgr: boolean;
}

export const PADDLE_DET_NORMALIZATION: Normalization = {
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  bgr: true,
};

export const PADDLE_REC_NORMALIZATION: Normalization = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], bgr: true };

export function rotate180(src: Raster): Raster {
  const n = src.width * src.height;
  const pixels = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const from = i * 3;
    const to = (n - 1 - i) * 3;
    pixels[to] = src.pixels[from]!;
    pixels[to + 1] = src.pixels[from + 1]!;
    pixels[to + 2] = src.pixels[from + 2]!;
  }
  return { pixels, width: src.width, height: src.height };
}

/** Quarter turn counter-clockwise: vertical text lines become horizontal, read top to bottom. */
export function rotate90CounterClockwise(src: Raster): Raster {
  const { width, height } = src;
  const pixels = new Uint8Array(width * height * 3);
  // Output is height wide and width tall; output (x, y) comes from source (width - 1 - y, x).
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < height; x++) {
      const from = (x * width + (width - 1 - y)) * 3;
      const to = (y * height + x) * 3;
      pixels[to] = src.pixels[from]!;
      pixels[to + 1] = src.pixels[from + 1]!;
      pixels[to + 2] = src.pixels[from + 2]!;
    }
  }
  return { pixels, width: height, height: width };
}

/**
 * Bilinear resize (half-pixel centres, like OpenCV's INTER_LINEAR) of `src` to dstWidth x dstHeight, written
 * normalized into image `batchIndex` of an NCHW tensor of tensorHeight x tensorWidth. The area right of and
 * below the resized image is left as it is (callers fill padding beforehand).
 */
export function writeResizedToTensor(
  src: Raster,
  dstWidth: number,
  dstHeight: number,
  tensor: Float32Array,
  batchIndex: number,
  tensorWidth: number,
  tensorHeight: number,
  norm: Normalization,
): void {
  const plane = tensorWidth * tensorHeight;
  const base = batchIndex * 3 * plane;
  const scale = [0, 1, 2].map((c) => 1 / (255 * norm.std[c]!));
  const bias = [0, 1, 2].map((c) => -norm.mean[c]! / norm.std[c]!);
  // Tensor channel t reads source channel order[t] (RGB source; BGR tensors swap the first and last).
  const order = norm.bgr ? [2, 1, 0] : [0, 1, 2];
  const scaleX = src.width / dstWidth;
  const scaleY = src.height / dstHeight;
  const xs0 = new Int32Array(dstWidth);
  const xs1 = new Int32Array(dstWidth);
  const wx = new Float32Array(dstWidth);
  for (let x = 0; x < dstWidth; x++) {
    const sx = Math.max(0, (x + 0.5) * scaleX - 0.5);
    const x0 = Math.min(src.width - 1, Math.floor(sx));
    xs0[x] = x0 * 3;
    xs1[x] = Math.min(src.width - 1, x0 + 1) * 3;
    wx[x] = sx - x0;
  }
  const pixels = src.pixels;
  const rowStride = src.width * 3;
  for (let y = 0; y < dstHeight; y++) {
    const sy = Math.max(0, (y + 0.5) * scaleY - 0.5);
    const y0 = Math.min(src.height - 1, Math.floor(sy));
    const y1 = Math.min(src.height - 1, y0 + 1);
    const wy = sy - y0;
    const row0 = y0 * rowStride;
    const row1 = y1 * rowStride;
    const outRow = base + y * tensorWidth;
    for (let x = 0; x < dstWidth; x++) {
      const a = row0 + xs0[x]!;
      const b = row0 + xs1[x]!;
      const c = row1 + xs0[x]!;
      const d = row1 + xs1[x]!;
      const fx = wx[x]!;
      for (let t = 0; t < 3; t++) {
        const ch = order[t]!;
        const top = pixels[a + ch]! + (pixels[b + ch]! - pixels[a + ch]!) * fx;
        const bottom = pixels[c + ch]! + (pixels[d + ch]! - pixels[c + ch]!) * fx;
        const value = top + (bottom - top) * wy;
        tensor[outRow + t * plane + x] = value * scale[t]! + bias[t]!;
      }
    }
  }
}

/**
 * The pixels under a rotated rectangle, sampled bilinearly along its axes (edges replicated outside the
 * raster): the crop's x runs along (ux, uy), its y along (-uy, ux). Null when the rectangle is empty.
 */
export function sampleRotatedRect(
  src: Raster,
  rect: { cx: number; cy: number; width: number; height: number; ux: number; uy: number },
): Raster | null {
  const width = Math.round(rect.width);
  const height = Math.round(rect.height);
  if (width <= 0 || height <= 0) return null;
  const pixels = new Uint8Array(width * height * 3);
  const { ux, uy } = rect;
  const maxX = src.width - 1;
  const maxY = src.height - 1;
  // Source position of the crop's pixel centre (0.5, 0.5), minus the half-pixel of the source grid.
  const originX = rect.cx - (width / 2 - 0.5) * ux + (height / 2 - 0.5) * uy - 0.5;
  const originY = rect.cy - (width / 2 - 0.5) * uy - (height / 2 - 0.5) * ux - 0.5;
  let o = 0;
  for (let y = 0; y < height; y++) {
    const rowX = originX - y * uy;
    const rowY = originY + y * ux;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(maxX, Math.max(0, rowX + x * ux));
      const sy = Math.min(maxY, Math.max(0, rowY + x * uy));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(maxX, x0 + 1);
      const y1 = Math.min(maxY, y0 + 1);
      const fx = sx - x0;
      const fy = sy - y0;
      const a = (y0 * src.width + x0) * 3;
      const b = (y0 * src.width + x1) * 3;
      const c = (y1 * src.width + x0) * 3;
      const d = (y1 * src.width + x1) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = src.pixels[a + ch]! + (src.pixels[b + ch]! - src.pixels[a + ch]!) * fx;
        const bottom = src.pixels[c + ch]! + (src.pixels[d + ch]! - src.pixels[c + ch]!) * fx;
        pixels[o++] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { pixels, width, height };
}
