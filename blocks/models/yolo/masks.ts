// Instance masks from YOLO-seg prototypes: mask logits = coefficients · prototypes (sigmoid > 0.5 is the same
// as logit > 0, so no exp is needed), cropped to the box, produced at the original image's size. Only the
// proto cells under a box are computed, and only pixels inside the box are visited.
import type { ImageTransform } from '../preprocess.ts';

export type MaskDecodeMode = 'accurate' | 'fast' | 'tradeoff';

export interface ProtoTensor {
  data: Float32Array;
  /** Number of prototypes (32). */
  count: number;
  height: number;
  width: number;
}

export interface MaskRequest {
  /** Raw head output [C, N], its anchor count and the first mask-coefficient channel. */
  output: Float32Array;
  anchors: number;
  coefficientStart: number;
  protos: ProtoTensor;
  transform: ImageTransform;
  mode: MaskDecodeMode;
  /** For `tradeoff`: 0 works at proto resolution (like fast), 1 at model-input resolution (close to accurate). */
  tradeoffFactor: number;
}

/**
 * One full-image mask (originalHeight x originalWidth bytes, 0/1) per detection. `inputBoxes` are the boxes in
 * model-input pixels, `imageBoxes` the same boxes mapped to original pixels.
 */
export function decodeMasks(req: MaskRequest, anchorOf: Int32Array, inputBoxes: Float32Array, imageBoxes: Float32Array): Uint8Array[] {
  const { protos, transform: t } = req;
  const sx = protos.width / t.inputWidth;
  const sy = protos.height / t.inputHeight;
  const factor = Math.min(1, Math.max(0, req.tradeoffFactor));
  const workW = Math.round(protos.width + factor * (t.inputWidth - protos.width));
  const workH = Math.round(protos.height + factor * (t.inputHeight - protos.height));
  const masks: Uint8Array[] = [];
  const coefficients = new Float32Array(protos.count);
  for (let d = 0; d < anchorOf.length; d++) {
    const mask = new Uint8Array(t.originalWidth * t.originalHeight);
    masks.push(mask);
    const anchor = anchorOf[d]!;
    for (let k = 0; k < protos.count; k++) coefficients[k] = req.output[(req.coefficientStart + k) * req.anchors + anchor]!;

    // Proto cells under the box (plus one cell of margin for interpolation).
    const bx0 = inputBoxes[d * 4]!, by0 = inputBoxes[d * 4 + 1]!, bx1 = inputBoxes[d * 4 + 2]!, by1 = inputBoxes[d * 4 + 3]!;
    const px0 = Math.max(0, Math.floor(bx0 * sx) - 1), px1 = Math.min(protos.width - 1, Math.ceil(bx1 * sx) + 1);
    const py0 = Math.max(0, Math.floor(by0 * sy) - 1), py1 = Math.min(protos.height - 1, Math.ceil(by1 * sy) + 1);
    if (px1 < px0 || py1 < py0) continue;
    const rw = px1 - px0 + 1;
    const rh = py1 - py0 + 1;
    const logits = new Float32Array(rw * rh);
    const plane = protos.width * protos.height;
    for (let k = 0; k < protos.count; k++) {
      const c = coefficients[k]!;
      const base = k * plane;
      for (let y = 0; y < rh; y++) {
        let src = base + (py0 + y) * protos.width + px0;
        let dst = y * rw;
        for (let x = 0; x < rw; x++) logits[dst++]! += c * protos.data[src++]!;
      }
    }
    const sample = (px: number, py: number): number => {
      // Bilinear over proto cell centres, clamped to the computed region.
      const fx = Math.min(px1, Math.max(px0, px)) - px0;
      const fy = Math.min(py1, Math.max(py0, py)) - py0;
      const x0 = Math.floor(fx), y0 = Math.floor(fy);
      const x1 = Math.min(rw - 1, x0 + 1), y1 = Math.min(rh - 1, y0 + 1);
      const wx = fx - x0, wy = fy - y0;
      const top = logits[y0 * rw + x0]! * (1 - wx) + logits[y0 * rw + x1]! * wx;
      const bottom = logits[y1 * rw + x0]! * (1 - wx) + logits[y1 * rw + x1]! * wx;
      return top * (1 - wy) + bottom * wy;
    };

    const ox0 = Math.max(0, Math.floor(imageBoxes[d * 4]!)), ox1 = Math.min(t.originalWidth, Math.ceil(imageBoxes[d * 4 + 2]!));
    const oy0 = Math.max(0, Math.floor(imageBoxes[d * 4 + 1]!)), oy1 = Math.min(t.originalHeight, Math.ceil(imageBoxes[d * 4 + 3]!));
    for (let y = oy0; y < oy1; y++) {
      const iy = (y + 0.5 - t.cropY) * t.scaleY + t.padY;
      if (iy < by0 || iy > by1) continue;
      const row = y * t.originalWidth;
      for (let x = ox0; x < ox1; x++) {
        const ix = (x + 0.5 - t.cropX) * t.scaleX + t.padX;
        if (ix < bx0 || ix > bx1) continue;
        let value: number;
        if (req.mode === 'fast') {
          value = logits[(Math.min(py1, Math.max(py0, Math.floor(iy * sy))) - py0) * rw + Math.min(px1, Math.max(px0, Math.floor(ix * sx))) - px0]!;
        } else if (req.mode === 'tradeoff') {
          // Threshold at the working grid's cell centre, i.e. nearest-neighbour upsampling of that grid.
          const cx = (Math.floor((ix * workW) / t.inputWidth) + 0.5) * (t.inputWidth / workW);
          const cy = (Math.floor((iy * workH) / t.inputHeight) + 0.5) * (t.inputHeight / workH);
          value = sample(cx * sx - 0.5, cy * sy - 0.5);
        } else {
          value = sample(ix * sx - 0.5, iy * sy - 0.5);
        }
        if (value > 0) mask[row + x] = 1;
      }
    }
  }
  return masks;
}
