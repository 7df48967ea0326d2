import { defineBlock, type WorkflowImage } from '../../engine/index.ts';
import { Canvas, drawTexts, grayToRgb, PX_PER_TEXT_SCALE, toGray } from '../common/draw/index.ts';
import { cvManifest, inputImage, IMAGE_OUTPUT } from './common.ts';

/**
 * Brenner focus measure: per pixel the larger of the forward differences two pixels apart (horizontal or
 * vertical, negative differences clipped to 0), squared. Returns the map and its mean.
 */
export function brennerFocus(gray: Uint8Array, width: number, height: number): { map: Float64Array; mean: number } {
  const map = new Float64Array(width * height);
  let sum = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const h = x < width - 2 ? Math.max(0, gray[i + 2]! - gray[i]!) : 0;
      const v = y < height - 2 ? Math.max(0, gray[i + 2 * width]! - gray[i]!) : 0;
      const m = Math.max(h, v);
      map[i] = m * m;
      sum += m * m;
    }
  }
  return { map, mean: sum / (width * height) };
}

export const cameraFocusV1 = defineBlock<{ image: WorkflowImage }>({
  manifest: cvManifest({
    type: 'roboflow_core/camera_focus@v1',
    humanName: 'Camera Focus',
    shortDescription: 'Helps focus a camera by providing a focus measure (Brenner).',
    icon: 'far fa-aperture',
    properties: { image: inputImage() },
    required: ['image'],
    outputs: [IMAGE_OUTPUT, { name: 'focus_measure', kind: ['float'] }],
  }),
  async run({ image }) {
    const { map, mean } = brennerFocus(toGray(image.pixels), image.width, image.height);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < map.length; i++) {
      if (map[i]! < lo) lo = map[i]!;
      if (map[i]! > hi) hi = map[i]!;
    }
    const gray = new Uint8Array(map.length);
    if (hi > lo) for (let i = 0; i < map.length; i++) gray[i] = Math.trunc(((map[i]! - lo) / (hi - lo)) * 255);
    const canvas = new Canvas(grayToRgb(gray), image.width, image.height);
    await drawTexts(canvas, [
      {
        text: `Focus value: ${mean.toFixed(2)}`,
        x: 10,
        y: 30,
        color: [255, 255, 255],
        fontPx: PX_PER_TEXT_SCALE,
        bold: true,
      },
    ]);
    return { image: canvas.toImage(image), focus_measure: mean };
  },
});
