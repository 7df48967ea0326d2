// Single-channel float images for feature detection: luma, separable Gaussian blur, and resampling by halves
// and doubles. Borders reflect without repeating the edge pixel (reflect-101), as OpenCV's defaults do.
import { reflect } from '../draw/filters.ts';

export interface FloatImage {
  data: Float32Array;
  width: number;
  height: number;
}

/** Luma of an RGB buffer (BT.601 weights) as floats in 0..255. */
export function grayFloat(rgb: Uint8Array, width: number, height: number): FloatImage {
  const data = new Float32Array(width * height);
  for (let i = 0, o = 0; i < data.length; i++, o += 3)
    data[i] = rgb[o]! * 0.299 + rgb[o + 1]! * 0.587 + rgb[o + 2]! * 0.114;
  return { data, width, height };
}

/** A normalised Gaussian kernel covering about ±4 sigma (odd length). */
export function gaussianKernelF32(sigma: number): Float32Array {
  const half = Math.max(1, Math.round(sigma * 4));
  const kernel = new Float32Array(2 * half + 1);
  let sum = 0;
  for (let i = -half; i <= half; i++) sum += kernel[i + half] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i]! /= sum;
  return kernel;
}

/** Separable Gaussian blur of a float image. */
export function gaussianBlur(src: FloatImage, sigma: number): FloatImage {
  const { width, height, data } = src;
  if (sigma <= 0) return { width, height, data: new Float32Array(data) };
  const kernel = gaussianKernelF32(sigma);
  const k = kernel.length;
  const half = (k - 1) >> 1;
  const tmp = new Float32Array(data.length);
  const row = new Float32Array(width + 2 * half);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    for (let i = 0; i < row.length; i++) row[i] = data[base + reflect(i - half, width)]!;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let t = 0; t < k; t++) acc += row[x + t]! * kernel[t]!;
      tmp[base + x] = acc;
    }
  }
  const out = new Float32Array(data.length);
  const rowIndex = new Int32Array(height + 2 * half);
  for (let i = 0; i < rowIndex.length; i++) rowIndex[i] = reflect(i - half, height) * width;
  const acc = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    acc.fill(0);
    for (let t = 0; t < k; t++) {
      const w = kernel[t]!;
      const src0 = rowIndex[y + t]!;
      for (let x = 0; x < width; x++) acc[x]! += tmp[src0 + x]! * w;
    }
    out.set(acc, y * width);
  }
  return { data: out, width, height };
}

/** Every second pixel of every second row (the next octave's base). */
export function halve(src: FloatImage): FloatImage {
  const width = Math.max(1, src.width >> 1);
  const height = Math.max(1, src.height >> 1);
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data[y * width + x] = src.data[2 * y * src.width + 2 * x]!;
  return { data, width, height };
}
