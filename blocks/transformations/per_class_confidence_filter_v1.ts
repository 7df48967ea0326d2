// roboflow_core/per_class_confidence_filter@v1: keeps a detection when its confidence reaches the threshold of its
// class (class_thresholds), or default_threshold for classes not listed.
import {
  DETECTION_KINDS,
  Batch,
  Detections,
  WorkflowExecutionEngineError,
  defineBlock,
  literalOrSelector,
  selector,
} from '../../engine/index.ts';

const KINDS = [...DETECTION_KINDS];

interface Params {
  predictions: Batch<Detections | null>;
  class_thresholds: Record<string, unknown>;
  default_threshold: number;
}

export function filterByClassConfidence(
  d: Detections,
  thresholds: Record<string, unknown>,
  fallback: number,
  step: string,
): Detections {
  const limits = new Map<string, number>();
  for (const [name, value] of Object.entries(thresholds ?? {})) {
    const limit = Number(value);
    if (!Number.isFinite(limit))
      throw new WorkflowExecutionEngineError(
        `Step ${step}: class_thresholds.${name} must be a number, got ${JSON.stringify(value)}`,
      );
    limits.set(name, limit);
  }
  const names = d.column<string>('class_name');
  return d.filter((i) => d.confidence[i]! >= (limits.get(String(names?.[i])) ?? fallback));
}

export const perClassConfidenceFilterV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/per_class_confidence_filter@v1',
    humanName: 'Per-Class Confidence Filter',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'Filter detections by applying a per-class confidence threshold.',
    longDescription:
      'Keeps each detection whose confidence is at least the threshold configured for its class name; classes missing from class_thresholds use default_threshold.',
    ui: { section: 'flow_control', icon: 'far fa-filter', blockPriority: 2 },
    properties: {
      predictions: selector(KINDS, {
        description: 'Detection predictions to filter.',
        examples: ['$steps.object_detection_model.predictions'],
      }),
      class_thresholds: literalOrSelector(
        { type: 'object', additionalProperties: { type: 'number' } },
        ['dictionary'],
        {
          description: 'Mapping of class name to minimum confidence; classes not listed use default_threshold.',
          examples: [{ person: 0.98, car: 0.5 }, '$inputs.class_thresholds'],
        },
      ),
      default_threshold: literalOrSelector({ type: 'number' }, ['float_zero_to_one'], {
        description: 'Confidence threshold for classes not listed in class_thresholds.',
        default: 0.3,
        examples: [0.3, '$inputs.default_threshold'],
      }),
    },
    required: ['predictions', 'class_thresholds'],
    outputs: [{ name: 'predictions', kind: KINDS }],
    batchParameters: ['predictions'],
  },
  run({ predictions, class_thresholds, default_threshold }, context) {
    return predictions.values.map((d) => ({
      predictions: d
        ? filterByClassConfidence(d, class_thresholds, Number(default_threshold ?? 0.3), context.stepName)
        : d,
    }));
  },
});
