// Runtime input assembly and validation (docs/roboflow-compatibility.md#runtime-inputs).
import { RuntimeInputError } from '../errors.ts';
import type { ImageInputOptions } from '../api-types.ts';
import { indexKey, type BatchIndex } from '../batch.ts';
import { WORKFLOW_INPUT_LINEAGE, type CompiledPlan, type InputSpec } from '../compiler/plan.ts';
import { propertyValidator, describeExpected } from '../compiler/step-validation.ts';
import { unionMembers } from '../compiler/selectors.ts';
import { echo } from '../compiler/echo.ts';
import type { JsonSchema } from '../block.ts';
import { deserializeInput } from './deserialize.ts';
import type { RuntimeStore } from './store.ts';

const CONTEXT = 'workflow_execution | runtime_input_assembly';

function batchSize(plan: CompiledPlan, runtime: Record<string, unknown>): number {
  for (const input of plan.inputs) {
    const value = runtime[input.name];
    if (input.isBatch && Array.isArray(value) && value.length > 1) return value.length;
  }
  return 1;
}

async function assembleBatchInput(
  input: InputSpec,
  value: unknown,
  size: number,
  store: RuntimeStore,
  options: ImageInputOptions,
): Promise<void> {
  if (value === undefined || value === null) {
    throw new RuntimeInputError(
      `Input '${input.name}' is defined as \`${input.type}\` (of kind \`[${input.kinds.join(', ')}]\`), but value is not provided.`,
      { context: CONTEXT },
    );
  }
  const values = new Map<string, unknown>();
  store.inputValues.set(input.name, values);
  if (input.dimensionality === 1) {
    if (!Array.isArray(value)) {
      const decoded = await deserializeInput(value, input.kinds, input.name, input.name, options);
      for (let i = 0; i < size; i++) values.set(String(i), decoded);
      return;
    }
    if (value.length !== 1 && value.length !== size) {
      throw new RuntimeInputError(
        `Expected all batch-oriented workflow inputs be the same length, or of length 1 - input '${input.name}' has ${value.length} elements while the batch size is ${size}.`,
        { context: CONTEXT },
      );
    }
    const decoded = await Promise.all(
      value.map((v, i) => deserializeInput(v, input.kinds, `${input.name}.[${i}]`, input.name, options)),
    );
    for (let i = 0; i < size; i++) values.set(String(i), decoded.length === 1 ? decoded[0] : decoded[i]);
    return;
  }
  // Nested batch input: register indices for each nested lineage level.
  const walk = async (node: unknown, index: BatchIndex, level: number): Promise<void> => {
    if (level === input.dimensionality) {
      values.set(
        indexKey(index),
        await deserializeInput(
          node,
          input.kinds,
          `${input.name}.${index.map((i) => `[${i}]`).join('.')}`,
          input.name,
          options,
        ),
      );
      return;
    }
    if (!Array.isArray(node)) {
      throw new RuntimeInputError(
        `Input '${input.name}' has dimensionality ${input.dimensionality}, so its value must be nested lists ${input.dimensionality} levels deep`,
        { context: CONTEXT },
      );
    }
    for (let i = 0; i < node.length; i++) {
      const child = [...index, i];
      if (level >= 1) store.registerIndex(input.lineage.slice(0, level + 1), child);
      await walk(node[i], child, level + 1);
    }
  };
  if (!Array.isArray(value))
    throw new RuntimeInputError(
      `Input '${input.name}' has dimensionality ${input.dimensionality}, so its value must be a nested list`,
      { context: CONTEXT },
    );
  await walk(value, [], 0);
}

export async function assembleInputs(
  plan: CompiledPlan,
  runtime: Record<string, unknown>,
  store: RuntimeStore,
  options: ImageInputOptions,
): Promise<void> {
  const size = batchSize(plan, runtime);
  store.ensureLineage([WORKFLOW_INPUT_LINEAGE]);
  if (plan.inputs.some((i) => i.isBatch)) {
    for (let i = 0; i < size; i++) store.registerIndex([WORKFLOW_INPUT_LINEAGE], [i]);
  }
  await Promise.all(
    plan.inputs
      .filter((i) => i.isBatch)
      .map((input) => assembleBatchInput(input, runtime[input.name], size, store, options)),
  );
  for (const input of plan.inputs) {
    if (input.isBatch) continue;
    store.params.set(
      input.name,
      Object.prototype.hasOwnProperty.call(runtime, input.name) ? runtime[input.name] : input.defaultValue,
    );
  }
}

/** Validates substituted parameters against the step property schema (e.g. confidence 1.5 into [0, 1]). */
export function validateRuntimeInputs(plan: CompiledPlan, store: RuntimeStore): void {
  for (const { input, step, property } of plan.substitutions) {
    const schema = literalSchema(plan.steps.get(step)!.block.manifest.properties[property]);
    if (!schema) continue;
    const value = store.params.get(input);
    const validate = propertyValidator(schema);
    if (value === null && schema.default === null) continue;
    if (!validate(value)) {
      throw new RuntimeInputError(
        `Provided input is incompatible with manifest of step '${step}' regarding property '${property}': input '${input}' = ${echo(value)}, expected ${describeExpected(schema)}.`,
        { context: 'workflow_execution | runtime_input_validation' },
      );
    }
  }
}

const literalSchemas = new WeakMap<JsonSchema, JsonSchema | null>();
/** The literal part of a property schema (selector alternatives removed); null for selector-only properties. */
function literalSchema(schema: JsonSchema | undefined): JsonSchema | null {
  if (!schema) return null;
  if (literalSchemas.has(schema)) return literalSchemas.get(schema)!;
  let result: JsonSchema | null;
  if (schema.reference === true) result = null;
  else if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) {
    const literals = ((schema.anyOf ?? schema.oneOf) as JsonSchema[]).filter(
      (m) => !unionMembers(m).every((u) => u.reference === true),
    );
    result = literals.length ? { anyOf: literals } : null;
  } else result = schema;
  literalSchemas.set(schema, result);
  return result;
}
