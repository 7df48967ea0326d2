// What every tracker block does per frame: keep one tracker (and one seen-ids cache) per video_identifier in the
// workflow's state, track the frame's detections, drop unconfirmed ones and split the rest into new and
// already-seen instances.
import {
  DETECTION_KINDS,
  Detections,
  WorkflowImage,
  type VideoMetadata,
  literal,
  literalOrSelector,
  selector,
  type JsonSchema,
  type OutputDefinition,
  type StepContext,
} from '../../engine/index.ts';
import { MultiObjectTracker, type TrackerConfig } from './tracker-core.ts';
import { videoOf, type VideoSource } from '../common/video.ts';
export { videoOf, type VideoSource };

export const DEFAULT_INSTANCES_CACHE_SIZE = 16384;

export const TRACKER_OUTPUTS: OutputDefinition[] = [
  { name: 'tracked_detections', kind: ['object_detection_prediction'] },
  { name: 'new_instances', kind: ['object_detection_prediction'] },
  { name: 'already_seen_instances', kind: ['object_detection_prediction'] },
];

/** FIFO-bounded set of tracker ids already output once. */
class SeenIds {
  #order: number[] = [];
  #ids = new Set<number>();
  constructor(readonly size: number) {}
  /** Records the id; true when it had been seen before. */
  record(id: number): boolean {
    if (this.#ids.has(id)) return true;
    while (this.#ids.size >= Math.max(1, this.size)) this.#ids.delete(this.#order.shift()!);
    this.#order.push(id);
    this.#ids.add(id);
    return false;
  }
}

interface VideoTracking {
  tracker: MultiObjectTracker;
  seen: SeenIds;
}

export function runTracker(
  context: StepContext,
  source: VideoSource,
  detections: Detections,
  makeConfig: (fps: number) => TrackerConfig,
  instancesCacheSize: number = DEFAULT_INSTANCES_CACHE_SIZE,
): { tracked_detections: Detections; new_instances: Detections; already_seen_instances: Detections } {
  const key = `${context.stepName}:tracker:${source.id}`;
  let video = context.state.get(key) as VideoTracking | undefined;
  if (!video) {
    // Ids count per step across videos, starting at 1.
    const counterKey = `${context.stepName}:tracker-ids`;
    const nextId = () => {
      const id = ((context.state.get(counterKey) as number | undefined) ?? 0) + 1;
      context.state.set(counterKey, id);
      return id;
    };
    video = { tracker: new MultiObjectTracker(makeConfig(source.fps), nextId), seen: new SeenIds(instancesCacheSize) };
    context.state.set(key, video);
  }
  const ids = video.tracker.update(detections);
  const rows: number[] = [];
  for (let i = 0; i < ids.length; i++) if (ids[i] !== -1) rows.push(i);
  const tracked = detections.select(rows).with({ trackerId: Int32Array.from(rows, (r) => ids[r]!) });
  const seenBefore = Array.from(tracked.trackerId!, (id) => video!.seen.record(id));
  const split = (wanted: boolean) => tracked.select(seenBefore.flatMap((s, i) => (s === wanted ? [i] : [])));
  return { tracked_detections: tracked, new_instances: split(false), already_seen_instances: split(true) };
}

/** The `image` and `detections` properties every tracker block shares. */
export function trackerInputs(detectionKinds: string[] = [...DETECTION_KINDS]): Record<string, JsonSchema> {
  return {
    image: selector(['image'], {
      title: 'Image',
      description: 'Video frame with video metadata (video_identifier, fps) that selects the tracker state.',
      examples: ['$inputs.image'],
    }),
    detections: selector(detectionKinds, {
      title: 'Detections',
      description: 'Detections of the current frame to track.',
      examples: ['$steps.object_detection_model.predictions'],
    }),
  };
}

export const instancesCacheSizeProperty = literal(
  { type: 'integer' },
  {
    title: 'Instances Cache Size',
    description: 'Tracker ids remembered (FIFO) to tell new instances from already seen ones.',
    default: DEFAULT_INSTANCES_CACHE_SIZE,
  },
);

export const numberProperty = (
  title: string,
  description: string,
  defaultValue: number,
  kind: 'float_zero_to_one' | 'integer',
) =>
  literalOrSelector(kind === 'integer' ? { type: 'integer' } : { type: 'number', minimum: 0, maximum: 1 }, [kind], {
    title,
    description,
    default: defaultValue,
    examples: [defaultValue, `$inputs.${title.toLowerCase().replace(/ /g, '_')}`],
  });

export interface TrackerDefaults {
  minimum_iou_threshold: number;
  minimum_consecutive_frames: number;
  lost_track_buffer: number;
  track_activation_threshold: number;
}

/** Settings the `trackers_*` blocks share, with each algorithm's defaults. */
export function trackerSettings(d: TrackerDefaults): Record<string, JsonSchema> {
  return {
    minimum_iou_threshold: numberProperty(
      'Minimum IoU Threshold',
      'Minimum IoU to associate a (confident) detection with a track.',
      d.minimum_iou_threshold,
      'float_zero_to_one',
    ),
    minimum_consecutive_frames: numberProperty(
      'Minimum Consecutive Frames',
      'Matches a track needs before it is output with an id.',
      d.minimum_consecutive_frames,
      'integer',
    ),
    lost_track_buffer: numberProperty(
      'Lost Track Buffer',
      'Frames (at 30 fps) a track is kept after losing its detection.',
      d.lost_track_buffer,
      'integer',
    ),
    track_activation_threshold: numberProperty(
      'Track Activation Threshold',
      'Minimum confidence for a detection to start a track.',
      d.track_activation_threshold,
      'float_zero_to_one',
    ),
  };
}

/** The common part of a `trackers_*` block's TrackerConfig from its (possibly missing) settings. */
export function baseConfig(p: Partial<TrackerDefaults>, d: TrackerDefaults, fps: number) {
  return {
    minimumIou: Number(p.minimum_iou_threshold ?? d.minimum_iou_threshold),
    activation: Number(p.track_activation_threshold ?? d.track_activation_threshold),
    minimumConsecutiveFrames: Number(p.minimum_consecutive_frames ?? d.minimum_consecutive_frames),
    maxFramesWithoutUpdate: Math.trunc((fps / 30) * Number(p.lost_track_buffer ?? d.lost_track_buffer)),
    idOnSpawn: false,
  };
}
