// Stages 0, 8 and 9 of compilation: engine version selection, parsing/validation of the definition and name
// uniqueness (docs/roboflow-compatibility.md#workflow-definitions, #compilation).
import type { BlockDefinition, StepDefinition } from '../block.ts';
import { EXECUTION_ENGINE_VERSION } from '../api-types.ts';
import {
  DuplicatedNameError,
  ExecutionGraphStructureError,
  NotSupportedExecutionEngineError,
  WorkflowDefinitionError,
  WorkflowSyntaxError,
  type BlockError,
} from '../errors.ts';
import { INPUT_TYPE_ALIASES } from '../block-schema.ts';
import { compareVersions, parseVersion } from './pep440.ts';
import { validateStep } from './step-validation.ts';
import type { BlockRegistry } from '../registry.ts';
import { WORKFLOW_INPUT_LINEAGE, type InputSpec, type InputType } from './plan.ts';
import { clip, echo } from './echo.ts';

const PARSING = 'workflow_compilation | workflow_definition_parsing';

export interface ParsedStep {
  definition: StepDefinition;
  block: BlockDefinition<any>;
}

export interface ParsedOutput {
  name: string;
  selector: string;
  coordinatesSystem: 'parent' | 'own';
}

export interface ParsedDefinition {
  inputs: InputSpec[];
  steps: ParsedStep[];
  outputs: ParsedOutput[];
}

function syntax(
  message: string,
  blocksErrors: Array<Partial<BlockError> & { block_id: string }> = [],
  innerError?: unknown,
): WorkflowSyntaxError {
  return new WorkflowSyntaxError(message, { context: PARSING, blocksErrors, innerError });
}

/** Checks `version` selects this engine (`>=version,<major+1`). */
export function checkVersion(definition: Record<string, unknown>): void {
  const raw = definition.version;
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw syntax('Workflow definition must declare `version` as a string, e.g. "1.0"');
  }
  const requested = parseVersion(raw);
  if (!requested) {
    throw new WorkflowDefinitionError(`Workflow definition version ${echo(raw)} is not a valid version identifier`, {
      context: 'workflow_compilation | engine_selection',
    });
  }
  const engine = parseVersion(EXECUTION_ENGINE_VERSION)!;
  const upper = [requested[0]! + 1, 0, 0];
  if (compareVersions(engine, requested) < 0 || compareVersions(engine, upper) >= 0) {
    throw new NotSupportedExecutionEngineError(
      `There is no Execution Engine matching workflow version ${echo(raw)} (available: ${EXECUTION_ENGINE_VERSION})`,
      { context: 'workflow_compilation | engine_selection' },
    );
  }
}

function kindNames(kind: unknown, fallback: string): string[] {
  if (kind === undefined || kind === null) return [fallback];
  if (!Array.isArray(kind)) throw syntax(`Input 'kind' must be a list of kind names or kind objects`);
  const names = kind.map((k) => (typeof k === 'string' ? k : (k as { name?: unknown })?.name));
  if (names.some((n) => typeof n !== 'string'))
    throw syntax(`Input 'kind' must be a list of kind names or kind objects`);
  return names.length ? (names as string[]) : [fallback];
}

function parseInput(raw: unknown, position: number): InputSpec {
  if (!raw || typeof raw !== 'object') throw syntax(`inputs[${position}] must be an object`);
  const input = raw as Record<string, unknown>;
  const type = (
    Object.hasOwn(INPUT_TYPE_ALIASES, String(input.type)) ? INPUT_TYPE_ALIASES[String(input.type)] : undefined
  ) as InputType | undefined;
  const name = input.name;
  if (typeof name !== 'string' || !name) throw syntax(`inputs[${position}] must have a string 'name'`);
  checkName(name, 'Input');
  if (!type) {
    const problem = input.type === undefined ? `is missing its 'type'` : `has unknown type ${echo(input.type)}`;
    throw syntax(`Input ${echo(name)} ${problem} (expected one of ${Object.keys(INPUT_TYPE_ALIASES).join(', ')})`);
  }
  const isBatch = type !== 'WorkflowParameter';
  const defaultDim = isBatch ? 1 : 0;
  const dimensionality = input.dimensionality === undefined ? defaultDim : input.dimensionality;
  if (typeof dimensionality !== 'number' || !Number.isInteger(dimensionality))
    throw syntax(`Input ${echo(name)}: dimensionality must be an integer`);
  if ((type === 'WorkflowImage' || type === 'WorkflowVideoMetadata') && dimensionality !== 1) {
    throw syntax(`Input ${echo(name)} of type ${type} must have dimensionality 1, got ${dimensionality}`);
  }
  if (type === 'WorkflowParameter' && dimensionality !== 0)
    throw syntax(`Input ${echo(name)} of type WorkflowParameter must have dimensionality 0`);
  if (type === 'WorkflowBatchInput' && dimensionality < 1) {
    throw new ExecutionGraphStructureError(
      `Input ${echo(name)} of type WorkflowBatchInput must have dimensionality >= 1, got ${dimensionality}`,
      {
        context: 'workflow_compilation | execution_graph_construction',
      },
    );
  }
  const fallbackKind = type === 'WorkflowImage' ? 'image' : type === 'WorkflowVideoMetadata' ? 'video_metadata' : '*';
  const lineage = isBatch ? [WORKFLOW_INPUT_LINEAGE] : [];
  for (let d = 1; d < dimensionality; d++) lineage.push(`<${name}:${d}>`);
  return {
    name,
    type,
    kinds: kindNames(input.kind, fallbackKind),
    dimensionality,
    defaultValue: input.default_value ?? null,
    isBatch,
    lineage,
  };
}

