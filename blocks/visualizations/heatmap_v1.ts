// roboflow_core/heatmap_visualization@v1: heat accumulates where detections' anchors fall (a disc of `radius`
// per detection per frame) and is drawn as a hue ramp from low_hue (cold) to top_hue (hot) over the pixels that
// ever got heat. Heat lives as long as the compiled workflow, per video and per drawing settings.
import {
  literalOrSelector,
  selector,
  type Detections,
  type StepContext,
  type VideoMetadata,
} from '../../engine/index.ts';
import { boxAnchor, boxKernel, separableFilter, type Canvas } from '../common/draw/index.ts';
import { defineVisualization, enumProperty, floatProperty, intProperty, type VisualizationParams } from './common.ts';

const HEATMAP_POSITIONS = [
  'CENTER',
  'CENTER_LEFT',
  'CENTER_RIGHT',
  'TOP_CENTER',
  'TOP_LEFT',
  'TOP_RIGHT',
  'BOTTOM_CENTER',
  'BOTTOM_LEFT',
  'BOTTOM_RIGHT',
] as const;

interface HeatState {
  width: number;
  height: number;
  heat: Float32Array;
}

/** OpenCV-scale hue (0..180) at full saturation and value, as RGB. */
export function hueToRgb(hue: number): [number, number, number] {
  const h = ((((hue * 2) % 360) + 360) % 360) / 60;
  const sector = Math.floor(h);
  const f = h - sector;
  const down = Math.round(255 * (1 - f));
  const up = Math.round(255 * f);
  switch (sector) {
    case 0:
      return [255, up, 0];
    case 1:
      return [down, 255, 0];
    case 2:
      return [0, 255, up];
    case 3:
      return [0, down, 255];
    case 4:
      return [up, 0, 255];
    default:
      return [255, 0, down];
  }
}

function addDisc(heat: Float32Array, width: number, height: number, cx: number, cy: number, radius: number): void {
  const top = Math.max(0, cy - radius);
  const bottom = Math.min(height - 1, cy + radius);
  for (let y = top; y <= bottom; y++) {
    const dy = y - cy;
    const dx = Math.floor(Math.sqrt(Math.max(0, radius * radius - dy * dy)));
    const from = Math.max(0, cx - dx);
    const to = Math.min(width - 1, cx + dx);
    const row = y * width;
    for (let x = from; x <= to; x++) heat[row + x]! += 1;
  }
}

/** Indices of tracked detections that moved at least `threshold` px since their last recorded anchor. */
function movingDetections(
  detections: Detections,
  position: string,
  threshold: number,
  history: Map<number, [number, number]>,
): number[] {
  const moving: number[] = [];
  for (let i = 0; i < detections.length; i++) {
    const id = detections.trackerId![i]!;
    const [x, y] = boxAnchor(detections.box(i), position);
    const previous = history.get(id);
    if (!previous) {
      history.set(id, [x, y]);
      continue;
    }
    if (Math.hypot(x - previous[0], y - previous[1]) >= threshold) {
      moving.push(i);
      history.set(id, [x, y]);
    }
  }
  return moving;
}

function stateFor<T>(context: StepContext, key: string, create: () => T): T {
  let value = context.state.get(key) as T | undefined;
  if (value === undefined) context.state.set(key, (value = create()));
  return value;
}

