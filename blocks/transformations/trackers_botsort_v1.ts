// roboflow_core/trackers_botsort@v1: BoT-SORT's association on the shared tracker core — confirmed tracks meet
// confident detections first (minimum_iou_threshold_first_assoc), then weak ones (minimum_iou_threshold_second_assoc);
// unconfirmed tracks meet the confident detections left over (minimum_iou_threshold_unconfirmed_assoc).
// Camera motion compensation (enable_cmc, cmc_method, cmc_downscale) is accepted but not applied;
// instant_first_frame_activation gives the first frame's tracks ids at once.
import { Detections, WorkflowImage, defineBlock, literal, literalOrSelector } from '../../engine/index.ts';
import {
  TRACKER_OUTPUTS,
  instancesCacheSizeProperty,
  numberProperty,
  runTracker,
  trackerInputs,
  videoOf,
} from './tracker-step.ts';

interface Params {
  image: WorkflowImage;
  detections: Detections;
  minimum_iou_threshold_first_assoc: number;
  minimum_iou_threshold_second_assoc: number;
  minimum_iou_threshold_unconfirmed_assoc: number;
  minimum_consecutive_frames: number;
  lost_track_buffer: number;
  track_activation_threshold: number;
  high_conf_det_threshold: number;
  enable_cmc: boolean;
  cmc_method: string;
  cmc_downscale: number;
  instant_first_frame_activation: boolean;
  instances_cache_size: number;
}

const flag = (title: string, description: string) =>
  literalOrSelector({ type: 'boolean' }, ['boolean'], { title, description, default: false, examples: [false] });

export const trackersBotsortV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/trackers_botsort@v1',
    humanName: 'BoT-SORT Tracker',
    version: 'v1',
    blockType: 'transformation',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'ByteTrack-style association with optional camera motion compensation (BoT-SORT).',
    longDescription:
      'Tracks objects across video frames with BoT-SORT: confirmed Kalman-predicted tracks are associated with confident, then weak detections; unconfirmed tracks get a stage of their own with the confident detections left over. Camera motion compensation settings are accepted but not applied (tracks are predicted in image coordinates). State is kept per video_identifier.',
    ui: { section: 'video', icon: 'far fa-location-crosshairs', blockPriority: 0, trackers: true },
    properties: {
      ...trackerInputs(),
      minimum_iou_threshold_first_assoc: numberProperty(
        'Minimum IoU Threshold First Assoc',
        'Minimum similarity for the first (high-confidence) association step.',
        0.2,
        'float_zero_to_one',
      ),
      minimum_iou_threshold_second_assoc: numberProperty(
        'Minimum IoU Threshold Second Assoc',
        'Minimum IoU for the second (low-confidence) association step.',
        0.5,
        'float_zero_to_one',
      ),
      minimum_iou_threshold_unconfirmed_assoc: numberProperty(
        'Minimum IoU Threshold Unconfirmed Assoc',
        'Minimum similarity for matching unconfirmed tracks.',
        0.3,
        'float_zero_to_one',
      ),
      minimum_consecutive_frames: numberProperty(
        'Minimum Consecutive Frames',
        'Matches a track needs before it is output with an id.',
        2,
        'integer',
      ),
      lost_track_buffer: numberProperty(
        'Lost Track Buffer',
        'Frames (at 30 fps) a track is kept after losing its detection.',
        30,
        'integer',
      ),
      track_activation_threshold: numberProperty(
        'Track Activation Threshold',
        'Minimum confidence for a detection to start a track.',
        0.7,
        'float_zero_to_one',
      ),
      high_conf_det_threshold: numberProperty(
        'High Confidence Detection Threshold',
        'Detections at or above this confidence take part in the first association stage.',
        0.6,
        'float_zero_to_one',
      ),
      enable_cmc: flag('Enable CMC', 'Enable camera motion compensation (uses per-frame image pixels).'),
      cmc_method: literal(
        { type: 'string', enum: ['orb', 'sift', 'sparseOptFlow', 'ecc'] },
        { description: 'Camera motion estimator.', default: 'sparseOptFlow', examples: ['sparseOptFlow'] },
      ),
      cmc_downscale: numberProperty('CMC Downscale', 'Downscale factor applied inside CMC.', 2, 'integer'),
      instant_first_frame_activation: flag(
        'Instant First Frame Activation',
        'Tracks on the first frame receive ids immediately.',
      ),
      instances_cache_size: instancesCacheSizeProperty,
    },
    required: ['image', 'detections'],
    outputs: TRACKER_OUTPUTS,
  },
  run(p, context) {
    const source = videoOf(p.image);
    const firstFrame = !context.state.has(`${context.stepName}:tracker:${source.id}`);
    return runTracker(
      context,
      source,
      p.detections,
      (fps) => ({
        minimumIou: Number(p.minimum_iou_threshold_first_assoc ?? 0.2),
        weakDetectionIou: Number(p.minimum_iou_threshold_second_assoc ?? 0.5),
        highConfidence: Number(p.high_conf_det_threshold ?? 0.6),
        lowConfidenceFloor: 0.1,
        activation: Number(p.track_activation_threshold ?? 0.7),
        minimumConsecutiveFrames: Number(p.minimum_consecutive_frames ?? 2),
        maxFramesWithoutUpdate: Math.trunc((fps / 30) * Number(p.lost_track_buffer ?? 30)),
        idOnSpawn: Boolean(p.instant_first_frame_activation) && firstFrame,
        unconfirmedIou: Number(p.minimum_iou_threshold_unconfirmed_assoc ?? 0.3),
      }),
      p.instances_cache_size,
    );
  },
});
