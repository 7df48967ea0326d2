// Masks of detections at canvas resolution: the detection's own mask, or its box when it has none.
import type { Detections } from '../../engine/index.ts';
import { clampBox, type Canvas } from '../common/draw/index.ts';

export function detectionMask(detections: Detections, i: number, canvas: Canvas): Uint8Array {
  const mask = detections.masks?.[i];
  const shape = detections.maskShape;
  if (mask && shape && shape[0] === canvas.height && shape[1] === canvas.width) return mask;
  const out = new Uint8Array(canvas.width * canvas.height);
  if (mask && shape) {
    // Nearest-neighbour rescale of a mask kept at another resolution.
    const [mh, mw] = shape;
    for (let y = 0; y < canvas.height; y++) {
      const my = Math.min(mh - 1, Math.floor((y * mh) / canvas.height));
      for (let x = 0; x < canvas.width; x++)
        out[y * canvas.width + x] = mask[my * mw + Math.min(mw - 1, Math.floor((x * mw) / canvas.width))]!;
    }
    return out;
  }
  const [x0, y0, x1, y1] = clampBox(detections.box(i), canvas.width, canvas.height);
  for (let y = y0; y < y1; y++) out.fill(1, y * canvas.width + x0, y * canvas.width + x1);
  return out;
}

/** Indices ordered by box area, largest first, so small objects stay visible on top. */
export function largestFirst(detections: Detections): number[] {
  const area = (i: number) => {
    const [x0, y0, x1, y1] = detections.box(i);
    return (x1 - x0) * (y1 - y0);
  };
  return Array.from({ length: detections.length }, (_, i) => i).sort((a, b) => area(b) - area(a));
}

/** Pixels of a mask that touch an unset 4-neighbour (or the image edge). */
export function maskBoundary(mask: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      if (
        x === 0 ||
        y === 0 ||
        x === width - 1 ||
        y === height - 1 ||
        !mask[i - 1] ||
        !mask[i + 1] ||
        !mask[i - width] ||
        !mask[i + width]
      )
        out[i] = 1;
    }
  }
  return out;
}
