// Shared types of the query language (UQL): operation definitions as written in workflow JSON, and what every
// operation receives besides its input value.
import type { Detections } from '../../../engine/index.ts';

/** One operation as written in an `operations` list: `{"type": "...", ...fields}`. */
export type OperationDefinition = { type: string } & Record<string, unknown>;

export interface EvaluationContext {
  /** Values the query can refer to by name (dynamic operands, `class_map: "param"`, filter's `_`). */
  parameters: Record<string, unknown>;
  /** Where the query runs, for error messages (e.g. `step: filter | operations`). */
  executionContext: string;
}

export type OperationFn = (value: unknown, operation: OperationDefinition, context: EvaluationContext) => unknown;

/** A single detection picked out of a Detections object (what DetectionsFilter binds to `_`). */
export class DetectionRef {
  constructor(
    readonly detections: Detections,
    readonly index: number,
  ) {}
}

export function isDetectionRef(value: unknown): value is DetectionRef {
  return value instanceof DetectionRef;
}

export const DEFAULT_OPERAND_NAME = '_';
