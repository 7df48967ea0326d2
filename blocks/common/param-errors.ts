import { WorkflowExecutionEngineError } from '../../engine/index.ts';

/** A step got a value it cannot work with: names the step, the field and what was expected. */
export function invalidParam(
  stepName: string,
  field: string,
  value: unknown,
  expected: string,
): WorkflowExecutionEngineError {
  return new WorkflowExecutionEngineError(
    `Step ${stepName}: field \`${field}\` holds ${JSON.stringify(value)}, expected ${expected}`,
  );
}

export function positiveInt(value: unknown, stepName: string, field: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1) throw invalidParam(stepName, field, value, 'a positive integer');
  return Math.round(n);
}
