// roboflow_core/byte_tracker@v1..v3 (supervision's ByteTrack): confident detections are those at or above
// track_activation_threshold, matched when 1 - IoU is within minimum_matching_threshold; weak ones (from 0.1)
// rescue leftover tracks; new tracks need track_activation_threshold + 0.1.
import {
  Detections,
  WorkflowImage,
  defineBlock,
  selector,
  type StepContext,
  type VideoMetadata,
} from '../../engine/index.ts';
import { WEAK_DETECTION_IOU } from './trackers_bytetrack_v1.ts';
import {
  TRACKER_OUTPUTS,
  instancesCacheSizeProperty,
  numberProperty,
  runTracker,
  trackerInputs,
  videoOf,
  type VideoSource,
} from './tracker-step.ts';

interface Params {
  image?: WorkflowImage;
  metadata?: VideoMetadata;
  detections: Detections;
  track_activation_threshold: number;
  lost_track_buffer: number;
  minimum_matching_threshold: number;
  minimum_consecutive_frames: number;
  instances_cache_size?: number;
}

function track(p: Params, context: StepContext, source: VideoSource) {
  const activation = Number(p.track_activation_threshold ?? 0.25);
  const minimumFrames = Number(p.minimum_consecutive_frames ?? 1);
  return runTracker(
    context,
    source,
    p.detections,
    (fps) => ({
      minimumIou: 1 - Number(p.minimum_matching_threshold ?? 0.8),
      weakDetectionIou: WEAK_DETECTION_IOU,
      highConfidence: activation,
      lowConfidenceFloor: 0.1,
      activation: activation + 0.1,
      minimumConsecutiveFrames: minimumFrames,
      maxFramesWithoutUpdate: Math.trunc((fps / 30) * Number(p.lost_track_buffer ?? 30)),
      idOnSpawn: true,
    }),
    p.instances_cache_size,
  );
}

const settings = {
  track_activation_threshold: numberProperty(
    'Track Activation Threshold',
    'Detection confidence separating confident from weak detections.',
    0.25,
    'float_zero_to_one',
  ),
  lost_track_buffer: numberProperty(
    'Lost Track Buffer',
    'Frames (at 30 fps) a track is kept after losing its detection.',
    30,
    'integer',
  ),
  minimum_matching_threshold: numberProperty(
    'Minimum Matching Threshold',
    'Largest 1 - IoU at which a detection still continues a track.',
    0.8,
    'float_zero_to_one',
  ),
  minimum_consecutive_frames: numberProperty(
    'Minimum Consecutive Frames',
    'Matches a track needs before it is output with an id.',
    1,
    'integer',
  ),
};

const common = {
  humanName: 'Byte Tracker',
  blockType: 'transformation' as const,
  cacheable: false, // keeps state between runs (step output cache must not reuse it)
  shortDescription: 'Track and update object positions across video frames.',
  ui: { section: 'video', icon: 'far fa-location-crosshairs', trackers: true },
  required: ['detections'],
};
const detectionKinds = ['object_detection_prediction', 'instance_segmentation_prediction'];

export const byteTrackerV1 = defineBlock<Params>({
  manifest: {
    ...common,
    type: 'roboflow_core/byte_tracker@v1',
    aliases: ['ByteTracker'],
    version: 'v1',
    deprecated: true,
    properties: {
      metadata: selector(['video_metadata'], {
        title: 'Video Metadata',
        description: 'Metadata of the video the frame belongs to.',
        examples: ['$inputs.video_metadata'],
      }),
      detections: trackerInputs(detectionKinds).detections!,
      ...settings,
    },
    required: ['metadata', 'detections'],
    outputs: [TRACKER_OUTPUTS[0]!],
  },
  run(p, context) {
    return { tracked_detections: track(p, context, videoOf(null, p.metadata)).tracked_detections };
  },
});

export const byteTrackerV2 = defineBlock<Params>({
  manifest: {
    ...common,
    type: 'roboflow_core/byte_tracker@v2',
    version: 'v2',
    deprecated: true,
    properties: { ...trackerInputs(detectionKinds), ...settings },
    required: ['image', 'detections'],
    outputs: [TRACKER_OUTPUTS[0]!],
  },
  run(p, context) {
    return { tracked_detections: track(p, context, videoOf(p.image)).tracked_detections };
  },
});

export const byteTrackerV3 = defineBlock<Params>({
  manifest: {
    ...common,
    type: 'roboflow_core/byte_tracker@v3',
    version: 'v3',
    deprecated: true,
    properties: { ...trackerInputs(), ...settings, instances_cache_size: instancesCacheSizeProperty },
    required: ['image', 'detections'],
    outputs: TRACKER_OUTPUTS,
  },
  run(p, context) {
    return track(p, context, videoOf(p.image));
  },
});
