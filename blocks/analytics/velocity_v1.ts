// roboflow_core/velocity@v1: velocity and speed of each tracked object's box centre between frames (metres per
// second through pixels_per_meter), plus an exponentially smoothed version; state per video.
import {
  DETECTION_KINDS,
  Detections,
  WorkflowImage,
  defineBlock,
  literalOrSelector,
  selector,
} from '../../engine/index.ts';
import { nowSeconds } from '../common/video.ts';
import { videoOf } from '../common/video.ts';
import { requireTracked } from '../common/zones.ts';

interface Params {
  image: WorkflowImage;
  detections: Detections;
  smoothing_alpha: number;
  pixels_per_meter: number;
}

interface Motion {
  x: number;
  y: number;
  t: number;
  smoothed: [number, number];
}

export const velocityV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/velocity@v1',
    humanName: 'Velocity',
    version: 'v1',
    blockType: 'analytics',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Calculate the velocity and speed of tracked objects with smoothing and unit conversion.',
    ui: { section: 'video', icon: 'far fa-gauge' },
    properties: {
      image: selector(['image'], { title: 'Image', description: 'Video frame.', examples: ['$inputs.image'] }),
      detections: selector([...DETECTION_KINDS], {
        title: 'Detections',
        description: 'Tracked detections.',
        examples: ['$steps.tracker.tracked_detections'],
      }),
      smoothing_alpha: literalOrSelector({ type: 'number', exclusiveMinimum: 0, maximum: 1 }, ['float'], {
        title: 'Smoothing Alpha',
        description: 'Weight of the newest velocity in the exponential smoothing.',
        default: 0.5,
      }),
      pixels_per_meter: literalOrSelector({ type: 'number', exclusiveMinimum: 0 }, ['float'], {
        title: 'Pixels Per Meter',
        description: 'Pixels per metre, to report metres per second.',
        default: 1.0,
      }),
    },
    required: ['image', 'detections'],
    detectionColumns: ['velocity', 'speed', 'smoothed_velocity', 'smoothed_speed'],
    outputs: [{ name: 'velocity_detections', kind: [...DETECTION_KINDS] }],
    executionEngineCompatibility: '>=1.0.0,<2.0.0',
  },
  run({ image, detections, smoothing_alpha, pixels_per_meter }, context) {
    const ids = requireTracked(detections, context.stepName);
    const key = `${context.stepName}:velocity:${videoOf(image).id}`;
    const history = (context.state.get(key) as Map<number, Motion> | undefined) ?? new Map<number, Motion>();
    context.state.set(key, history);
    const now = nowSeconds(image);
    const alpha = Number(smoothing_alpha ?? 0.5);
    const scale = Number(pixels_per_meter ?? 1);
    const velocity: number[][] = [];
    const smoothedVelocity: number[][] = [];
    for (let i = 0; i < detections.length; i++) {
      const [x0, y0, x1, y1] = detections.box(i);
      const x = (x0 + x1) / 2;
      const y = (y0 + y1) / 2;
      const before = history.get(ids[i]!);
      const dt = before ? now - before.t : 0;
      const v: [number, number] =
        before && dt > 0 ? [(x - before.x) / dt / scale, (y - before.y) / dt / scale] : [0, 0];
      const smoothed: [number, number] = before
        ? [alpha * v[0] + (1 - alpha) * before.smoothed[0], alpha * v[1] + (1 - alpha) * before.smoothed[1]]
        : v;
      history.set(ids[i]!, { x, y, t: now, smoothed });
      velocity.push(v);
      smoothedVelocity.push(smoothed);
    }
    const speed = (v: number[]) => Math.hypot(v[0]!, v[1]!);
    return {
      velocity_detections: detections.with({
        data: {
          velocity,
          speed: velocity.map(speed),
          smoothed_velocity: smoothedVelocity,
          smoothed_speed: smoothedVelocity.map(speed),
        },
      }),
    };
  },
});
