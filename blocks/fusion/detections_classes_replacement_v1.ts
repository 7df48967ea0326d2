// roboflow_core/detections_classes_replacement@v1: gives each detection the class its crop was classified as
// (classification results are one level deeper, one per crop, matched by parent_id = detection_id).
import {
  DETECTION_KINDS,
  Batch,
  Detections,
  defineBlock,
  isBatch,
  literalOrSelector,
  selector,
} from '../../engine/index.ts';
import { newDetectionId } from '../common/detections-utils.ts';

type Classification = Record<string, unknown> | string | string[] | null;

interface Params {
  object_detection_predictions: Detections | null;
  classification_predictions: Batch<Classification> | null;
  fallback_class_name: string | null;
  fallback_class_id: number | null;
}

/** Top class, its id and confidence of one classification result (single- or multi-label, or a bare string). */
function topClass(result: Classification): { name: string; id: number; confidence: number } | null {
  if (result === null || result === undefined) return null;
  if (typeof result === 'string') return { name: result, id: 0, confidence: 1 };
  if (Array.isArray(result)) return result.length ? { name: String(result[0]), id: 0, confidence: 1 } : null;
  if (typeof result.top === 'string') {
    const entry = (result.predictions as Array<Record<string, unknown>> | undefined)?.find(
      (p) => p.class === result.top,
    );
    return {
      name: result.top,
      id: Number(entry?.class_id ?? 0),
      confidence: Number(result.confidence ?? entry?.confidence ?? 0),
    };
  }
  const predicted = (result.predicted_classes as string[] | undefined) ?? [];
  const predictions = (result.predictions ?? {}) as Record<string, { confidence: number; class_id: number }>;
  const best = predicted
    .map((name) => ({ name, ...predictions[name]! }))
    .sort((a, b) => b.confidence - a.confidence)[0];
  return best ? { name: best.name, id: best.class_id, confidence: best.confidence } : null;
}

export const detectionsClassesReplacementV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/detections_classes_replacement@v1',
    aliases: ['DetectionsClassesReplacement'],
    humanName: 'Detections Classes Replacement',
    version: 'v1',
    blockType: 'fusion',
    shortDescription: 'Replace classes of detections with classes predicted by a chained classification model.',
    ui: { section: 'advanced', icon: 'fal fa-arrow-right-arrow-left' },
    properties: {
      object_detection_predictions: selector([...DETECTION_KINDS], {
        title: 'Regions of Interest',
        description: 'Detections whose classes are replaced.',
        examples: ['$steps.detection.predictions'],
      }),
      classification_predictions: selector(['classification_prediction', 'string', 'list_of_values'], {
        title: 'Classification results for crops',
        description: 'Classification of each crop of the detections.',
        examples: ['$steps.classification.predictions'],
      }),
      fallback_class_name: literalOrSelector({ anyOf: [{ type: 'string' }, { type: 'null' }] }, ['string'], {
        title: 'Fallback Class Name',
        description: 'Class used when a crop has no classification (dropped when null).',
        default: null,
      }),
      fallback_class_id: literalOrSelector({ anyOf: [{ type: 'integer' }, { type: 'null' }] }, ['integer'], {
        title: 'Fallback Class Id',
        description: 'Class id used with fallback_class_name.',
        default: null,
      }),
    },
    required: ['object_detection_predictions', 'classification_predictions'],
    outputs: [{ name: 'predictions', kind: [...DETECTION_KINDS] }],
    inputDimensionalityOffsets: { object_detection_predictions: 0, classification_predictions: 1 },
    dimensionalityReferenceProperty: 'object_detection_predictions',
    acceptsEmptyValues: true,
  },
  run({
    object_detection_predictions: detections,
    classification_predictions,
    fallback_class_name,
    fallback_class_id,
  }) {
    if (!detections) return { predictions: null };
    if (!classification_predictions) return { predictions: detections.select([]) };
    const results = isBatch(classification_predictions)
      ? classification_predictions.values
      : (classification_predictions as unknown as Classification[]);
    const byParent = new Map<string, Classification>();
    for (const result of results) {
      const parent =
        result && typeof result === 'object' && !Array.isArray(result)
          ? (result.parent_id as string | undefined)
          : undefined;
      if (parent) byParent.set(parent, result);
    }
    const ids = detections.column<string>('detection_id') ?? [];
    const keep: number[] = [];
    const names: string[] = [];
    const classIds: number[] = [];
    const confidences: number[] = [];
    for (let i = 0; i < detections.length; i++) {
      // Results without parent_id (strings, lists) align with detections by position.
      const top = topClass(byParent.size ? (byParent.get(ids[i]!) ?? null) : (results[i] ?? null));
      if (top) {
        keep.push(i);
        names.push(top.name);
        classIds.push(top.id);
        confidences.push(top.confidence);
      } else if (fallback_class_name) {
        keep.push(i);
        names.push(fallback_class_name);
        classIds.push(fallback_class_id ?? 2 ** 31 - 1);
        confidences.push(0);
      }
    }
    const picked = detections.select(keep);
    return {
      predictions: picked.with({
        classId: Int32Array.from(classIds),
        confidence: Float32Array.from(confidences),
        data: { class_name: names, detection_id: keep.map(() => newDetectionId()) },
      }),
    };
  },
});
