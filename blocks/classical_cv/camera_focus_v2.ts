import {
  defineBlock,
  isDetections,
  literalOrSelector,
  selector,
  type Detections,
  type WorkflowImage,
} from '../../engine/index.ts';
import { sobel } from '../common/cv/gradients.ts';
import { Canvas, clampBox, drawTexts, toGray } from '../common/draw/index.ts';
import { cvManifest, inputImage, IMAGE_OUTPUT } from './common.ts';

/** Tenengrad: per pixel gx^2 + gy^2 of 3x3 Sobel derivatives. */
export function tenengradMap(gray: Uint8Array, width: number, height: number): Float32Array {
  const { gx, gy } = sobel(gray, width, height);
  const map = new Float32Array(width * height);
  for (let i = 0; i < map.length; i++) map[i] = gx[i]! * gx[i]! + gy[i]! * gy[i]!;
  return map;
}

function meanOver(map: Float32Array, width: number, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let x = x0, i = y * width + x0; x < x1; x++, i++) sum += map[i]!;
  const n = (x1 - x0) * (y1 - y0);
  return n > 0 ? sum / n : 0;
}

/** Mean Tenengrad inside each detection box (clipped to the image); 0 for boxes outside it. */
export function boxFocusMeasures(map: Float32Array, width: number, height: number, detections: Detections): number[] {
  const out: number[] = [];
  for (let i = 0; i < detections.length; i++) {
    const [x0, y0, x1, y1] = clampBox(Array.from(detections.xyxy.subarray(i * 4, i * 4 + 4)), width, height);
    out.push(meanOver(map, width, Math.floor(x0), Math.floor(y0), Math.ceil(x1), Math.ceil(y1)));
  }
  return out;
}

const PEAK_COLOR = [0, 255, 0] as const;
const ZEBRA_COLOR = [255, 0, 255] as const;
const GUIDE_COLOR = [255, 255, 255] as const;

interface Overlays {
  show_zebra_warnings: boolean;
  show_focus_peaking: boolean;
  show_hud: boolean;
  show_composition_grid: boolean;
  show_center_marker: boolean;
}

async function drawOverlays(
  image: WorkflowImage,
  gray: Uint8Array,
  map: Float32Array,
  focus: number,
  o: Overlays,
): Promise<WorkflowImage> {
  const canvas = Canvas.copyOf(image);
  const { width, height, pixels } = canvas;
  if (o.show_zebra_warnings) {
    // Diagonal stripes over clipped shadows and highlights.
    for (let i = 0; i < gray.length; i++) {
      const x = i % width;
      const y = (i - x) / width;
      if ((gray[i]! >= 250 || gray[i]! <= 5) && ((x + y) >> 3) % 2 === 0) pixels.set(ZEBRA_COLOR, i * 3);
    }
  }
  if (o.show_focus_peaking) {
    // The sharpest edges: well above the image's mean gradient energy.
    const threshold = Math.max(focus * 4, 1);
    for (let i = 0; i < map.length; i++) if (map[i]! > threshold) pixels.set(PEAK_COLOR, i * 3);
  }
  if (o.show_composition_grid) {
    for (const f of [1 / 3, 2 / 3]) {
      canvas.line([width * f, 0], [width * f, height - 1], GUIDE_COLOR, 1);
      canvas.line([0, height * f], [width - 1, height * f], GUIDE_COLOR, 1);
    }
  }
  if (o.show_center_marker) {
    const arm = Math.max(8, Math.round(Math.min(width, height) * 0.03));
    canvas.line([width / 2 - arm, height / 2], [width / 2 + arm, height / 2], GUIDE_COLOR, 2);
    canvas.line([width / 2, height / 2 - arm], [width / 2, height / 2 + arm], GUIDE_COLOR, 2);
  }
  if (o.show_hud) {
    const fontPx = Math.max(12, Math.round(Math.min(width, height) / 30));
    canvas.fillRect(0, 0, fontPx * 9, Math.round(fontPx * 1.8), [0, 0, 0], 0.6);
    await drawTexts(canvas, [
      {
        text: `Focus: ${focus.toFixed(2)}`,
        x: Math.round(fontPx * 0.4),
        y: Math.round(fontPx * 1.3),
        color: [255, 255, 255],
        fontPx,
      },
    ]);
  }
  return canvas.toImage(image);
}

const flag = (title: string, description: string, value: boolean) =>
  literalOrSelector({ type: 'boolean' }, ['boolean'], {
    title,
    description,
    default: value,
    examples: [value, '$inputs.flag'],
  });

export const cameraFocusV2 = defineBlock<{ image: WorkflowImage; detections: unknown } & Overlays>({
  manifest: cvManifest({
    type: 'roboflow_core/camera_focus@v2',
    humanName: 'Camera Focus',
    version: 'v2',
    shortDescription:
      'Focus score (Tenengrad: mean squared Sobel gradient) for the image and for each detection box, with camera-assist overlays.',
    icon: 'far fa-aperture',
    properties: {
      image: inputImage(),
      detections: selector(['object_detection_prediction', 'instance_segmentation_prediction'], {
        title: 'Detections',
        description: 'Optional boxes to measure focus in, one value per box.',
        examples: ['$steps.model.predictions'],
      }),
      show_zebra_warnings: flag('Zebra Warnings', 'Stripe clipped shadows and highlights.', false),
      show_focus_peaking: flag('Focus Peaking', 'Highlight the sharpest edges in green.', true),
      show_hud: flag('Heads-up Display', 'Print the focus value on the image.', true),
      show_composition_grid: flag('Composition Grid', 'Draw rule-of-thirds lines.', false),
      show_center_marker: flag('Center Marker', 'Draw a cross at the image centre.', true),
    },
    required: ['image'],
    outputs: [
      IMAGE_OUTPUT,
      { name: 'focus_measure', kind: ['float'] },
      { name: 'bbox_focus_measures', kind: ['list_of_values'] },
    ],
  }),
  async run(params) {
    const { image } = params;
    const gray = toGray(image.pixels);
    const map = tenengradMap(gray, image.width, image.height);
    const focus = meanOver(map, image.width, 0, 0, image.width, image.height);
    const boxes = isDetections(params.detections)
      ? boxFocusMeasures(map, image.width, image.height, params.detections)
      : [];
    return {
      image: await drawOverlays(image, gray, map, focus, params),
      focus_measure: focus,
      bbox_focus_measures: boxes,
    };
  },
});
