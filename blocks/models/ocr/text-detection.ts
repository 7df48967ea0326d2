// DB text detection (PP-OCRv4 det): the network outputs a per-pixel "is text" probability map; text regions are
// the connected components of the thresholded map, each grown back ("unclipped") by the margin the model was
// trained to shrink them by.
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { PADDLE_DET_NORMALIZATION, writeResizedToTensor, type Raster } from './raster.ts';
import { directRunner, type SessionRunner } from '../scheduler.ts';
import { convexHull, meanInRect, minAreaRect, rectCorners, type RotatedRect } from '../../common/rotated-rect.ts';

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

/** A text region in image pixels: its rotated rectangle, that rectangle's bounding box, and the detector's score. */
export interface TextRegion {
  rect: RotatedRect;
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
  run: SessionRunner = directRunner,
): Promise<TextRegion[]> {
  const [inputWidth, inputHeight] = detectionInputSize(image.width, image.height, options.maxSide);
  const data = new Float32Array(3 * inputWidth * inputHeight);
  writeResizedToTensor(image, inputWidth, inputHeight, data, 0, inputWidth, inputHeight, PADDLE_DET_NORMALIZATION);
  const input = new Tensor('float32', data, [1, 3, inputHeight, inputWidth]);
  const outputs = await run(session, { [session.inputNames[0]!]: input });
  const map = outputs[session.outputNames[0]!]!;
  const [, , mapHeight, mapWidth] = map.dims as number[];
  const regions = regionsFromProbabilityMap(map.data as Float32Array, mapWidth!, mapHeight!, options);
  const sx = image.width / mapWidth!;
  const sy = image.height / mapHeight!;
  return regions.map((r) => regionInImage(r.rect, r.score, sx, sy, image.width, image.height));
}

/** Scales a map-space rectangle to image pixels and bounds it. */
function regionInImage(
  rect: RotatedRect,
  score: number,
  sx: number,
  sy: number,
  width: number,
  height: number,
): TextRegion {
  const ux = rect.ux * sx;
  const uy = rect.uy * sy;
  const vx = -rect.uy * sx;
  const vy = rect.ux * sy;
  const uLength = Math.hypot(ux, uy);
  const scaled: RotatedRect = {
    cx: rect.cx * sx,
    cy: rect.cy * sy,
    width: rect.width * uLength,
    height: rect.height * Math.hypot(vx, vy),
    ux: ux / uLength,
    uy: uy / uLength,
  };
  const corners = rectCorners(scaled);
  const xs = corners.map((c) => c[0]);
  const ys = corners.map((c) => c[1]);
  return {
    rect: scaled,
    x0: clamp(Math.min(...xs), 0, width),
    y0: clamp(Math.min(...ys), 0, height),
    x1: clamp(Math.max(...xs), 0, width),
    y1: clamp(Math.max(...ys), 0, height),
    score,
  };
}

/** Connected components (8-connected) of map > threshold as rotated rectangles, scored and unclipped, in map coordinates. */
export function regionsFromProbabilityMap(
  probability: Float32Array,
  width: number,
  height: number,
  options: TextDetectionOptions,
): Array<{ rect: RotatedRect; score: number }> {
  const size = width * height;
  // 0 = background, 1 = text not yet visited, 2 = visited.
  const state = new Uint8Array(size);
  for (let i = 0; i < size; i++) if (probability[i]! > options.pixelThreshold) state[i] = 1;
  const stack = new Int32Array(size);
  // Leftmost / rightmost pixel of each row of the current component: their corners outline it for the hull.
  const rowMin = new Int32Array(height).fill(width);
  const rowMax = new Int32Array(height).fill(-1);
  const regions: Array<{ rect: RotatedRect; score: number }> = [];
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
      if (x < rowMin[y]!) rowMin[y] = x;
      if (x > rowMax[y]!) rowMax[y] = x;
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
    const outline: number[] = [];
    for (let y = minY; y <= maxY; y++) {
      if (rowMax[y]! >= 0) outline.push(rowMin[y]!, y, rowMax[y]! + 1, y, rowMin[y]!, y + 1, rowMax[y]! + 1, y + 1);
      rowMin[y] = width;
      rowMax[y] = -1;
    }
    if (Math.min(maxX - minX + 1, maxY - minY + 1) < options.minSize) continue;
    const rect = minAreaRect(convexHull(outline));
    if (Math.min(rect.width, rect.height) < options.minSize) continue;
    const score = meanInRect(probability, width, height, rect);
    if (score < options.boxThreshold) continue;
    // Offsetting a rectangle's outline by d (round joins) and taking the enclosing rectangle adds d on each side.
    const d = (rect.width * rect.height * options.unclipRatio) / (2 * (rect.width + rect.height));
    const grown = { ...rect, width: rect.width + 2 * d, height: rect.height + 2 * d };
    if (Math.min(grown.width, grown.height) < options.minSize + 2) continue;
    regions.push({ rect: grown, score });
  }
  return regions;
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
