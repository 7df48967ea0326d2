// Runs a compiled plan (spec §3.2–§3.6): layer by layer, steps of a layer concurrently (capped), each step in
// batch mode (one call with Batches) or element mode (one call per index), registering outputs per index.
import pLimit from 'p-limit';
import { Batch, type BatchIndex } from '../batch.ts';
import type { Services, StepContext, StepOutputs } from '../block.ts';
import type { ImageInputOptions, RunOptions } from '../api-types.ts';
import {
  ClientCausedStepExecutionError, ExecutionEngineRuntimeError, InferenceModelNotFound, InvalidBlockBehaviourError,
  ModelManagerLockAcquisitionError, PlatformError, StepExecutionError, WorkflowError,
} from '../errors.ts';
import { FlowControl } from '../flow-control.ts';
import type { CompiledPlan, CompiledStep } from '../compiler/plan.ts';
import type { Profiler } from '../profiler.ts';
import { assembleInputs, validateRuntimeInputs } from './inputs.ts';
import { buildOutputs } from './outputs.ts';
import { StepInputs } from './step-inputs.ts';
import { indexKeyOf, RuntimeStore } from './store.ts';

export interface RunContext {
  services: Services;
  maxConcurrentSteps: number;
  imageInput: ImageInputOptions;
  profiler: Profiler;
}

const CLIENT_STATUSES = new Set([400, 401, 402, 403, 404, 410, 423]);

export async function runPlan(plan: CompiledPlan, runtime: Record<string, unknown>, options: RunOptions, ctx: RunContext): Promise<Array<Record<string, unknown>>> {
  const { profiler } = ctx;
  profiler.mark('workflow_run', 'B');
  const store = new RuntimeStore();
  await profiler.measure('workflow_input_assembly', () => assembleInputs(plan, runtime, store, ctx.imageInput));
  await profiler.measure('runtime_input_validation', () => validateRuntimeInputs(plan, store));
  const limit = pLimit(ctx.maxConcurrentSteps);
  await profiler.measure('workflow_execution', async () => {
    for (const layer of plan.layers) {
      await profiler.measure('group_of_steps_execution', () =>
        Promise.all(layer.map((name) => limit(() => profiler.measure('step_execution', () => runStep(plan, plan.steps.get(name)!, store, options, ctx), { step_selector: `$steps.${name}` })))),
        { next_steps: layer.map((n) => `$steps.${n}`), max_concurrent_steps: ctx.maxConcurrentSteps });
    }
  });
  const outputs = await profiler.measure('outputs_construction', () => buildOutputs(plan, store, options.serialize !== false));
  const filtered = options.excludedFields?.length
    ? outputs.map((o) => Object.fromEntries(Object.entries(o).filter(([k]) => !options.excludedFields!.includes(k))))
    : outputs;
  profiler.mark('workflow_run', 'E');
  return filtered;
}

async function callBlock(step: CompiledStep, params: Record<string, unknown>, context: StepContext): Promise<unknown> {
  try {
    return await step.block.run(params, context);
  } catch (error) {
    if (error instanceof WorkflowError) throw error;
    if (error instanceof ModelManagerLockAcquisitionError || error instanceof InferenceModelNotFound) throw error;
    const message = (error as Error)?.message ?? String(error);
    if (error instanceof PlatformError && CLIENT_STATUSES.has(error.status)) {
      throw new ClientCausedStepExecutionError(message, step.name, error.status, {
        context: 'workflow_execution | step_execution', innerError: error, blocksErrors: [{ block_id: step.name, block_type: step.definition.type }],
      });
    }
    throw new StepExecutionError(`Error in execution of step ${step.selector}: ${message}`, step.name, step.definition.type, {
      context: 'workflow_execution | step_execution',
      innerError: error,
      blocksErrors: [{
        block_id: step.name, block_type: step.definition.type, property_details: message,
        block_traceback: { traceback: (error as Error)?.stack ?? message, error_line: null, code_snippet: null, stdout: null, stderr: null },
      }],
    });
  }
}

