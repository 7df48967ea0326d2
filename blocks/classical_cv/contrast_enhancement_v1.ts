// roboflow_core/contrast_enhancement@v1: per-channel linear stretch between min/max (or clipped percentiles),
// optional contrast multiplier around mid-grey and a gamma midtone lift. Parameters are literal-only, as in
// Roboflow's manifest.
import { defineBlock, literal, type WorkflowImage } from '../../engine/index.ts';
import { cvManifest, inputImage, IMAGE_OUTPUT } from './common.ts';

/** numpy's default percentile (linear interpolation between closest ranks), read from a 256-bin histogram. */
export function histogramPercentile(hist: Float64Array, total: number, p: number): number {
  const rank = (p / 100) * (total - 1);
  const lowRank = Math.floor(rank);
  const frac = rank - lowRank;
  let seen = 0;
  let low = -1;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (low < 0 && seen > lowRank) low = v;
    if (seen > lowRank + 1 || (frac === 0 && low >= 0)) {
      return frac === 0 ? low : low + (v - low) * frac;
    }
  }
  return low;
}

/** Lookup table of one channel (values 0..255 → enhanced uint8), or null when the channel is left unchanged. */
export function enhancementTable(
  hist: Float64Array,
  total: number,
  clipLimit: number,
  multiplier: number,
  normalizeBrightness: boolean,
): Uint8Array | null {
  let lo: number;
  let hi: number;
  if (clipLimit > 0) {
    lo = histogramPercentile(hist, total, clipLimit);
    hi = histogramPercentile(hist, total, 100 - clipLimit);
  } else {
    lo = hist.findIndex((c) => c > 0);
    hi = 255 - [...hist].reverse().findIndex((c) => c > 0);
  }
  if (!(hi > lo)) return null;
  const lut = new Uint8Array(256);
  for (let x = 0; x < 256; x++) {
    let v = ((x - lo) / (hi - lo)) * 255;
    if (multiplier !== 1) v = 128 + (v - 128) * multiplier;
    if (normalizeBrightness) v = 255 * Math.pow(Math.min(255, Math.max(0, v)) / 255, 1 / 1.3);
    lut[x] = Math.trunc(Math.min(255, Math.max(0, v)));
  }
  return lut;
}

interface Params {
  image: WorkflowImage;
  clip_limit: number;
  contrast_multiplier: number;
  normalize_brightness: boolean;
}

export const contrastEnhancementV1 = defineBlock<Params>({
  manifest: cvManifest({
    type: 'roboflow_core/contrast_enhancement@v1',
    humanName: 'Contrast Enhancement',
    shortDescription: 'Stretch each colour channel to the full range, with optional clipping and midtone lift.',
    longDescription:
      'Per channel, maps the darkest and brightest values (or the `clip_limit` and 100 − `clip_limit` percentiles) to 0 and 255, then scales contrast around mid-grey by `contrast_multiplier` and, with `normalize_brightness`, lifts midtones (gamma 1/1.3). A channel with a single value is left unchanged.',
    icon: 'far fa-circle-half-stroke',
    properties: {
      image: inputImage(),
      clip_limit: literal(
        { type: 'integer', minimum: 0, maximum: 50 },
        {
          title: 'Clip Limit',
          description: 'Percent of darkest and brightest pixels ignored when finding the stretch range.',
          default: 0,
          examples: [0, 2],
        },
      ),
      contrast_multiplier: literal(
        { type: 'number', minimum: 0.1, maximum: 5.0 },
        {
          title: 'Contrast Multiplier',
          description: 'Contrast scale around mid-grey applied after stretching.',
          default: 1.0,
          examples: [1.0, 1.5],
        },
      ),
      normalize_brightness: literal(
        { type: 'boolean' },
        { title: 'Normalize Brightness', description: 'Lift midtones after stretching.', default: false },
      ),
    },
    required: ['image'],
    propertyAliases: { images: 'image' },
    outputs: [IMAGE_OUTPUT],
  }),
  run({ image, clip_limit = 0, contrast_multiplier = 1, normalize_brightness = false }) {
    const { pixels } = image;
    const hist = [new Float64Array(256), new Float64Array(256), new Float64Array(256)];
    for (let i = 0; i < pixels.length; i += 3) {
      hist[0]![pixels[i]!]!++;
      hist[1]![pixels[i + 1]!]!++;
      hist[2]![pixels[i + 2]!]!++;
    }
    const total = image.width * image.height;
    const luts = hist.map((h) =>
      enhancementTable(h, total, Number(clip_limit), Number(contrast_multiplier), normalize_brightness === true),
    );
    const out = new Uint8Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) {
      const lut = luts[i % 3];
      out[i] = lut ? lut[pixels[i]!]! : pixels[i]!;
    }
    return { image: image.withPixels(out) };
  },
});
