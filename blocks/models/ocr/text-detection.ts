// DB text detection (PP-OCRv4 det): the network outputs a per-pixel "is text" probability map; text regions are
// the connected components of the thresholded map, each grown back ("unclipped") by the margin the model was
// trained to shrink them by.
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { PADDLE_DET_NORMALIZATION, writeResizedToTensor, type Raster } from './raster.ts';

export interface TextDetectionOptions {
  /** Longest side of the network input; larger images are scaled down (PaddleOCR's det_limit_side_len). */
  maxSide: number;
  /** Probability above which a pixel is text. */
  pixelThreshold: number;
  /** Minimum mean probability inside a region's box to keep it. */
  boxThreshold: number;
  /** How far regions are grown: area * ratio / perimeter pixels on every side. */
  unclipRatio: number;
  /** Regions whose shorter side is below this many map pixels are noise. */
  minSize: number;
  maxCandidates: number;
}

export const DEFAULT_TEXT_DETECTION: TextDetectionOptions = {
  maxSide: 960,
  pixelThreshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.5,
  minSize: 3,
  maxCandidates: 1000,
};

/** An axis-aligned text region in image pixels with the detector's mean probability. */
export interface TextRegion {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  score: number;
}

/** Network input size: within maxSide, each side a multiple of 32 (the backbone's stride), at least 32. */
export function detectionInputSize(width: number, height: number, maxSide: number): [number, number] {
  const ratio = Math.max(width, height) > maxSide ? maxSide / Math.max(width, height) : 1;
  const fit = (side: number) => Math.max(32, Math.round((side * ratio) / 32) * 32);
  return [fit(width), fit(height)];
}

export async function detectTextRegions(
  session: InferenceSession,
  image: Raster,
  options: TextDetectionOptions = DEFAULT_TEXT_DETECTION,
): Promise<TextRegion[]> {
  const [inputWidth, inputHeight] = detectionInputSize(image.width, image.height, options.maxSide);
  const data = new Float32Array(3 * inputWidth * inputHeight);
  writeResizedToTensor(image, inputWidth, inputHeight, data, 0, inputWidth, inputHeight, PADDLE_DET_NORMALIZATION);
  const input = new Tensor('float32', data, [1, 3, inputHeight, inputWidth]);
  const outputs = await session.run({ [session.inputNames[0]!]: input });
  const map = outputs[session.outputNames[0]!]!;
  const [, , mapHeight, mapWidth] = map.dims as number[];
  const regions = regionsFromProbabilityMap(map.data as Float32Array, mapWidth!, mapHeight!, options);
  const sx = image.width / mapWidth!;
  const sy = image.height / mapHeight!;
  return regions.map((r) => ({
    x0: clamp(r.x0 * sx, 0, image.width),
    y0: clamp(r.y0 * sy, 0, image.height),
    x1: clamp(r.x1 * sx, 0, image.width),
    y1: clamp(r.y1 * sy, 0, image.height),
    score: r.score,
  }));
}

/** Connected components (8-connected) of map > threshold, scored and unclipped, in map coordinates. */
export function regionsFromProbabilityMap(
  probability: Float32Array,
  width: number,
  height: number,
  options: TextDetectionOptions,
): TextRegion[] {
  const size = width * height;
  // 0 = background, 1 = text not yet visited, 2 = visited.
  const state = new Uint8Array(size);
  for (let i = 0; i < size; i++) if (probability[i]! > options.pixelThreshold) state[i] = 1;
  const stack = new Int32Array(size);
  const regions: TextRegion[] = [];
  for (let start = 0; start < size && regions.length < options.maxCandidates; start++) {
    if (state[start] !== 1) continue;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    let top = 0;
    stack[top++] = start;
    state[start] = 2;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % width;
      const y = (p - x) / width;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (state[q] === 1) {
            state[q] = 2;
            stack[top++] = q;
          }
        }
      }
    }
    const boxWidth = maxX - minX + 1;
    const boxHeight = maxY - minY + 1;
    if (Math.min(boxWidth, boxHeight) < options.minSize) continue;
    const score = meanInBox(probability, width, minX, minY, maxX, maxY);
    if (score < options.boxThreshold) continue;
    // Growing a rectangle's outline by d (round joins) and taking its bounding rectangle adds d on each side.
    const d = (boxWidth * boxHeight * options.unclipRatio) / (2 * (boxWidth + boxHeight));
    if (Math.min(boxWidth, boxHeight) + 2 * d < options.minSize + 2) continue;
    regions.push({ x0: minX - d, y0: minY - d, x1: maxX + 1 + d, y1: maxY + 1 + d, score });
  }
  return regions;
}

function meanInBox(probability: Float32Array, width: number, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  for (let y = y0; y <= y1; y++) {
    const row = y * width;
    for (let x = x0; x <= x1; x++) sum += probability[row + x]!;
  }
  return sum / ((x1 - x0 + 1) * (y1 - y0 + 1));
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** Reading order: top to bottom, and left to right among regions whose tops are within `rowTolerance` px. */
export function sortReadingOrder<T extends { x0: number; y0: number }>(regions: T[], rowTolerance = 10): T[] {
  const sorted = [...regions].sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
  // Bubble neighbours that sit on the same row into left-to-right order (PaddleOCR's sorted_boxes).
  for (let i = 0; i < sorted.length - 1; i++) {
    for (let j = i; j >= 0; j--) {
      const a = sorted[j]!;
      const b = sorted[j + 1]!;
      if (Math.abs(b.y0 - a.y0) < rowTolerance && b.x0 < a.x0) {
        sorted[j] = b;
        sorted[j + 1] = a;
      } else break;
    }
  }
  return sorted;
}
