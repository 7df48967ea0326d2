// roboflow_core/motion_detection@v1: an adaptive background model per video (the running Gaussian of
// background_subtraction, standing in for OpenCV's MOG2); after a warm-up of `history` frames, foreground blobs
// larger than `minimum_contour_area` (optionally clipped to a zone) are motion. `alarm` is the rising edge.
import {
  Detections,
  WorkflowExecutionEngineError,
  defineBlock,
  literalOrSelector,
  type WorkflowImage,
} from '../../engine/index.ts';
import { externalContours } from '../common/cv/contours.ts';
import { attachImageMetadata } from '../common/detections-metadata.ts';
import { polygonArea, polygonMask, type Point } from '../common/mask-geometry.ts';
import { approximatePolygon } from '../common/polygon-simplify.ts';
import { BackgroundModel } from './background_subtraction_v1.ts';
import { cvManifest, inputImage, intParam } from './common.ts';
import { morphology } from './morphology.ts';

interface Params {
  image: WorkflowImage;
  minimum_contour_area: number;
  morphological_kernel_size: number;
  threshold: number;
  history: number;
  detection_zone: unknown;
  suppress_first_detections: boolean;
}

interface MotionState {
  model: BackgroundModel | null;
  frames: number;
  lastMotion: boolean;
}

function parseZone(zone: unknown, step: string): Point[] | null {
  if (zone === null || zone === undefined) return null;
  let value = zone;
  if (typeof zone === 'string') {
    try {
      value = JSON.parse(zone);
    } catch {
      throw new WorkflowExecutionEngineError(`Step ${step}: Could not parse detection zone as a valid json`);
    }
  }
  const ok =
    Array.isArray(value) &&
    value.every((p) => Array.isArray(p) && p.length === 2 && p.every((c) => typeof c === 'number'));
  if (!ok) {
    throw new WorkflowExecutionEngineError(`Step ${step}: detection_zone must be a list of [x, y] points.`);
  }
  return value as Point[];
}

function perimeter(points: readonly Point[]): number {
  let total = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    total += Math.hypot(points[i]![0] - points[j]![0], points[i]![1] - points[j]![1]);
  }
  return total;
}

const EMPTY = () => ({ motion: false, detections: Detections.empty(), alarm: false, motion_zones: [] as Point[][] });

export const motionDetectionV1 = defineBlock<Params>({
  manifest: Object.assign(
    cvManifest({
      type: 'roboflow_core/motion_detection@v1',
      humanName: 'Motion Detection',
      shortDescription: 'Detect moving regions in a video against a background learnt from earlier frames.',
      longDescription:
        'Learns a per-video background model; after `history` warm-up frames (when `suppress_first_detections`), foreground regions larger than `minimum_contour_area` pixels, optionally clipped to `detection_zone`, become `motion` detections and simplified `motion_zones` polygons. `alarm` is true only on the frame where motion starts.',
      icon: 'far fa-person-running',
      properties: {
        image: inputImage(),
        minimum_contour_area: intParam('Minimum Contour Area', 'Smallest moving region (pixels²).', 200, {
          minimum: 1,
        }),
        morphological_kernel_size: intParam('Morphological Kernel Size', 'Opening kernel against noise.', 3, {
          minimum: 1,
        }),
        threshold: intParam('Threshold', 'Squared distance, in variances, above which a pixel moved.', 16, {
          minimum: 1,
        }),
        history: intParam('History', 'Frames the background model learns from (and the warm-up length).', 30, {
          minimum: 1,
        }),
        detection_zone: literalOrSelector(
          [
            { type: 'array', items: { type: 'array', items: { type: 'number' } } },
            { type: 'string' },
            { type: 'null' },
          ],
          ['zone', 'list_of_values'],
          {
            title: 'Detection Zone',
            description: 'Polygon ([[x, y], ...] or its JSON) outside which motion is ignored.',
            default: null,
          },
        ),
        suppress_first_detections: literalOrSelector({ type: 'boolean' }, ['boolean'], {
          title: 'Suppress First Detections',
          description: 'Report no motion while the background model warms up.',
          default: true,
        }),
      },
      required: ['image'],
      propertyAliases: { images: 'image' },
      outputs: [
        { name: 'motion', kind: ['boolean'] },
        { name: 'alarm', kind: ['boolean'] },
        { name: 'detections', kind: ['object_detection_prediction'] },
        { name: 'motion_zones', kind: ['list_of_values'] },
      ],
    }),
    // Stateful across frames: the step output cache must never reuse a result.
    { cacheable: false },
  ),
  run(p, context) {
    const { image } = p;
    const zone = parseZone(p.detection_zone, context.stepName);
    // Keyed per video (Roboflow shares one model across all sources of a pipeline; we keep them apart).
    const key = `motion_detection:${image.videoMetadata?.video_identifier ?? 'default'}`;
    let state = context.state.get(key) as MotionState | undefined;
    if (!state) {
      state = { model: null, frames: 0, lastMotion: false };
      context.state.set(key, state);
    }
    if (!state.model || state.model.width !== image.width || state.model.height !== image.height) {
      state.model = new BackgroundModel(image.width, image.height);
    }
    const history = Number(p.history);
    const foreground = state.model.apply(image.pixels, Number(p.threshold), history);
    if (state.frames < history && p.suppress_first_detections !== false) {
      state.frames++;
      return EMPTY();
    }
    const { width, height } = image;
    const opened = morphology(foreground, width, height, 1, Number(p.morphological_kernel_size), 'Opening')!;
    let contours = externalContours(opened, width, height).filter(
      (c) => c.length > 2 && polygonArea(c) > Number(p.minimum_contour_area),
    );
    if (zone) {
      const zoneMask = polygonMask(zone, width, height);
      contours = contours.flatMap((c) => {
        const piece = polygonMask(c, width, height);
        for (let i = 0; i < piece.length; i++) piece[i] = piece[i]! & zoneMask[i]!;
        return externalContours(piece, width, height).filter((q) => q.length >= 3);
      });
    }
    const zones = contours
      .map((c) => approximatePolygon(c, 0.01 * perimeter(c)))
      .filter((polygon) => polygon.length >= 3);
    const n = zones.length;
    const xyxy = new Float32Array(n * 4);
    zones.forEach((polygon, i) => {
      const xs = polygon.map((q) => q[0]);
      const ys = polygon.map((q) => q[1]);
      xyxy.set([Math.min(...xs), Math.min(...ys), Math.max(...xs) + 1, Math.max(...ys) + 1], i * 4);
    });
    const detections = attachImageMetadata(
      new Detections(xyxy, new Float32Array(n).fill(1), new Int32Array(n), {
        class_name: Array.from({ length: n }, () => 'motion'),
      }),
      image,
      { predictionType: 'object-detection' },
    );
    const motion = contours.length > 0;
    const alarm = motion && !state.lastMotion;
    state.lastMotion = motion;
    return { motion, alarm, detections, motion_zones: zones };
  },
});
