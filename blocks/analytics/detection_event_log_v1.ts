// roboflow_core/detection_event_log@v1: a per-video log of tracked objects (first/last seen frame and time,
// frame count). Events seen on at least `frame_threshold` frames are "logged", others "pending"; events unseen
// for more than `stale_frames` frames are dropped at each flush, and logged ones leave as `complete_events`.
import {
  INPUT_SELECTOR_PATTERN,
  defineBlock,
  kindObject,
  literalOrSelector,
  selector,
  type BlockManifest,
  type Detections,
  type WorkflowImage,
} from '../../engine/index.ts';

/** More videos than this: the least recently used one is forgotten (Roboflow's MAX_VIDEOS). */
export const MAX_VIDEOS = 100;

interface DetectionEvent {
  tracker_id: number;
  class_name: string;
  first_seen_frame: number;
  first_seen_timestamp: number;
  last_seen_frame: number;
  last_seen_timestamp: number;
  first_seen_relative: number;
  last_seen_relative: number;
  frame_count: number;
}

interface VideoLog {
  events: Map<number, DetectionEvent>;
  frame: number;
  lastFlush: number;
  /** Epoch seconds of the first frame: relative times are measured from it. */
  anchor: number;
  lastAccess: number;
}

interface LogState {
  videos: Map<string, VideoLog>;
  counter: number;
}

interface Params {
  image: WorkflowImage;
  detections: Detections;
  frame_threshold: number;
  flush_interval: number;
  stale_frames: number;
  reference_timestamp?: unknown;
  fallback_fps: number;
}

function intParam(title: string, description: string, defaultValue: number) {
  return literalOrSelector({ type: 'integer', minimum: 1 }, ['integer'], {
    title,
    description,
    default: defaultValue,
    examples: [defaultValue, '$inputs.value'],
  });
}

const manifest: BlockManifest & { cacheable?: boolean } = {
  type: 'roboflow_core/detection_event_log@v1',
  humanName: 'Detection Event Log',
  version: 'v1',
  blockType: 'analytics',
  shortDescription: 'Log when each tracked object was first and last seen in a video.',
  longDescription:
    'Keeps, per video, one event per tracker id: class, first and last frame, absolute and relative timestamps and the number of frames it was seen on. Events seen on at least `frame_threshold` frames are `logged`, others `pending`; every `flush_interval` frames, events unseen for more than `stale_frames` frames are removed, and removed logged events are reported once in `complete_events`. Needs detections with tracker ids (from a tracker block).',
  ui: { section: 'video', icon: 'far fa-list-timeline', blockPriority: 5 },
  properties: {
    image: {
      type: 'string',
      pattern: INPUT_SELECTOR_PATTERN,
      reference: true,
      selected_element: 'workflow_image',
      kind: [kindObject('image')],
      selector_points_to_batch: true,
      title: 'Image',
      description: 'The video frame (a workflow input): its video metadata keeps logs of different videos apart.',
      examples: ['$inputs.image'],
    },
    detections: selector(['object_detection_prediction', 'instance_segmentation_prediction'], {
      title: 'Detections',
      description: 'Tracked detections (with tracker ids).',
      examples: ['$steps.byte_tracker.tracked_detections'],
    }),
    frame_threshold: intParam('Frame Threshold', 'Frames an object must be seen on before it is logged.', 30),
    flush_interval: intParam('Flush Interval', 'Frames between removals of stale events.', 30),
    stale_frames: intParam('Stale Frames', 'Frames without a sighting after which an event is stale.', 300),
    reference_timestamp: {
      anyOf: [{ type: 'number' }, { type: 'null' }, selector(['float'])],
      deprecated: true,
      title: 'Reference Timestamp',
      description: 'Deprecated and ignored: relative times are measured from the first frame of each video.',
      default: null,
    },
    fallback_fps: literalOrSelector({ type: 'number', exclusiveMinimum: 0 }, ['float'], {
      title: 'Fallback FPS',
      description: 'Frame rate used for relative times when a frame has no timestamp.',
      default: 1.0,
      examples: [1.0, '$inputs.fps'],
    }),
  },
  required: ['image', 'detections'],
  outputs: [
    { name: 'event_log', kind: ['dictionary'] },
    { name: 'detections', kind: ['object_detection_prediction', 'instance_segmentation_prediction'] },
    { name: 'total_logged', kind: ['integer'] },
    { name: 'total_pending', kind: ['integer'] },
    { name: 'complete_events', kind: ['dictionary'] },
  ],
};
// Stateful: the step output cache must never reuse a result.
manifest.cacheable = false;

