// roboflow_core/detections_stitch@v1: merges detections made on crops/slices (one level deeper) back into the
// reference image's frame using each child's parent_coordinates, then removes duplicates (nms / nmm / none).
import {
  Batch,
  Detections,
  WorkflowImage,
  defineBlock,
  literalOrSelector,
  selector,
  WorkflowExecutionEngineError,
} from '../../engine/index.ts';
import { fill, nmm, nms, translate } from '../common/detections-utils.ts';

interface Params {
  reference_image: WorkflowImage;
  predictions: Batch<Detections>;
  overlap_filtering_strategy: 'none' | 'nms' | 'nmm';
  iou_threshold: number;
}

export function stitchDetections(reference: WorkflowImage, parts: readonly (Detections | null)[]): Detections {
  const moved: Detections[] = [];
  for (const part of parts) {
    if (!part || part.length === 0) continue;
    const offsets = part.column<[number, number]>('parent_coordinates');
    // Rows of one part share their crop, hence one offset per part.
    const [dx, dy] = offsets?.[0] ?? [0, 0];
    moved.push(translate(part, dx, dy, { width: reference.width, height: reference.height }));
  }
  const merged = Detections.merge(moved);
  const n = merged.length;
  return merged.with({
    data: {
      parent_id: fill(n, reference.parentId),
      image_dimensions: fill(n, [reference.height, reference.width]),
      parent_coordinates: fill(n, [0, 0]),
      parent_dimensions: fill(n, [reference.height, reference.width]),
      root_parent_id: fill(n, reference.rootParentId),
      root_parent_coordinates: fill(n, [reference.rootOrigin.offset_x, reference.rootOrigin.offset_y]),
      root_parent_dimensions: fill(n, [reference.rootOrigin.height, reference.rootOrigin.width]),
    },
  });
}

export const detectionsStitchV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/detections_stitch@v1',
    humanName: 'Detections Stitch',
    version: 'v1',
    blockType: 'fusion',
    shortDescription: 'Merge detections from sub-parts of the image into one prediction for the whole image.',
    ui: { section: 'advanced', icon: 'fal fa-reel' },
    properties: {
      reference_image: selector(['image'], {
        title: 'Reference Image',
        description: 'Image the crops or slices were taken from.',
        examples: ['$inputs.image'],
      }),
      predictions: selector(['object_detection_prediction', 'instance_segmentation_prediction'], {
        title: 'Predictions',
        description: 'Detections made on the crops or slices.',
        examples: ['$steps.object_detection.predictions'],
      }),
      overlap_filtering_strategy: literalOrSelector({ type: 'string', enum: ['none', 'nms', 'nmm'] }, ['string'], {
        title: 'Overlap Filtering Strategy',
        description: 'How overlapping boxes from neighbouring parts are reconciled.',
        default: 'nms',
        examples: ['nms', '$inputs.overlap_filtering_strategy'],
      }),
      iou_threshold: literalOrSelector({ type: 'number', minimum: 0, maximum: 1 }, ['float_zero_to_one'], {
        title: 'IoU Threshold',
        description: 'Overlap above which boxes are considered duplicates.',
        default: 0.3,
        examples: [0.4, '$inputs.iou_threshold'],
      }),
    },
    required: ['reference_image', 'predictions'],
    outputs: [{ name: 'predictions', kind: ['object_detection_prediction', 'instance_segmentation_prediction'] }],
    inputDimensionalityOffsets: { reference_image: 0, predictions: 1 },
    dimensionalityReferenceProperty: 'reference_image',
  },
  run({ reference_image, predictions, overlap_filtering_strategy, iou_threshold }, context) {
    const stitched = stitchDetections(reference_image, predictions ? [...predictions] : []);
    const threshold = Number(iou_threshold ?? 0.3);
    switch (overlap_filtering_strategy ?? 'nms') {
      case 'none':
        return { predictions: stitched };
      case 'nms':
        return { predictions: nms(stitched, threshold) };
      case 'nmm':
        return { predictions: nmm(stitched, threshold) };
      default:
        throw new WorkflowExecutionEngineError(
          `Step ${context.stepName}: overlap_filtering_strategy is ${JSON.stringify(overlap_filtering_strategy)}, expected one of none, nms, nmm`,
        );
    }
  },
});
