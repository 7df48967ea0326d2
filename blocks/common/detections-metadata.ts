// Attaches Roboflow's per-detection lineage columns (docs/roboflow-compatibility.md#kinds) describing the image detections were made on:
// which image (parent / root), its size, and where it sits inside its parent and the root input image.
import { randomUUID } from 'node:crypto';
import type { Detections, WorkflowImage } from '../../engine/index.ts';

export interface DetectionsMetadataOptions {
  inferenceId?: string;
  predictionType?: string;
  /** Generate fresh detection ids even when the detections already carry some (default: keep existing). */
  newDetectionIds?: boolean;
}

function repeat<T>(value: T, n: number): T[] {
  return Array.from({ length: n }, () => value);
}

/** Returns detections with the lineage columns of `image` (and inference id / prediction type when given). */
export function attachImageMetadata(
  detections: Detections,
  image: WorkflowImage,
  options: DetectionsMetadataOptions = {},
): Detections {
  const n = detections.length;
  const existingIds = detections.column<string>('detection_id');
  const data: Record<string, unknown[]> = {
    detection_id: existingIds && !options.newDetectionIds ? existingIds : Array.from({ length: n }, () => randomUUID()),
    parent_id: repeat(image.parentId, n),
    image_dimensions: Array.from({ length: n }, () => [image.height, image.width]),
    root_parent_id: repeat(image.rootParentId, n),
    root_parent_coordinates: Array.from({ length: n }, () => [image.rootOrigin.offset_x, image.rootOrigin.offset_y]),
    root_parent_dimensions: Array.from({ length: n }, () => [image.rootOrigin.height, image.rootOrigin.width]),
    parent_coordinates: Array.from({ length: n }, () => [image.parentOrigin.offset_x, image.parentOrigin.offset_y]),
    parent_dimensions: Array.from({ length: n }, () => [image.parentOrigin.height, image.parentOrigin.width]),
    scaling_relative_to_parent: repeat(1, n),
    scaling_relative_to_root_parent: repeat(1, n),
  };
  if (options.inferenceId !== undefined) data.inference_id = repeat(options.inferenceId, n);
  if (options.predictionType !== undefined) data.prediction_type = repeat(options.predictionType, n);
  return detections.with({ data });
}