function frameTime(image: WorkflowImage): { video: string; epoch: number | null; frameNumber: number; fps: number } {
  const meta = image.videoMetadata;
  if (!meta) return { video: image.parentId, epoch: Date.now() / 1000, frameNumber: 0, fps: 30 };
  const parsed = meta.frame_timestamp ? Date.parse(meta.frame_timestamp) : NaN;
  return {
    video: meta.video_identifier,
    epoch: Number.isNaN(parsed) ? null : parsed / 1000,
    frameNumber: meta.frame_number,
    fps: meta.fps ?? 0,
  };
}

function className(detections: Detections, i: number): string {
  const name = detections.get<string>('class_name', i);
  if (name !== undefined && name !== null) return String(name);
  return `class_${detections.classId[i]}`;
}

const publicEvent = (e: DetectionEvent): DetectionEvent => ({ ...e });

export const detectionEventLogV1 = defineBlock<Params>({
  manifest,
  run(p, context) {
    let state = context.state.get('detection_event_log') as LogState | undefined;
    if (!state) {
      state = { videos: new Map(), counter: 0 };
      context.state.set('detection_event_log', state);
    }
    const { video, epoch, frameNumber, fps } = frameTime(p.image);
    state.counter++;
    let log = state.videos.get(video);
    const absolute = epoch ?? Date.now() / 1000;
    if (!log) {
      log = { events: new Map(), frame: 0, lastFlush: 1, anchor: absolute, lastAccess: 0 };
      state.videos.set(video, log);
      if (state.videos.size > MAX_VIDEOS) {
        let oldest: string | undefined;
        let oldestAccess = Infinity;
        for (const [id, v] of state.videos) {
          if (id !== video && v.lastAccess < oldestAccess) [oldest, oldestAccess] = [id, v.lastAccess];
        }
        if (oldest !== undefined) state.videos.delete(oldest);
      }
    }
    log.lastAccess = state.counter;
    const current = ++log.frame;
    const relative =
      epoch !== null ? epoch - log.anchor : Math.max(frameNumber - 1, 0) / (fps || Number(p.fallback_fps) || 1);

    // Flush stale events before this frame's detections count.
    const complete: Record<string, DetectionEvent> = {};
    if (current - log.lastFlush >= Number(p.flush_interval)) {
      for (const [id, event] of log.events) {
        if (current - event.last_seen_frame > Number(p.stale_frames)) {
          log.events.delete(id);
          if (event.frame_count >= Number(p.frame_threshold)) complete[String(id)] = publicEvent(event);
        }
      }
      log.lastFlush = current;
    }

    const { detections } = p;
    const trackerIds = detections.trackerId;
    if (trackerIds && trackerIds.length > 0) {
      for (let i = 0; i < detections.length; i++) {
        const id = trackerIds[i]!;
        const event = log.events.get(id);
        if (event) {
          event.last_seen_frame = current;
          event.last_seen_timestamp = absolute;
          event.last_seen_relative = relative;
          event.frame_count++;
        } else {
          log.events.set(id, {
            tracker_id: id,
            class_name: className(detections, i),
            first_seen_frame: current,
            first_seen_timestamp: absolute,
            last_seen_frame: current,
            last_seen_timestamp: absolute,
            first_seen_relative: relative,
            last_seen_relative: relative,
            frame_count: 1,
          });
        }
      }
    }

    const logged: Record<string, DetectionEvent> = {};
    const pending: Record<string, DetectionEvent> = {};
    for (const [id, event] of log.events) {
      (event.frame_count >= Number(p.frame_threshold) ? logged : pending)[String(id)] = publicEvent(event);
    }
    return {
      event_log: { logged, pending },
      detections,
      total_logged: Object.keys(logged).length,
      total_pending: Object.keys(pending).length,
      complete_events: complete,
    };
  },
});
