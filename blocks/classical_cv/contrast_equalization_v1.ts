import { defineBlock, type WorkflowImage } from '../../engine/index.ts';
import { cvManifest, enumParam, inputImage, IMAGE_OUTPUT } from './common.ts';
import { invalidParam } from '../common/param-errors.ts';

const TYPES = ['Contrast Stretching', 'Histogram Equalization', 'Adaptive Equalization'] as const;

function channelHistograms(pixels: Uint8Array): Float64Array[] {
  const hist = [new Float64Array(256), new Float64Array(256), new Float64Array(256)];
  for (let i = 0; i < pixels.length; i += 3) {
    hist[0]![pixels[i]!]!++;
    hist[1]![pixels[i + 1]!]!++;
    hist[2]![pixels[i + 2]!]!++;
  }
  return hist;
}

function percentile(hist: Float64Array, total: number, p: number): number {
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (seen >= total * p) return v;
  }
  return 255;
}

/** Cumulative-histogram lookup table, clipped at `clipLimit` counts per bin (no clipping when Infinity). */
function equalizationTable(hist: Float64Array, clipLimit = Infinity): Uint8Array {
  const h = Float64Array.from(hist);
  if (Number.isFinite(clipLimit)) {
    let excess = 0;
    for (let v = 0; v < 256; v++) {
      if (h[v]! > clipLimit) {
        excess += h[v]! - clipLimit;
        h[v] = clipLimit;
      }
    }
    for (let v = 0; v < 256; v++) h[v]! += excess / 256;
  }
  let total = 0;
  for (let v = 0; v < 256; v++) total += h[v]!;
  const lut = new Uint8Array(256);
  let cdf = 0;
  for (let v = 0; v < 256; v++) {
    cdf += h[v]!;
    lut[v] = Math.round((255 * cdf) / total);
  }
  return lut;
}

// CLAHE: an equalisation table per 8x8 tile, bilinearly blended between tile centres.
function adaptiveEqualize(pixels: Uint8Array, width: number, height: number): Uint8Array {
  const tiles = 8;
  const tw = width / tiles;
  const th = height / tiles;
  const out = new Uint8Array(pixels.length);
  for (let c = 0; c < 3; c++) {
    const luts: Uint8Array[] = [];
    for (let ty = 0; ty < tiles; ty++) {
      for (let tx = 0; tx < tiles; tx++) {
        const hist = new Float64Array(256);
        const y0 = Math.floor(ty * th);
        const y1 = Math.max(y0 + 1, Math.floor((ty + 1) * th));
        const x0 = Math.floor(tx * tw);
        const x1 = Math.max(x0 + 1, Math.floor((tx + 1) * tw));
        for (let y = y0; y < Math.min(height, y1); y++)
          for (let x = x0; x < Math.min(width, x1); x++) hist[pixels[(y * width + x) * 3 + c]!]!++;
        const count = (Math.min(height, y1) - y0) * (Math.min(width, x1) - x0);
        luts.push(equalizationTable(hist, Math.max(1, 0.03 * count)));
      }
    }
    for (let y = 0; y < height; y++) {
      const fy = Math.max(0, Math.min(tiles - 1, (y + 0.5) / th - 0.5));
      const ty0 = Math.floor(fy);
      const ty1 = Math.min(tiles - 1, ty0 + 1);
      const wy = fy - ty0;
      for (let x = 0; x < width; x++) {
        const fx = Math.max(0, Math.min(tiles - 1, (x + 0.5) / tw - 0.5));
        const tx0 = Math.floor(fx);
        const tx1 = Math.min(tiles - 1, tx0 + 1);
        const wx = fx - tx0;
        const v = pixels[(y * width + x) * 3 + c]!;
        const top = luts[ty0 * tiles + tx0]![v]! * (1 - wx) + luts[ty0 * tiles + tx1]![v]! * wx;
        const bottom = luts[ty1 * tiles + tx0]![v]! * (1 - wx) + luts[ty1 * tiles + tx1]![v]! * wx;
        out[(y * width + x) * 3 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}

export const contrastEqualizationV1 = defineBlock<{ image: WorkflowImage; equalization_type?: string }>({
  manifest: cvManifest({
    type: 'roboflow_core/contrast_equalization@v1',
    humanName: 'Contrast Equalization',
    shortDescription: 'Apply contrast equalization to an image.',
    icon: 'far fa-circle-half-stroke',
    properties: {
      image: inputImage(),
      equalization_type: enumParam(
        'Equalization Type',
        'Type of contrast equalization to use.',
        TYPES,
        'Histogram Equalization',
      ),
    },
    required: ['image'],
    outputs: [IMAGE_OUTPUT],
  }),
  run({ image, equalization_type = 'Histogram Equalization' }, context) {
    const { pixels, width, height } = image;
    const hist = channelHistograms(pixels);
    const total = width * height;
    let out: Uint8Array;
    if (equalization_type === 'Contrast Stretching') {
      // Stretch the 2nd..98th percentiles of each channel to the full range.
      const luts = hist.map((h) => {
        const lo = percentile(h, total, 0.02);
        const hi = percentile(h, total, 0.98);
        return Uint8Array.from({ length: 256 }, (_, v) =>
          hi > lo ? Math.max(0, Math.min(255, Math.round(((v - lo) * 255) / (hi - lo)))) : v,
        );
      });
      out = new Uint8Array(pixels.length);
      for (let i = 0; i < pixels.length; i++) out[i] = luts[i % 3]![pixels[i]!]!;
    } else if (equalization_type === 'Histogram Equalization') {
      const luts = hist.map((h) => equalizationTable(h));
      out = new Uint8Array(pixels.length);
      for (let i = 0; i < pixels.length; i++) out[i] = luts[i % 3]![pixels[i]!]!;
    } else if (equalization_type === 'Adaptive Equalization') {
      out = adaptiveEqualize(pixels, width, height);
    } else {
      throw invalidParam(context.stepName, 'equalization_type', equalization_type, TYPES.join(', '));
    }
    return { image: image.withPixels(out) };
  },
});
