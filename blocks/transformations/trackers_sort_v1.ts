// roboflow_core/trackers_sort@v1: SORT — Kalman motion model plus one-stage IoU assignment; a track gets its id
// after minimum_consecutive_frames matches.
import { Detections, WorkflowImage, defineBlock } from '../../engine/index.ts';
import {
  TRACKER_OUTPUTS,
  baseConfig,
  instancesCacheSizeProperty,
  runTracker,
  trackerInputs,
  trackerSettings,
  videoOf,
} from './tracker-step.ts';

const SORT_DEFAULTS = {
  minimum_iou_threshold: 0.3,
  minimum_consecutive_frames: 3,
  lost_track_buffer: 30,
  track_activation_threshold: 0.25,
};

interface Params {
  image: WorkflowImage;
  detections: Detections;
  minimum_iou_threshold: number;
  minimum_consecutive_frames: number;
  lost_track_buffer: number;
  track_activation_threshold: number;
  instances_cache_size: number;
}

export const trackersSortV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/trackers_sort@v1',
    humanName: 'SORT Tracker',
    version: 'v1',
    blockType: 'transformation',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Fast, lightweight object tracking. Works best when objects are clearly visible.',
    longDescription:
      'Tracks objects across video frames with SORT: a Kalman filter predicts each track, IoU assignment pairs tracks with detections. State is kept per video_identifier.',
    ui: { section: 'video', icon: 'far fa-location-crosshairs', blockPriority: 1, trackers: true },
    properties: {
      ...trackerInputs(),
      ...trackerSettings(SORT_DEFAULTS),
      instances_cache_size: instancesCacheSizeProperty,
    },
    required: ['image', 'detections'],
    outputs: TRACKER_OUTPUTS,
  },
  run(p, context) {
    return runTracker(
      context,
      videoOf(p.image),
      p.detections,
      (fps) => ({
        ...baseConfig(p, SORT_DEFAULTS, fps),
        weakDetectionIou: null,
        highConfidence: 0,
        lowConfidenceFloor: 0,
      }),
      p.instances_cache_size,
    );
  },
});
