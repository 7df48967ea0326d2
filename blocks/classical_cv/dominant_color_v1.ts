import { defineBlock, type WorkflowImage } from '../../engine/index.ts';
import { cvManifest, inputImage, intParam } from './common.ts';
import { positiveInt } from '../common/param-errors.ts';
import { seededRandom as mulberry32 } from '../common/cv/random.ts';

/** Samples pixels on a grid so the longer side has at most `target` samples. */
function samplePixels(image: WorkflowImage, target: number): Float32Array {
  const scale = Math.min(1, target / Math.max(image.width, image.height));
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const out = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(image.height - 1, Math.floor(((y + 0.5) * image.height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(image.width - 1, Math.floor(((x + 0.5) * image.width) / w));
      const s = (sy * image.width + sx) * 3;
      const d = (y * w + x) * 3;
      out[d] = image.pixels[s]!;
      out[d + 1] = image.pixels[s + 1]!;
      out[d + 2] = image.pixels[s + 2]!;
    }
  }
  return out;
}

/** k-means (k-means++ seeding) over RGB samples; returns the centre of the most populated cluster. */
export function dominantColor(samples: Float32Array, k: number, maxIterations: number): [number, number, number] {
  const n = samples.length / 3;
  const random = mulberry32(n * 31 + k);
  const centers = new Float32Array(k * 3);
  const dist = new Float32Array(n).fill(Infinity);
  let pick = Math.floor(random() * n);
  for (let c = 0; c < k; c++) {
    centers.set(samples.subarray(pick * 3, pick * 3 + 3), c * 3);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d =
        (samples[i * 3]! - centers[c * 3]!) ** 2 +
        (samples[i * 3 + 1]! - centers[c * 3 + 1]!) ** 2 +
        (samples[i * 3 + 2]! - centers[c * 3 + 2]!) ** 2;
      if (d < dist[i]!) dist[i] = d;
      total += dist[i]!;
    }
    if (total === 0) break;
    let r = random() * total;
    for (pick = 0; pick < n - 1 && (r -= dist[pick]!) > 0; pick++);
  }
  const labels = new Int32Array(n);
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * 3);
  for (let iter = 0; iter < maxIterations; iter++) {
    let changed = iter === 0;
    counts.fill(0);
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d =
          (samples[i * 3]! - centers[c * 3]!) ** 2 +
          (samples[i * 3 + 1]! - centers[c * 3 + 1]!) ** 2 +
          (samples[i * 3 + 2]! - centers[c * 3 + 2]!) ** 2;
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      if (labels[i] !== best) changed = true;
      labels[i] = best;
      counts[best]!++;
      for (let ch = 0; ch < 3; ch++) sums[best * 3 + ch]! += samples[i * 3 + ch]!;
    }
    for (let c = 0; c < k; c++)
      if (counts[c]! > 0) for (let ch = 0; ch < 3; ch++) centers[c * 3 + ch] = sums[c * 3 + ch]! / counts[c]!;
    if (!changed) break;
  }
  let top = 0;
  for (let c = 1; c < k; c++) if (counts[c]! > counts[top]!) top = c;
  return [Math.round(centers[top * 3]!), Math.round(centers[top * 3 + 1]!), Math.round(centers[top * 3 + 2]!)];
}

export const dominantColorV1 = defineBlock<{
  image: WorkflowImage;
  color_clusters?: number;
  max_iterations?: number;
  target_size?: number;
}>({
  manifest: cvManifest({
    type: 'roboflow_core/dominant_color@v1',
    humanName: 'Dominant Color',
    shortDescription: 'Get the dominant color of an image in RGB format.',
    icon: 'far fa-palette',
    properties: {
      image: inputImage(),
      color_clusters: intParam('Color Clusters', 'Number of dominant colors to identify.', 4, {
        minimum: 1,
        maximum: 10,
      }),
      max_iterations: intParam('Max Iterations', 'Max number of iterations to perform.', 100, {
        minimum: 1,
        maximum: 500,
      }),
      target_size: intParam(
        'Target Size',
        'Sets target for the smallest dimension of the downsampled image in pixels.',
        100,
        { minimum: 1, maximum: 250 },
      ),
    },
    required: ['image'],
    outputs: [{ name: 'rgb_color', kind: ['rgb_color'] }],
  }),
  run({ image, color_clusters = 4, max_iterations = 100, target_size = 100 }, context) {
    const k = positiveInt(color_clusters, context.stepName, 'color_clusters');
    const iterations = positiveInt(max_iterations, context.stepName, 'max_iterations');
    const size = positiveInt(target_size, context.stepName, 'target_size');
    return { rgb_color: dominantColor(samplePixels(image, size), k, iterations) };
  },
});
