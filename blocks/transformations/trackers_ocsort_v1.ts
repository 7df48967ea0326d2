// roboflow_core/trackers_ocsort@v1: OC-SORT on the shared tracker core — only detections at or above
// high_conf_det_threshold take part; the association score adds observation-centric momentum (direction
// consistency over delta_t frames, weighted by direction_consistency_weight and the detection's confidence) to
// IoU, and tracks left over get a second chance on their last observation (observation-centric recovery).
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

const OCSORT_DEFAULTS = {
  minimum_iou_threshold: 0.3,
  minimum_consecutive_frames: 3,
  lost_track_buffer: 30,
  track_activation_threshold: 0.6,
};

interface Params {
  image: WorkflowImage;
  detections: Detections;
  minimum_iou_threshold: number;
  minimum_consecutive_frames: number;
  lost_track_buffer: number;
  high_conf_det_threshold: number;
  direction_consistency_weight: number;
  delta_t: number;
  instances_cache_size: number;
}

const { track_activation_threshold: _unused, ...sharedSettings } = trackerSettings(OCSORT_DEFAULTS);

export const trackersOcsortV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/trackers_ocsort@v1',
    humanName: 'OC-SORT Tracker',
    version: 'v1',
    blockType: 'transformation',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Track objects across video frames using OC-SORT.',
    longDescription:
      'Tracks objects across video frames with OC-SORT: confident detections are associated with Kalman-predicted tracks by IoU plus a direction consistency term (observation-centric momentum), then leftover detections are matched against the last observation of leftover tracks (observation-centric recovery). State is kept per video_identifier.',
    ui: { section: 'video', icon: 'far fa-location-crosshairs', blockPriority: 2, trackers: true },
    properties: {
      ...trackerInputs(),
      ...sharedSettings,
      high_conf_det_threshold: numberProperty(
        'High Confidence Detection Threshold',
        'Detections below this confidence are not used for association.',
        0.6,
        'float_zero_to_one',
      ),
      direction_consistency_weight: numberProperty(
        'Direction Consistency Weight',
        "Weight of the direction consistency term in OC-SORT's association cost.",
        0.2,
        'float_zero_to_one',
      ),
      delta_t: numberProperty('Delta T', "Past frames used to estimate each track's direction.", 3, 'integer'),
      instances_cache_size: instancesCacheSizeProperty,
    },
    required: ['image', 'detections'],
    outputs: TRACKER_OUTPUTS,
  },
  run(p, context) {
    const highConfidence = Number(p.high_conf_det_threshold ?? 0.6);
    const confident = p.detections.filter((i) => p.detections.confidence[i]! >= highConfidence);
    return runTracker(
      context,
      videoOf(p.image),
      confident,
      (fps) => ({
        ...baseConfig({ ...p, track_activation_threshold: highConfidence }, OCSORT_DEFAULTS, fps),
        weakDetectionIou: null,
        highConfidence,
        lowConfidenceFloor: highConfidence,
        momentum: {
          weight: Number(p.direction_consistency_weight ?? 0.2),
          deltaT: Math.max(1, Math.trunc(Number(p.delta_t ?? 3))),
        },
        observationRecovery: true,
      }),
      p.instances_cache_size,
    );
  },
});
