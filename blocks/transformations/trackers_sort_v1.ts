// roboflow_core/trackers_sort@v1: SORT — Kalman motion model plus one-stage IoU assignment; a track gets its id
// after minimum_consecutive_frames matches.
import { Detections, WorkflowImage, defineBlock } from '../../engine/index.ts';
import { TRACKER_OUTPUTS, instancesCacheSizeProperty, numberProperty, runTracker, trackerInputs, videoOf } from './tracker-step.ts';

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
    shortDescription: 'Fast, lightweight object tracking. Works best when objects are clearly visible.',
    longDescription: 'Tracks objects across video frames with SORT: a Kalman filter predicts each track, IoU assignment pairs tracks with detections. State is kept per video_identifier.',
    license: 'Apache-2.0',
    ui: { section: 'video', icon: 'far fa-location-crosshairs', blockPriority: 1, trackers: true },
    properties: {
      ...trackerInputs(),
      minimum_iou_threshold: numberProperty('Minimum IoU Threshold', 'Minimum IoU to associate a detection with an existing track.', 0.3, 'float_zero_to_one'),
      minimum_consecutive_frames: numberProperty('Minimum Consecutive Frames', 'Matches a track needs before it is output with an id.', 3, 'integer'),
      lost_track_buffer: numberProperty('Lost Track Buffer', 'Frames (at 30 fps) a track is kept after losing its detection.', 30, 'integer'),
      track_activation_threshold: numberProperty('Track Activation Threshold', 'Minimum confidence for a detection to start a track.', 0.25, 'float_zero_to_one'),
      instances_cache_size: instancesCacheSizeProperty,
    },
    required: ['image', 'detections'],
    outputs: TRACKER_OUTPUTS,
    executionEngineCompatibility: '>=1.3.0,<2.0.0',
  },
  run(p, context) {
    return runTracker(context, videoOf(p.image), p.detections, (fps) => ({
      minimumIou: Number(p.minimum_iou_threshold ?? 0.3),
      weakDetectionIou: null,
      highConfidence: 0,
      lowConfidenceFloor: 0,
      activation: Number(p.track_activation_threshold ?? 0.25),
      minimumConsecutiveFrames: Number(p.minimum_consecutive_frames ?? 3),
      maxFramesWithoutUpdate: Math.trunc((fps / 30) * Number(p.lost_track_buffer ?? 30)),
      idOnSpawn: false,
    }), p.instances_cache_size);
  },
});
