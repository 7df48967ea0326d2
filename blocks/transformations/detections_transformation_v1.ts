// roboflow_core/detections_transformation@v1: applies a UQL operations chain (sort, rename, offset, ...) to
// detections.
import { defineBlock } from '../../engine/index.ts';
import {
  detectionsOperationsManifest,
  runDetectionsOperations,
  type DetectionsOperationsParams,
} from './detections_operations.ts';

export const detectionsTransformationV1 = defineBlock<DetectionsOperationsParams>({
  manifest: detectionsOperationsManifest(
    {
      type: 'roboflow_core/detections_transformation@v1',
      aliases: ['DetectionsTransformation'],
      humanName: 'Detections Transformation',
      shortDescription: 'Apply transformations on detected bounding boxes.',
      ui: { section: 'transformation', icon: 'far fa-arrow-right-arrow-left' },
    },
    [{ type: 'DetectionsOffset', offset_x: 10, offset_y: 10 }],
  ),
  run: runDetectionsOperations,
});
