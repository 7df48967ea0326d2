import type { BlockDefinition } from '../../engine/index.ts';
import { dynamicCropV1 } from './dynamic_crop_v1.ts';
import { detectionOffsetV1 } from './detection_offset_v1.ts';
import { detectionsFilterV1 } from './detections_filter_v1.ts';
import { detectionsTransformationV1 } from './detections_transformation_v1.ts';
import { detectionsMergeV1 } from './detections_merge_v1.ts';
import { detectionsCombineV1 } from './detections_combine_v1.ts';
import { stitchOcrDetectionsV1 } from './stitch_ocr_detections_v1.ts';
import { stitchOcrDetectionsV2 } from './stitch_ocr_detections_v2.ts';
import { trackersSortV1 } from './trackers_sort_v1.ts';
import { trackersBytetrackV1 } from './trackers_bytetrack_v1.ts';
import { byteTrackerV1, byteTrackerV2, byteTrackerV3 } from './byte_tracker.ts';
import { perClassConfidenceFilterV1 } from './per_class_confidence_filter_v1.ts';
import { maskAreaMeasurementV1 } from './mask_area_measurement_v1.ts';
import { boundingRectV1 } from './bounding_rect_v1.ts';
import { sizeMeasurementV1 } from './size_measurement_v1.ts';
import { distanceMeasurementV1 } from './distance_measurement_v1.ts';
import { detectionsNearestNeighborV1 } from './detections_nearest_neighbor_v1.ts';
import { stabilizeDetectionsV1 } from './stabilize_detections_v1.ts';
import { trackersOcsortV1 } from './trackers_ocsort_v1.ts';
import { trackersBotsortV1 } from './trackers_botsort_v1.ts';
import { dynamicZoneV1 } from './dynamic_zone_v1.ts';
import { perspectiveCorrectionV1 } from './perspective_correction_v1.ts';
import { trackClassLockV1 } from './track_class_lock_v1.ts';
import { geotagDetectionV1 } from './geotag_detection_v1.ts';
import { qrCodeGeneratorV1 } from './qr_code_generator_v1.ts';

export const transformationBlocks: BlockDefinition<any>[] = [
  dynamicCropV1,
  detectionOffsetV1,
  detectionsFilterV1,
  detectionsTransformationV1,
  detectionsMergeV1,
  detectionsCombineV1,
  stitchOcrDetectionsV1,
  stitchOcrDetectionsV2,
  trackersSortV1,
  trackersBytetrackV1,
  byteTrackerV1,
  byteTrackerV2,
  byteTrackerV3,
  perClassConfidenceFilterV1,
  maskAreaMeasurementV1,
  boundingRectV1,
  sizeMeasurementV1,
  distanceMeasurementV1,
  detectionsNearestNeighborV1,
  stabilizeDetectionsV1,
  trackersOcsortV1,
  trackersBotsortV1,
  dynamicZoneV1,
  perspectiveCorrectionV1,
  trackClassLockV1,
  geotagDetectionV1,
  qrCodeGeneratorV1,
];
