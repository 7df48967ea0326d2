import { defineBlock, type WorkflowImage } from '../../engine/index.ts';
import { boxKernel, gaussianKernel, grayToRgb, separableFilter, toGray } from '../common/draw/index.ts';
import { cvManifest, enumParam, inputImage, intParam, IMAGE_OUTPUT } from './common.ts';
import { invalidParam } from '../common/param-errors.ts';

const TYPES = [
  'binary',
  'binary_inv',
  'trunc',
  'tozero',
  'tozero_inv',
  'adaptive_mean',
  'adaptive_gaussian',
  'otsu',
] as const;

/** Otsu's threshold: the level maximising between-class variance of the histogram. */
export function otsuLevel(gray: Uint8Array): number {
  const hist = new Float64Array(256);
  for (let i = 0; i < gray.length; i++) hist[gray[i]!]!++;
  let sum = 0;
  for (let v = 0; v < 256; v++) sum += v * hist[v]!;
  let sumB = 0;
  let wB = 0;
  let best = 0;
  let level = 0;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = gray.length - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const between = wB * wF * (sumB / wB - (sum - sumB) / wF) ** 2;
    if (between > best) {
      best = between;
      level = t;
    }
  }
  return level;
}

export const thresholdV1 = defineBlock<{
  image: WorkflowImage;
  threshold_type?: string;
  thresh_value: number;
  max_value?: number;
}>({
  manifest: cvManifest({
    type: 'roboflow_core/threshold@v1',
    humanName: 'Image Threshold',
    shortDescription: 'Apply a threshold to an image.',
    icon: 'far fa-circle-half-stroke',
    properties: {
      image: inputImage(),
      threshold_type: enumParam(
        'Threshold Type',
        'Type of thresholding to apply (computed on the grayscale image).',
        TYPES,
        'binary',
      ),
      thresh_value: intParam('Threshold Value', 'Threshold value.', 127),
      max_value: intParam('Max Value', 'Value given to pixels above the threshold.', 255),
    },
    required: ['image', 'thresh_value'],
    outputs: [IMAGE_OUTPUT],
  }),
  run({ image, threshold_type = 'binary', thresh_value = 127, max_value = 255 }, context) {
    const gray = toGray(image.pixels);
    const { width, height } = image;
    const t = Number(thresh_value);
    const max = Math.max(0, Math.min(255, Number(max_value)));
    const out = new Uint8Array(gray.length);
    switch (threshold_type) {
      case 'binary':
      case 'binary_inv':
      case 'trunc':
      case 'tozero':
      case 'tozero_inv':
      case 'otsu': {
        const level = threshold_type === 'otsu' ? otsuLevel(gray) : t;
        for (let i = 0; i < gray.length; i++) {
          const v = gray[i]!;
          const above = v > level;
          out[i] =
            threshold_type === 'binary' || threshold_type === 'otsu'
              ? above
                ? max
                : 0
              : threshold_type === 'binary_inv'
                ? above
                  ? 0
                  : max
                : threshold_type === 'trunc'
                  ? above
                    ? level
                    : v
                  : threshold_type === 'tozero'
                    ? above
                      ? v
                      : 0
                    : above
                      ? 0
                      : v;
        }
        break;
      }
      case 'adaptive_mean':
      case 'adaptive_gaussian': {
        // 11x11 neighbourhood, constant 2 (the values Roboflow's block uses).
        const kernel = threshold_type === 'adaptive_mean' ? boxKernel(11) : gaussianKernel(11);
        const local = separableFilter(gray, width, height, 1, kernel);
        for (let i = 0; i < gray.length; i++) out[i] = gray[i]! > local[i]! - 2 ? max : 0;
        break;
      }
      default:
        throw invalidParam(context.stepName, 'threshold_type', threshold_type, TYPES.join(', '));
    }
    return { image: image.withPixels(grayToRgb(out)) };
  },
});
