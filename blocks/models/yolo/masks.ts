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

// Long on purpose: a per-pixel hot loop; splitting it would add calls per pixel.
/**
 * One full-image mask (originalHeight x originalWidth bytes, 0/1) per detection. `inputBoxes` are the boxes in
 * model-input pixels, `imageBoxes` the same boxes mapped to original pixels.
 */
export function decodeMasks(
  req: MaskRequest,
  anchorOf: Int32Array,
  inputBoxes: Float32Array,
  imageBoxes: Float32Array,
): Uint8Array[] {
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
    for (let k = 0; k < protos.count; k++)
      coefficients[k] = req.output[(req.coefficientStart + k) * req.anchors + anchor]!;

    // Proto cells under the box (plus one cell of margin for interpolation).
    const bx0 = inputBoxes[d * 4]!,
      by0 = inputBoxes[d * 4 + 1]!,
      bx1 = inputBoxes[d * 4 + 2]!,
      by1 = inputBoxes[d * 4 + 3]!;
    const px0 = Math.max(0, Math.floor(bx0 * sx) - 1),
      px1 = Math.min(protos.width - 1, Math.ceil(bx1 * sx) + 1);
    const py0 = Math.max(0, Math.floor(by0 * sy) - 1),
      py1 = Math.min(protos.height - 1, Math.ceil(by1 * sy) + 1);
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
    const ox0 = Math.max(0, Math.floor(imageBoxes[d * 4]!)),
      ox1 = Math.min(t.originalWidth, Math.ceil(imageBoxes[d * 4 + 2]!));
    const oy0 = Math.max(0, Math.floor(imageBoxes[d * 4 + 1]!)),
      oy1 = Math.min(t.originalHeight, Math.ceil(imageBoxes[d * 4 + 3]!));
    if (ox1 <= ox0 || oy1 <= oy0) continue;
    // The sampling position splits into a column part and a row part, so both are tabulated once per box
    // instead of per pixel (the per-pixel arithmetic, and so every mask bit, is unchanged).
    const columns = axisSamples(
      ox0,
      ox1,
      t.cropX,
      t.scaleX,
      t.padX,
      bx0,
      bx1,
      sx,
      px0,
      px1,
      rw - 1,
      1,
      req.mode,
      workW,
      t.inputWidth,
    );
    const rows = axisSamples(
      oy0,
      oy1,
      t.cropY,
      t.scaleY,
      t.padY,
      by0,
      by1,
      sy,
      py0,
      py1,
      rh - 1,
      rw,
      req.mode,
      workH,
      t.inputHeight,
    );
    for (let j = rows.start; j < rows.end; j++) {
      const row = (oy0 + j) * t.originalWidth + ox0;
      const r0 = rows.first[j]!,
        r1 = rows.second[j]!;
      if (req.mode === 'fast') {
        for (let i = columns.start; i < columns.end; i++) if (logits[r0 + columns.first[i]!]! > 0) mask[row + i] = 1;
        continue;
      }
      const wy = rows.weight[j]!,
        wy1 = 1 - wy;
      for (let i = columns.start; i < columns.end; i++) {
        const c0 = columns.first[i]!,
          c1 = columns.second[i]!,
          wx = columns.weight[i]!,
          wx1 = 1 - wx;
        // Bilinear over proto cell centres, clamped to the computed region.
        const top = logits[r0 + c0]! * wx1 + logits[r0 + c1]! * wx;
        const bottom = logits[r1 + c0]! * wx1 + logits[r1 + c1]! * wx;
        if (top * wy1 + bottom * wy > 0) mask[row + i] = 1;
      }
    }
  }
  return masks;
}

interface AxisSamples {
  /** The pixels whose centre falls inside the box (in model-input pixels): a range, as positions grow with pixels. */
  start: number;
  end: number;
  /** Offsets into the logits region (already multiplied by `stride`) of the two cells to blend, and the weight of the second. */
  first: Int32Array;
  second: Int32Array;
  weight: Float64Array;
}

/**
 * Per original pixel along one axis [o0, o1): where its centre lands in the model input, and the proto cells (and
 * bilinear weight) it samples: the nearest cell for `fast`, the working grid's cell centre for `tradeoff`.
 */
function axisSamples(
  o0: number,
  o1: number,
  crop: number,
  scale: number,
  pad: number,
  b0: number,
  b1: number,
  protoScale: number,
  p0: number,
  p1: number,
  lastCell: number,
  stride: number,
  mode: MaskDecodeMode,
  work: number,
  input: number,
): AxisSamples {
  const n = o1 - o0;
  const out: AxisSamples = {
    start: n,
    end: n,
    first: new Int32Array(n),
    second: new Int32Array(n),
    weight: new Float64Array(n),
  };
  for (let k = 0; k < n; k++) {
    const i = (o0 + k + 0.5 - crop) * scale + pad;
    if (i < b0) continue;
    if (i > b1) break;
    if (out.start === n) out.start = k;
    out.end = k + 1;
    if (mode === 'fast') {
      out.first[k] = (Math.min(p1, Math.max(p0, Math.floor(i * protoScale))) - p0) * stride;
      continue;
    }
    const centre = mode === 'tradeoff' ? (Math.floor((i * work) / input) + 0.5) * (input / work) : i;
    const f = Math.min(p1, Math.max(p0, centre * protoScale - 0.5)) - p0;
    const c0 = Math.floor(f);
    out.first[k] = c0 * stride;
    out.second[k] = Math.min(lastCell, c0 + 1) * stride;
    out.weight[k] = f - c0;
  }
  return out;
}
