// Runs an `operations` list: each operation transforms the previous value.
import { OperationTypeNotRecognisedError } from '../../../engine/index.ts';
import type { EvaluationContext, OperationDefinition, OperationFn } from './types.ts';
import { scalarOperations } from './operations/scalars.ts';
import { sequenceOperations } from './operations/sequences.ts';
import { detectionsOperations } from './operations/detections.ts';
import { mediaOperations } from './operations/media.ts';

/** Every operation by its `type`. */
export const OPERATIONS: ReadonlyMap<string, OperationFn> = new Map(
  Object.entries({ ...scalarOperations, ...sequenceOperations, ...detectionsOperations, ...mediaOperations }),
);

export function operationFor(operation: OperationDefinition, context: EvaluationContext): OperationFn {
  const fn = OPERATIONS.get(operation?.type);
  if (!fn) {
    throw new OperationTypeNotRecognisedError(
      `Attempted to execute operation of type \`${operation?.type}\` in context ${context.executionContext}, ` +
        'but no implementation for this operation is registered.',
      { context: `step_execution | roboflow_query_language_compilation | ${context.executionContext}` },
    );
  }
  return fn;
}

export async function executeOperations(
  value: unknown,
  operations: readonly OperationDefinition[] | undefined,
  context: EvaluationContext,
): Promise<unknown> {
  let current = value;
  for (const operation of operations ?? [])
    current = await operationFor(operation, context)(current, operation, context);
  return current;
}

/** Checks every operation type (recursively) before anything runs, so typos fail fast. */
export function validateOperations(
  operations: readonly OperationDefinition[] | undefined,
  context: EvaluationContext,
): void {
  for (const operation of operations ?? []) {
    operationFor(operation, context);
    if (Array.isArray(operation.operations)) validateOperations(operation.operations as OperationDefinition[], context);
  }
}
