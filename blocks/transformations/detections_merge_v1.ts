// roboflow_core/detections_merge@v1: replaces all detections with one box enclosing them all, with the lowest
// confidence among them.
import { DETECTION_KINDS, Detections, defineBlock, literal, selector } from '../../engine/index.ts';
import { newDetectionId } from '../common/detections-utils.ts';

export function mergeIntoOne(d: Detections, className: string): Detections {
  if (d.length === 0) return Detections.empty();
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity,
    confidence = Infinity;
  for (let i = 0; i < d.length; i++) {
    x0 = Math.min(x0, d.xyxy[i * 4]!);
    y0 = Math.min(y0, d.xyxy[i * 4 + 1]!);
    x1 = Math.max(x1, d.xyxy[i * 4 + 2]!);
    y1 = Math.max(y1, d.xyxy[i * 4 + 3]!);
    confidence = Math.min(confidence, d.confidence[i]!);
  }
  const data: Record<string, unknown[]> = { class_name: [className], detection_id: [newDetectionId()] };
  for (const key of [
    'parent_id',
    'image_dimensions',
    'root_parent_id',
    'parent_coordinates',
    'parent_dimensions',
    'root_parent_coordinates',
    'root_parent_dimensions',
    'inference_id',
    'prediction_type',
  ]) {
    const column = d.column(key);
    if (column) data[key] = [column[0]];
  }
  return new Detections(Float32Array.of(x0, y0, x1, y1), Float32Array.of(confidence), Int32Array.of(0), data);
}

export const detectionsMergeV1 = defineBlock<{ predictions: Detections; class_name: string }>({
  manifest: {
    type: 'roboflow_core/detections_merge@v1',
    humanName: 'Detections Merge',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'Merge multiple detections into a single bounding box.',
    ui: { section: 'transformation', icon: 'fal fa-object-union' },
    properties: {
      predictions: selector([...DETECTION_KINDS], {
        title: 'Predictions',
        description: 'Detections to merge.',
        examples: ['$steps.model.predictions'],
      }),
      class_name: literal(
        { type: 'string' },
        { title: 'Class Name', description: 'Class name of the merged detection.', default: 'merged_detection' },
      ),
    },
    required: ['predictions'],
    outputs: [{ name: 'predictions', kind: ['object_detection_prediction'] }],
  },
  run({ predictions, class_name }) {
    return { predictions: mergeIntoOne(predictions, class_name ?? 'merged_detection') };
  },
});
