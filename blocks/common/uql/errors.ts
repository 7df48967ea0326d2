// Raising UQL errors with Roboflow's context string and a short rendering of the offending value.
import { InvalidInputTypeError, UndeclaredSymbolError } from '../../../engine/index.ts';
import { isDetections, isWorkflowImage } from '../../../engine/index.ts';
import { isDetectionRef, type EvaluationContext } from './types.ts';

const UQL_CONTEXT = 'step_execution | roboflow_query_language_evaluation';

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (isDetections(value)) return `Detections(${value.length} detections)`;
  if (isDetectionRef(value)) return `Detection(#${value.index})`;
  if (isWorkflowImage(value)) return `Image(${value.width}x${value.height})`;
  let text: string;
  try {
    text = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (Array.isArray(value)) return 'list';
  if (isDetections(value)) return 'Detections';
  if (isDetectionRef(value)) return 'Detection';
  if (isWorkflowImage(value)) return 'WorkflowImageData';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof Date) return 'datetime';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  return 'dict';
}

export function invalidInput(
  operation: string,
  expected: string,
  value: unknown,
  context: EvaluationContext,
): InvalidInputTypeError {
  return new InvalidInputTypeError(
    `Executing ${operation}(...) in context ${context.executionContext}, expected ${expected}, ` +
      `got ${describeValue(value)} of type ${typeName(value)}`,
    { context: `${UQL_CONTEXT} | ${context.executionContext}` },
  );
}

export function undeclaredSymbol(name: string, purpose: string, context: EvaluationContext): UndeclaredSymbolError {
  return new UndeclaredSymbolError(
    `Attempted to retrieve variable \`${name}\` that was expected to hold ${purpose}, ` +
      `but it is not declared (declared: ${Object.keys(context.parameters).join(', ') || 'none'}) ` +
      `in context ${context.executionContext}`,
    { context: `${UQL_CONTEXT} | ${context.executionContext}` },
  );
}
