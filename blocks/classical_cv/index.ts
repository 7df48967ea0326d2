import type { BlockDefinition } from '../../engine/index.ts';
import { absoluteStaticCropV1 } from './absolute_static_crop_v1.ts';
import { cameraFocusV1 } from './camera_focus_v1.ts';
import { contrastEqualizationV1 } from './contrast_equalization_v1.ts';
import { convertGrayscaleV1 } from './convert_grayscale_v1.ts';
import { dominantColorV1 } from './dominant_color_v1.ts';
import { imageBlurV1 } from './image_blur_v1.ts';
import { imagePreprocessingV1 } from './image_preprocessing_v1.ts';
import { imageSlicerV1 } from './image_slicer_v1.ts';
import { imageSlicerV2 } from './image_slicer_v2.ts';
import { morphologicalTransformationV1 } from './morphological_transformation_v1.ts';
import { morphologicalTransformationV2 } from './morphological_transformation_v2.ts';
import { pixelColorCountV1 } from './pixel_color_count_v1.ts';
import { relativeStaticCropV1 } from './relative_static_crop_v1.ts';
import { thresholdV1 } from './threshold_v1.ts';
import { siftV1 } from './sift_v1.ts';
import { siftComparisonV1 } from './sift_comparison_v1.ts';
import { siftComparisonV2 } from './sift_comparison_v2.ts';
import { stitchImagesV1 } from './stitch_images_v1.ts';
import { autoRotateOnEdgesV1 } from './auto_rotate_on_edges_v1.ts';
import { backgroundSubtractionV1 } from './background_subtraction_v1.ts';
import { cameraCalibrationV1 } from './camera_calibration_v1.ts';
import { cameraFocusV2 } from './camera_focus_v2.ts';
import { contoursDetectionV1 } from './contours_detection_v1.ts';
import { contrastEnhancementV1 } from './contrast_enhancement_v1.ts';
import { templateMatchingV1 } from './template_matching_v1.ts';
import { motionDetectionV1 } from './motion_detection_v1.ts';
import { maskEdgeSnapV1 } from './mask_edge_snap_v1.ts';

export const classicalCvBlocks: BlockDefinition<any>[] = [
  imagePreprocessingV1,
  convertGrayscaleV1,
  imageBlurV1,
  thresholdV1,
  contrastEqualizationV1,
  dominantColorV1,
  cameraFocusV1,
  pixelColorCountV1,
  morphologicalTransformationV1,
  morphologicalTransformationV2,
  absoluteStaticCropV1,
  relativeStaticCropV1,
  imageSlicerV1,
  imageSlicerV2,
  siftV1,
  siftComparisonV1,
  siftComparisonV2,
  stitchImagesV1,
  autoRotateOnEdgesV1,
  backgroundSubtractionV1,
  cameraCalibrationV1,
  cameraFocusV2,
  contoursDetectionV1,
  contrastEnhancementV1,
  templateMatchingV1,
  motionDetectionV1,
  maskEdgeSnapV1,
];
