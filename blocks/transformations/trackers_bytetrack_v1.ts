// roboflow_core/trackers_bytetrack@v1: ByteTrack — confident detections are matched to tracks first, weak ones
// then rescue the tracks left over, so briefly occluded objects keep their ids.
import { Detections, WorkflowImage, defineBlock } from '../../engine/index.ts';
import {
  TRACKER_OUTPUTS,
  baseConfig,
  instancesCacheSizeProperty,
  numberProperty,
  runTracker,
  trackerInputs,
  trackerSettings,
  videoOf,
} from './tracker-step.ts';

const BYTETRACK_DEFAULTS = {
  minimum_iou_threshold: 0.1,
  minimum_consecutive_frames: 2,
  lost_track_buffer: 30,
  track_activation_threshold: 0.7,
};

interface Params {
  image: WorkflowImage;
  detections: Detections;
  minimum_iou_threshold: number;
  minimum_consecutive_frames: number;
  lost_track_buffer: number;
  track_activation_threshold: number;
  high_conf_det_threshold: number;
  instances_cache_size: number;
}

/** IoU a weak detection needs with a leftover track in ByteTrack's second stage. */
export const WEAK_DETECTION_IOU = 0.5;

export const trackersBytetrackV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/trackers_bytetrack@v1',
    humanName: 'ByteTrack Tracker',
    version: 'v1',
    blockType: 'transformation',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Robust object tracking that keeps weak detections to bridge occlusions.',
    longDescription:
      'Tracks objects across video frames with ByteTrack: two-stage association of confident, then weak detections to Kalman-predicted tracks. State is kept per video_identifier.',
    ui: { section: 'video', icon: 'far fa-location-crosshairs', blockPriority: 0, trackers: true },
    properties: {
      ...trackerInputs(),
      ...trackerSettings(BYTETRACK_DEFAULTS),
      high_conf_det_threshold: numberProperty(
        'High Confidence Detection Threshold',
        'Detections at or above this confidence take part in the first association stage.',
        0.6,
        'float_zero_to_one',
      ),
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
        ...baseConfig(p, BYTETRACK_DEFAULTS, fps),
        weakDetectionIou: WEAK_DETECTION_IOU,
        highConfidence: Number(p.high_conf_det_threshold ?? 0.6),
        lowConfidenceFloor: 0,
      }),
      p.instances_cache_size,
    );
  },
});
