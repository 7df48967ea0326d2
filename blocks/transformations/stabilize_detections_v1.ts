// roboflow_core/stabilize_detections@v1: smooths tracked boxes between frames (exponential, coefficient
// bbox_smoothing_coefficient) and keeps briefly missing objects alive by moving their last box along a
// Kalman-smoothed velocity, for up to smoothing_window_size frames. State per video.
import { Detections, WorkflowImage, defineBlock, literalOrSelector, selector } from '../../engine/index.ts';
import { requireTracked } from '../common/zones.ts';
import { videoOf } from './tracker-step.ts';

interface Params {
  image: WorkflowImage;
  detections: Detections;
  smoothing_window_size: number;
  bbox_smoothing_coefficient: number;
}

const PROCESS_NOISE = 0.001;
const MEASUREMENT_NOISE = 0.01;

/** Velocity of one object: a constant-velocity Kalman filter whose covariance stays a multiple of identity. */
interface TrackedVelocity {
  velocity: [number, number];
  covariance: number;
  history: Array<[number, number]>;
}

interface VideoState {
  /** Last detection (one row) per tracker id, as received (or as predicted while missing). */
  last: Map<number, Detections>;
  velocities: Map<number, TrackedVelocity>;
}

function updateVelocities(
  state: VideoState,
  measured: Map<number, [number, number]>,
  windowSize: number,
): Map<number, [number, number]> {
  for (const [id, v] of measured) {
    const tracked = state.velocities.get(id);
    if (!tracked) {
      state.velocities.set(id, { velocity: [v[0], v[1]], covariance: 1, history: [v] });
      continue;
    }
    tracked.history.unshift(v);
    if (tracked.history.length > windowSize) tracked.history.length = windowSize;
    const mean = [0, 1].map((axis) => tracked.history.reduce((s, h) => s + h[axis]!, 0) / tracked.history.length);
    const gain = tracked.covariance / (tracked.covariance + MEASUREMENT_NOISE);
    tracked.velocity = [
      tracked.velocity[0] + gain * (mean[0]! - tracked.velocity[0]),
      tracked.velocity[1] + gain * (mean[1]! - tracked.velocity[1]),
    ];
    tracked.covariance -= gain * tracked.covariance;
  }
  const predicted = new Map<number, [number, number]>();
  for (const [id, tracked] of state.velocities) {
    tracked.covariance += PROCESS_NOISE;
    predicted.set(id, [tracked.velocity[0], tracked.velocity[1]]);
  }
  // Objects missing this frame lose one remembered measurement; with none left they are forgotten.
  for (const [id, tracked] of state.velocities) {
    if (measured.has(id)) continue;
    tracked.history.shift();
    if (tracked.history.length === 0) state.velocities.delete(id);
  }
  return predicted;
}

const blend = (previous: ArrayLike<number>, current: ArrayLike<number>, alpha: number) =>
  Float32Array.from({ length: 4 }, (_, k) => alpha * current[k]! + (1 - alpha) * previous[k]!);

export const stabilizeDetectionsV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/stabilize_detections@v1',
    humanName: 'Detections Stabilizer',
    version: 'v1',
    blockType: 'transformation',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Apply a smoothing algorithm to reduce noise and flickering across video frames.',
    longDescription:
      'Smooths the boxes of tracked objects between frames and, when an object is briefly missed, predicts its box from its smoothed velocity for up to smoothing_window_size frames.',
    ui: { section: 'video', icon: 'fas fa-waveform-lines', blockPriority: 4 },
    properties: {
      image: selector(['image'], { description: 'Video frame (its video_identifier selects the state).' }),
      detections: selector(['object_detection_prediction', 'instance_segmentation_prediction'], {
        description: 'Tracked detections',
        examples: ['$steps.object_detection_model.predictions'],
      }),
      smoothing_window_size: literalOrSelector([{ type: 'integer' }, { type: 'null' }], ['integer'], {
        description: 'Velocity measurements averaged, and frames a missing object is still predicted.',
        default: 3,
        examples: [5, '$inputs.smoothing_window_size'],
      }),
      bbox_smoothing_coefficient: literalOrSelector([{ type: 'number' }, { type: 'null' }], ['float_zero_to_one'], {
        description: 'Weight of the current box when smoothing (0..1).',
        default: 0.2,
        examples: [0.2, '$inputs.bbox_smoothing_coefficient'],
      }),
    },
    required: ['image', 'detections'],
    outputs: [
      { name: 'tracked_detections', kind: ['object_detection_prediction', 'instance_segmentation_prediction'] },
    ],
  },
  run(p, context) {
    const ids = requireTracked(p.detections, context.stepName);
    const alpha = Number(p.bbox_smoothing_coefficient ?? 0.2);
    const windowSize = Math.max(1, Number(p.smoothing_window_size ?? 3));
    const key = `${context.stepName}:stabilize:${videoOf(p.image).id}`;
    let state = context.state.get(key) as VideoState | undefined;
    if (!state) context.state.set(key, (state = { last: new Map(), velocities: new Map() }));
    const d = p.detections;
    // Roboflow measures motion at the (x_max, y_max) corner; kept for identical predictions.
    const measured = new Map<number, [number, number]>();
    ids.forEach((id, i) => {
      const previous = state!.last.get(id);
      if (previous) measured.set(id, [d.xyxy[i * 4 + 2]! - previous.xyxy[2]!, d.xyxy[i * 4 + 3]! - previous.xyxy[3]!]);
    });
    const predicted = updateVelocities(state, measured, windowSize);
    const output = new Map<number, Detections>();
    ids.forEach((id, i) => {
      const row = d.select([i]);
      const previous = state!.last.get(id);
      output.set(id, previous ? row.with({ xyxy: blend(previous.xyxy, row.xyxy, alpha) }) : row);
      state!.last.set(id, row);
    });
    for (const [id, [vx, vy]] of predicted) {
      if (output.has(id)) continue;
      const previous = state.last.get(id)!;
      const moved = [previous.xyxy[0]! + vx, previous.xyxy[1]! + vy, previous.xyxy[2]! + vx, previous.xyxy[3]! + vy];
      const carried = previous.with({ xyxy: blend(previous.xyxy, moved, alpha) });
      state.last.set(id, carried);
      output.set(id, carried);
    }
    for (const id of [...state.last.keys()]) if (!state.velocities.has(id) && !output.has(id)) state.last.delete(id);
    const merged = Detections.merge([...output.values()]);
    return {
      tracked_detections: merged.length === 0 ? Detections.empty().with({ trackerId: new Int32Array(0) }) : merged,
    };
  },
});
