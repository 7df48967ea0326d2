// Shared body of detections_filter@v1 and detections_transformation@v1: run a UQL operations chain on each
// prediction, with `operations_parameters` (scalars or per-element batches) as the named parameters.
import {
  DETECTION_KINDS,
  Batch,
  Detections,
  isBatch,
  selector,
  selectorDict,
  literal,
  type BlockManifest,
  type StepContext,
} from '../../engine/index.ts';
import { executeOperations, validateOperations, type OperationDefinition } from '../common/uql/index.ts';

export interface DetectionsOperationsParams {
  predictions: Batch<Detections>;
  operations: OperationDefinition[];
  operations_parameters: Record<string, unknown> | Batch<Record<string, unknown>>;
}

export function detectionsOperationsManifest(
  base: Pick<BlockManifest, 'type' | 'aliases' | 'humanName' | 'shortDescription' | 'ui'>,
  exampleOperations: unknown[],
): BlockManifest {
  return {
    ...base,
    version: 'v1',
    blockType: 'transformation',
    properties: {
      predictions: selector([...DETECTION_KINDS], {
        title: 'Predictions',
        description: 'Model predictions to transform.',
        examples: ['$steps.object_detection_model.predictions'],
      }),
      operations: literal(
        { type: 'array', items: { type: 'object', properties: { type: { type: 'string' } }, required: ['type'] } },
        {
          title: 'Operations',
          description: 'UQL operations applied to the predictions.',
          examples: [exampleOperations],
        },
      ),
      operations_parameters: selectorDict(['*'], {
        title: 'Operations Parameters',
        description: 'Named values the operations can refer to.',
        default: {},
        examples: [{ classes: '$inputs.classes' }],
      }),
    },
    required: ['predictions', 'operations'],
    outputs: [{ name: 'predictions', kind: [...DETECTION_KINDS] }],
    batchParameters: ['predictions'],
    batchOrScalarParameters: ['operations_parameters'],
  };
}

/** operations_parameters for one element: batch-valued entries (or a whole batch) are indexed by position. */
function parametersAt(
  parameters: DetectionsOperationsParams['operations_parameters'],
  position: number,
): Record<string, unknown> {
  if (isBatch(parameters)) return (parameters.values[position] as Record<string, unknown>) ?? {};
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parameters ?? {}))
    out[name] = isBatch(value) ? value.values[position] : value;
  return out;
}

export async function runDetectionsOperations(params: DetectionsOperationsParams, context: StepContext) {
  const executionContext = `step: ${context.stepName} | operations`;
  validateOperations(params.operations, { parameters: {}, executionContext });
  const results = [];
  for (let i = 0; i < params.predictions.length; i++) {
    const detections = params.predictions.values[i];
    if (!detections) {
      results.push({ predictions: null });
      continue;
    }
    const parameters = parametersAt(params.operations_parameters, i);
    results.push({
      predictions: await executeOperations(detections, params.operations, { parameters, executionContext }),
    });
  }
  return results;
}
