import { defineBlock, type WorkflowImage } from '../../engine/index.ts';
import { gaussianBlur, grayFloat, type FloatImage } from '../common/cv/float-image.ts';
import { sobel } from '../common/cv/gradients.ts';
import { cvManifest, enumParam, floatParam, inputImage, intParam, IMAGE_OUTPUT } from './common.ts';
import { rotate } from './geometry.ts';

const ORIENTATIONS = ['vertical', 'horizontal', 'either'] as const;
type Orientation = (typeof ORIENTATIONS)[number];
const BINS = 180;
/** Below this grey-level standard deviation the image is flat: nothing to align. */
const FLAT_STD = 2;
/** The dominant orientation must stand this far above the histogram's mean to be trusted. */
const MIN_PEAK_RATIO = 2;
const REFINE_HALF_WIDTH_DEG = 3;

/** Box-averaged copy whose larger side is at most maxSide. */
function downscale(src: FloatImage, maxSide: number): FloatImage {
  const factor = Math.ceil(Math.max(src.width, src.height) / Math.max(1, maxSide));
  if (factor <= 1) return src;
  const width = Math.floor(src.width / factor);
  const height = Math.floor(src.height / factor);
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++)
        for (let dx = 0; dx < factor; dx++) sum += src.data[(y * factor + dy) * src.width + x * factor + dx]!;
      data[y * width + x] = sum / (factor * factor);
    }
  }
  return { data, width, height };
}

function wrap(deg: number, period: number): number {
  let d = deg % period;
  if (d <= -period / 2) d += period;
  if (d > period / 2) d -= period;
  return d;
}

/**
 * Skew (degrees, clockwise in image coordinates) of the dominant straight edges away from the target axis, from a
 * magnitude-weighted histogram of gradient orientations (mod 180), refined by a doubled-angle circular mean;
 * null when the image is flat or no orientation dominates.
 */
export function dominantSkew(image: WorkflowImage, target: Orientation, internalResolution: number): number | null {
  const work = downscale(grayFloat(image.pixels, image.width, image.height), internalResolution);
  let mean = 0;
  for (const v of work.data) mean += v;
  mean /= work.data.length;
  let variance = 0;
  for (const v of work.data) variance += (v - mean) ** 2;
  if (Math.sqrt(variance / work.data.length) < FLAT_STD) return null;
  const smooth = gaussianBlur(work, 1);
  const { gx, gy } = sobel(smooth.data, smooth.width, smooth.height);
  const theta = new Float32Array(gx.length);
  const weight = new Float32Array(gx.length);
  const hist = new Float64Array(BINS);
  for (let i = 0; i < gx.length; i++) {
    const mag = Math.hypot(gx[i]!, gy[i]!);
    if (mag === 0) continue;
    let deg = (Math.atan2(gy[i]!, gx[i]!) * 180) / Math.PI;
    if (deg < 0) deg += 180;
    if (deg >= 180) deg -= 180;
    theta[i] = deg;
    weight[i] = mag;
    hist[Math.floor(deg) % BINS]! += mag;
  }
  const smoothed = new Float64Array(BINS);
  let total = 0;
  let peak = 0;
  for (let b = 0; b < BINS; b++) {
    for (let k = -2; k <= 2; k++) smoothed[b]! += hist[(b + k + BINS) % BINS]! * (3 - Math.abs(k));
    total += smoothed[b]!;
    if (smoothed[b]! > smoothed[peak]!) peak = b;
  }
  if (total === 0 || smoothed[peak]! < (MIN_PEAK_RATIO * total) / BINS) return null;
  const centre = peak + 0.5;
  let c = 0;
  let s = 0;
  for (let i = 0; i < theta.length; i++) {
    if (!weight[i] || Math.abs(wrap(theta[i]! - centre, 180)) > REFINE_HALF_WIDTH_DEG) continue;
    const a = (theta[i]! * Math.PI) / 90;
    c += weight[i]! * Math.cos(a);
    s += weight[i]! * Math.sin(a);
  }
  const refined = (Math.atan2(s, c) * 90) / Math.PI;
  // A vertical edge has a horizontal gradient (0 degrees); a horizontal edge a vertical one (90 degrees).
  if (target === 'vertical') return wrap(refined, 180);
  if (target === 'horizontal') return wrap(refined - 90, 180);
  return wrap(refined, 90);
}

export const autoRotateOnEdgesV1 = defineBlock<{
  image: WorkflowImage;
  target_orientation: string;
  skip_below_degrees: number;
  max_correction_degrees: number;
  internal_resolution: number;
}>({
  manifest: cvManifest({
    type: 'roboflow_core/auto_rotate_on_edges@v1',
    humanName: 'Auto Rotate on Edges',
    shortDescription:
      'Deskew an image so its dominant straight edges become vertical, horizontal, or whichever is closer.',
    longDescription:
      'Estimates the dominant edge orientation from a magnitude-weighted histogram of Sobel gradient directions on a downscaled copy, then rotates the full image by the correction on a canvas grown to keep every pixel. Flat images, images without a dominant orientation, and corrections below skip_below_degrees or above max_correction_degrees are returned unchanged with angle 0.',
    icon: 'far fa-rotate',
    properties: {
      image: inputImage(),
      target_orientation: enumParam(
        'Target Orientation',
        'Which axis the dominant edges should align to.',
        ORIENTATIONS,
        'either',
      ),
      skip_below_degrees: floatParam(
        'Skip Below Degrees',
        'Leave the image unchanged when the correction is smaller than this.',
        0.5,
      ),
      max_correction_degrees: floatParam(
        'Max Correction Degrees',
        'Leave the image unchanged when the correction is larger than this.',
        45,
      ),
      internal_resolution: intParam(
        'Internal Resolution',
        'Longest side of the working copy used to estimate the angle.',
        1000,
        { minimum: 16 },
      ),
    },
    required: ['image'],
    outputs: [IMAGE_OUTPUT, { name: 'angle', kind: ['float'] }],
  }),
  async run(params) {
    const { image } = params;
    const target = (ORIENTATIONS as readonly string[]).includes(params.target_orientation)
      ? (params.target_orientation as Orientation)
      : 'either';
    const skew = dominantSkew(image, target, Number(params.internal_resolution) || 1000);
    // Rotating by -skew (clockwise degrees) undoes the skew.
    const angle = skew === null ? 0 : -skew;
    if (
      angle === 0 ||
      Math.abs(angle) < Number(params.skip_below_degrees) ||
      Math.abs(angle) > Number(params.max_correction_degrees)
    )
      return { image, angle: 0 };
    const rotated = await rotate(image, angle);
    return { image: image.withPixels(rotated.pixels, rotated.width, rotated.height), angle };
  },
});