async function runStep(plan: CompiledPlan, step: CompiledStep, store: RuntimeStore, options: RunOptions, ctx: RunContext): Promise<void> {
  const inputs = new StepInputs(plan, store, step);
  store.outputsOf(step.name);
  if (step.outputOffset > 0) store.ensureLineage(step.outputLineage);
  const context: StepContext = {
    stepName: step.name,
    stepType: step.definition.type,
    services: ctx.services,
    request: { apiKey: options.apiKey, disableSinks: options.disableSinks },
    state: plan.state.get(step.name)!,
  };
  if (!step.acceptsEmptyValues && inputs.missingScalarStepOutput()) return;

  if (!step.simd) {
    if (!inputs.allowed([]) && !step.acceptsEmptyValues) return;
    const values = inputs.valuesAt([]);
    if (!values) return;
    // Scalars plugged into batch parameters are auto-cast to a one-element batch.
    for (const property of step.autoCastParams) values[property] = new Batch([values[property] ?? null], [[0]]);
    let result = await callBlock(step, values, context);
    if (step.batchMode && Array.isArray(result) && result.length === 1 && (step.outputOffset <= 0 || Array.isArray(result[0]))) result = result[0];
    register(step, store, [], result);
    return;
  }

  const candidates = store.indices(step.executionLineage);
  const indices: BatchIndex[] = [];
  const rows: Record<string, unknown>[] = [];
  for (const index of candidates) {
    const values = inputs.valuesAt(index);
    if (values) {
      indices.push(index);
      rows.push(values);
    }
  }
  if (indices.length === 0) return;

  if (step.batchMode) {
    const params: Record<string, unknown> = {};
    for (const property of Object.keys(step.params)) {
      const isBatch = step.paramDims[property]! > 0 || step.autoCastParams.has(property);
      params[property] = isBatch ? new Batch(rows.map((r) => r[property] ?? null), indices) : rows[0]![property];
    }
    let result = await callBlock(step, params, context);
    if (!Array.isArray(result) && indices.length === 1 && step.executionDim === 0) result = [result];
    if (!Array.isArray(result) || result.length !== indices.length) {
      throw new InvalidBlockBehaviourError(`Step '${step.name}' (${step.definition.type}) ran in batch mode over ${indices.length} elements but returned ${Array.isArray(result) ? `${result.length} results` : 'a non-list result'}`, { context: 'workflow_execution | step_output_registration' });
    }
    indices.forEach((index, i) => register(step, store, index, result[i]));
    return;
  }
  for (let i = 0; i < indices.length; i++) {
    const result = await callBlock(step, rows[i]!, context);
    register(step, store, indices[i]!, result);
  }
}

function checkOutputs(step: CompiledStep, outputs: unknown): StepOutputs {
  if (!outputs || typeof outputs !== 'object' || Array.isArray(outputs)) {
    throw new InvalidBlockBehaviourError(`Step '${step.name}' (${step.definition.type}) returned ${Array.isArray(outputs) ? 'a list' : typeof outputs} instead of a dict of outputs`, { context: 'workflow_execution | step_output_registration' });
  }
  const declared = step.outputs.map((o) => o.name);
  if (declared.includes('*')) return outputs as StepOutputs;
  const got = Object.keys(outputs);
  if (got.length !== declared.length || !declared.every((d) => got.includes(d))) {
    throw new ExecutionEngineRuntimeError(`Step ${step.name} did not produce required outputs. Expected: [${declared.join(', ')}]. Got: [${got.join(', ')}]`, {
      context: 'workflow_execution | step_output_registration',
      blocksErrors: [{ block_id: step.name, block_type: step.definition.type }],
    });
  }
  return outputs as StepOutputs;
}

function register(step: CompiledStep, store: RuntimeStore, index: BatchIndex, result: unknown): void {
  if (result === null || result === undefined) return;
  if (result instanceof FlowControl) {
    let choices = store.flowChoices.get(step.name);
    if (!choices) store.flowChoices.set(step.name, (choices = new Map()));
    const branches = new Set<string>();
    for (const selector of result.context) {
      const branch = step.branchOfTarget.get(selector.replace(/^\$steps\./, ''));
      if (branch) branches.add(branch);
    }
    choices.set(indexKeyOf(index), branches);
    return;
  }
  const outputs = store.outputsOf(step.name);
  if (step.outputOffset > 0) {
    if (!Array.isArray(result)) {
      throw new InvalidBlockBehaviourError(`Step '${step.name}' (${step.definition.type}) increases dimensionality, so it must return a list of outputs per element`, { context: 'workflow_execution | step_output_registration' });
    }
    result.forEach((child, j) => {
      const childIndex = [...index, j];
      store.registerIndex(step.outputLineage, childIndex);
      if (child !== null && child !== undefined) outputs.set(indexKeyOf(childIndex), checkOutputs(step, child));
    });
    return;
  }
  outputs.set(indexKeyOf(index), checkOutputs(step, result));
}
