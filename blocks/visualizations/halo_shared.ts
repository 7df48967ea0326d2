// A soft glow around segmented objects: their coloured masks, box-blurred, blended outside the objects only.
import type { StepContext } from '../../engine/index.ts';
import { boxKernel, separableFilter, type Canvas } from '../common/draw/index.ts';
import {
  detectionColors,
  floatProperty,
  intProperty,
  MASK_PREDICTION_KINDS,
  type VisualizationParams,
  type VisualizationSpec,
} from './common.ts';
import { detectionMask, largestFirst } from './masks.ts';

export function haloSpec(type: string, version: string, aliases?: string[]): VisualizationSpec {
  return {
    type,
    aliases,
    version,
    humanName: 'Halo Visualization',
    shortDescription: 'Paint a halo around detected objects in an image.',
    icon: 'far fa-circle-half-stroke',
    colorable: true,
    predictionKinds: MASK_PREDICTION_KINDS,
    properties: {
      opacity: floatProperty('Opacity', 'Transparency of the halo overlay.', 0.8, ['float_zero_to_one'], {
        minimum: 0,
        maximum: 1,
      }),
      kernel_size: intProperty('Kernel Size', 'Size of the average pooling kernel used for creating the halo.', 40),
    },
  };
}

export function drawHalo(canvas: Canvas, params: VisualizationParams, context: StepContext): void {
  const detections = params.predictions!;
  if (detections.length === 0) return;
  const { width, height } = canvas;
  const colors = detectionColors(params, detections, context.stepName);
  const colored = new Uint8Array(width * height * 3);
  const inside = new Uint8Array(width * height);
  for (const i of largestFirst(detections)) {
    const mask = detectionMask(detections, i, canvas);
    const [r, g, b] = colors[i]!;
    for (let k = 0; k < mask.length; k++) {
      if (!mask[k]) continue;
      inside[k] = 1;
      colored[k * 3] = r;
      colored[k * 3 + 1] = g;
      colored[k * 3 + 2] = b;
    }
  }
  const blurred = separableFilter(colored, width, height, 3, boxKernel(Number(params.kernel_size ?? 40)));
  let maxLevel = 0;
  const level = new Float32Array(width * height);
  for (let k = 0; k < level.length; k++) {
    level[k] = blurred[k * 3]! * 0.299 + blurred[k * 3 + 1]! * 0.587 + blurred[k * 3 + 2]! * 0.114;
    if (level[k]! > maxLevel) maxLevel = level[k]!;
  }
  if (maxLevel === 0) return;
  const opacity = Number(params.opacity ?? 0.8);
  const p = canvas.pixels;
  for (let k = 0; k < level.length; k++) {
    if (inside[k] || level[k] === 0) continue;
    const a = (opacity * level[k]!) / maxLevel;
    for (let c = 0; c < 3; c++) p[k * 3 + c] = p[k * 3 + c]! * (1 - a) + blurred[k * 3 + c]! * a + 0.5;
  }
}