function parseOutput(raw: unknown, position: number): ParsedOutput {
  if (!raw || typeof raw !== 'object') throw syntax(`outputs[${position}] must be an object`);
  const output = raw as Record<string, unknown>;
  if (output.type !== 'JsonField')
    throw syntax(`outputs[${position}] must have type 'JsonField', got ${echo(output.type)}`);
  if (typeof output.name !== 'string' || !output.name) throw syntax(`outputs[${position}] must have a string 'name'`);
  checkName(output.name, 'Output');
  if (typeof output.selector !== 'string') throw syntax(`Output ${echo(output.name)} must have a string 'selector'`);
  const cs = output.coordinates_system ?? 'parent';
  if (cs !== 'parent' && cs !== 'own')
    throw syntax(`Output ${echo(output.name)}: coordinates_system must be 'parent' or 'own', got ${echo(cs)}`);
  return { name: output.name, selector: output.selector, coordinatesSystem: cs };
}

/** Names of properties every object inherits (`__proto__`, `constructor`...): as keys of the name-indexed maps
 * the compiler, the graph library and the outputs use, they would reach Object.prototype. */
function isReservedName(name: string): boolean {
  return name in Object.prototype;
}

function reservedNameMessage(what: string, name: string): string {
  return `${what} name ${echo(name)} is reserved (every JavaScript object has a property of that name); choose another name`;
}

function checkName(name: string, what: string): void {
  if (isReservedName(name)) throw syntax(reservedNameMessage(what, name));
}

function ensureUnique(names: string[], message: string): void {
  const seen = new Set<string>();
  const duplicated = new Set<string>();
  for (const n of names) (seen.has(n) ? duplicated : seen).add(n);
  if (duplicated.size) {
    throw new DuplicatedNameError(`${message}: ${[...duplicated].join(', ')}`, {
      context: 'workflow_compilation | workflow_definition_validation',
    });
  }
}

export function parseDefinition(definition: Record<string, unknown>, registry: BlockRegistry): ParsedDefinition {
  for (const key of ['inputs', 'steps', 'outputs']) {
    if (!Array.isArray(definition[key])) throw syntax(`Workflow definition must have '${key}' as a list`);
  }
  const inputs = (definition.inputs as unknown[]).map(parseInput);
  const outputs = (definition.outputs as unknown[]).map(parseOutput);
  const steps: ParsedStep[] = [];
  const errors: Array<Partial<BlockError> & { block_id: string }> = [];
  let inner: unknown;
  const messages: string[] = [];
  (definition.steps as unknown[]).forEach((raw, position) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw syntax(`steps[${position}] must be an object`);
    const step = raw as StepDefinition;
    const stepName = typeof step.name === 'string' ? step.name : `steps[${position}]`;
    if (typeof step.name !== 'string' || !step.name) {
      errors.push({
        block_id: stepName,
        block_type: String(step.type),
        property_name: 'name',
        property_details: 'Field required: step name must be a string',
      });
      messages.push(`${stepName}: missing name`);
      return;
    }
    if (isReservedName(stepName)) {
      errors.push({
        block_id: stepName,
        block_type: String(step.type),
        property_name: 'name',
        property_details: reservedNameMessage('Step', stepName),
      });
      messages.push(reservedNameMessage('Step', stepName));
      return;
    }
    const block = typeof step.type === 'string' ? registry.get(step.type) : undefined;
    if (!block) {
      const missingType = step.type === undefined;
      errors.push({
        block_id: stepName,
        block_type: typeof step.type === 'string' ? clip(step.type) : null,
        property_name: 'type',
        property_details: missingType ? `Field required: 'type' is missing` : `Unknown block type ${echo(step.type)}`,
      });
      messages.push(
        missingType
          ? `step ${echo(stepName)} is missing its block 'type'`
          : `step ${echo(stepName)} uses unknown block type ${echo(step.type)}`,
      );
      return;
    }
    try {
      steps.push({ definition: validateStep(step, block), block });
    } catch (error) {
      if (!(error instanceof WorkflowSyntaxError)) throw error;
      errors.push(...error.blocksErrors);
      messages.push(error.message);
      // A manifest validator's reason (Roboflow's pydantic inner error) is kept.
      inner ??= error.innerError;
    }
  });
  if (errors.length) throw syntax(messages.join(' | '), errors, inner);
  ensureUnique(
    inputs.map((i) => i.name),
    'Found duplicated input parameter names',
  );
  ensureUnique(
    steps.map((s) => s.definition.name),
    'Found duplicated input steps names',
  );
  ensureUnique(
    outputs.map((o) => o.name),
    'Found duplicated input outputs names',
  );
  return { inputs, steps, outputs };
}