function drawHeatmap(canvas: Canvas, params: VisualizationParams, context: StepContext): void {
  const position = String(params.position ?? 'BOTTOM_CENTER');
  const opacity = Number(params.opacity ?? 0.2);
  const radius = Math.round(Number(params.radius ?? 40));
  const kernelSize = Math.round(Number(params.kernel_size ?? 25));
  const topHue = Number(params.top_hue ?? 0);
  const lowHue = Number(params.low_hue ?? 125);
  const metadata = params.metadata as VideoMetadata | undefined;
  const video = metadata?.video_identifier ?? params.image.videoMetadata?.video_identifier ?? 'default_video';
  let detections = params.predictions!;
  if ((params.ignore_stationary ?? true) && detections.trackerId) {
    const history = stateFor(context, `heatmap-tracks:${video}`, () => new Map<number, [number, number]>());
    detections = detections.select(
      movingDetections(detections, position, Number(params.motion_threshold ?? 25), history),
    );
  }
  const { width, height } = canvas;
  const settings = [position, opacity, radius, kernelSize, topHue, lowHue].join('_');
  const state = stateFor<HeatState>(context, `heatmap:${video}:${settings}`, () => ({
    width,
    height,
    heat: new Float32Array(width * height),
  }));
  if (state.width !== width || state.height !== height)
    Object.assign(state, { width, height, heat: new Float32Array(width * height) });
  const heat = state.heat;
  for (let i = 0; i < detections.length; i++) {
    const [x, y] = boxAnchor(detections.box(i), position);
    addDisc(heat, width, height, Math.trunc(x), Math.trunc(y), radius);
  }
  let max = 0;
  for (let i = 0; i < heat.length; i++) if (heat[i]! > max) max = heat[i]!;
  if (max <= 0) return;
  // Hue per pixel (truncated to 8 bits as OpenCV stores it), box-blurred, then blended where heat >= 1.
  const hue = new Uint8Array(width * height);
  const span = lowHue - topHue;
  for (let i = 0; i < heat.length; i++)
    hue[i] = Math.max(0, Math.min(255, Math.trunc(lowHue - (heat[i]! / max) * span)));
  const blurred = kernelSize > 1 ? separableFilter(hue, width, height, 1, boxKernel(kernelSize)) : hue;
  const palette: Array<[number, number, number]> = [];
  for (let h = 0; h < 256; h++) palette.push(hueToRgb(h));
  const pixels = canvas.pixels;
  const keep = 1 - opacity;
  for (let i = 0; i < heat.length; i++) {
    if (heat[i]! < 1) continue;
    const color = palette[blurred[i]!]!;
    const o = i * 3;
    for (let c = 0; c < 3; c++)
      pixels[o + c] = Math.max(0, Math.min(255, Math.round(color[c]! * opacity + pixels[o + c]! * keep)));
  }
}

export const heatmapVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/heatmap_visualization@v1',
    cacheable: false, // accumulates over frames
    aliases: ['HeatmapVisualization'],
    humanName: 'Heatmap Visualization',
    shortDescription: 'Draw a heatmap based on detections in an image.',
    longDescription:
      'Draws a heatmap of where detections were seen: heat accumulates over the frames of a video (per video and ' +
      'settings) and is drawn as a semi-transparent, blurred hue overlay. With tracked detections and ' +
      '`ignore_stationary`, only objects that moved at least `motion_threshold` pixels add heat.',
    icon: 'fas fa-fire',
    blockPriority: 4,
    searchKeywords: ['annotator', 'heatmap'],
    properties: {
      metadata: selector(['video_metadata'], {
        description: 'Video metadata containing video_identifier to maintain separate state for different videos.',
        examples: ['$inputs.video_metadata'],
      }),
      position: enumProperty(
        'Position',
        'The position of the heatmap relative to the detection.',
        HEATMAP_POSITIONS,
        'BOTTOM_CENTER',
      ),
      opacity: floatProperty('Opacity', 'Opacity of the overlay mask, between 0 and 1.', 0.2),
      radius: intProperty('Radius', 'Radius of the heat circle.', 40),
      kernel_size: intProperty('Kernel Size', 'Kernel size for blurring the heatmap.', 25),
      top_hue: intProperty('Top Hue', 'Hue at the top of the heatmap. Defaults to 0 (red).', 0),
      low_hue: intProperty('Low Hue', 'Hue at the bottom of the heatmap. Defaults to 125 (blue).', 125),
      ignore_stationary: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        title: 'Ignore Stationary',
        description: 'If True, only moving objects (based on tracker ID) will contribute to the heatmap.',
        default: true,
        examples: [true, '$inputs.ignore_stationary'],
      }),
      motion_threshold: intProperty(
        'Motion Threshold',
        'Minimum movement in pixels required to consider an object as moving.',
        25,
      ),
    },
  },
  drawHeatmap,
);
