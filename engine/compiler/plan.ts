// What compilation produces: a plan the executor walks without looking at the raw definition again.
import type { BlockDefinition, OutputDefinition, StepDefinition } from '../block.ts';
import type { ParamSpec, Reference } from './selectors.ts';

export const WORKFLOW_INPUT_LINEAGE = '<workflow_input>';

/** Map key of a lineage (its batch names cannot contain NUL). */
export const lineageKey = (lineage: readonly string[]) => lineage.join('\u0000');

export type InputType = 'WorkflowImage' | 'WorkflowVideoMetadata' | 'WorkflowParameter' | 'WorkflowBatchInput';

export interface InputSpec {
  name: string;
  type: InputType;
  kinds: string[];
  dimensionality: number;
  defaultValue: unknown;
  isBatch: boolean;
  lineage: string[];
}

export interface OutputSpec {
  name: string;
  selector: string;
  ref: Extract<Reference, { type: 'input' | 'output' }>;
  coordinatesSystem: 'parent' | 'own';
  /** Kinds of the value (a dict per output name for `*`). */
  kinds: string[] | Record<string, string[]>;
}

export interface CompiledStep {
  name: string;
  selector: string;
  block: BlockDefinition<any>;
  definition: StepDefinition;
  params: Record<string, ParamSpec>;
  outputs: OutputDefinition[];
  batchMode: boolean;
  acceptsEmptyValues: boolean;
  /** Properties delivered as Batch in batch mode. */
  batchParams: Set<string>;
  /** Scalar values wrapped into a Batch at run time. */
  autoCastParams: Set<string>;
  /** Dimensionality of the data plugged into each property (0 = scalar). */
  paramDims: Record<string, number>;
  executionDim: number;
  executionLineage: string[];
  outputLineage: string[];
  outputOffset: number;
  /** Runs over batch indices (has batch inputs or control-flow lineage). */
  simd: boolean;
  /** Flow-control steps with an edge into this step. */
  controllers: string[];
  /** For flow-control steps: the branch name of every target step. */
  branchOfTarget: Map<string, string>;
  layer: number;
}

export interface InputSubstitution {
  input: string;
  step: string;
  property: string;
}

export interface CompiledPlan {
  readonly hash: string;
  readonly definition: Record<string, unknown>;
  inputs: InputSpec[];
  inputsByName: Map<string, InputSpec>;
  steps: Map<string, CompiledStep>;
  layers: string[][];
  outputs: OutputSpec[];
  substitutions: InputSubstitution[];
  /** One state map per step, living as long as the plan (stateful blocks). */
  state: Map<string, Map<string, unknown>>;
  compilationTrace: Array<{ name: string; start: number; end: number }>;
}
