// Runs a compiled plan (docs/roboflow-compatibility.md#execution): layer by layer, steps of a layer concurrently (capped), each step in
// batch mode (one call with Batches) or element mode (one call per index), registering outputs per index.
import pLimit, { type LimitFunction } from 'p-limit';
import { Batch, indexKey, type BatchIndex } from '../batch.ts';
import type { Services, StepContext, StepOutputs } from '../block.ts';
import type { ImageInputOptions, RunOptions } from '../api-types.ts';
import {
  ClientCausedStepExecutionError,
  ExecutionEngineRuntimeError,
  InvalidBlockBehaviourError,
  PlatformError,
  StepExecutionError,
  WorkflowError,
  WorkflowExecutionEngineError,
} from '../errors.ts';
import { FlowControl } from '../flow-control.ts';
import type { CompiledPlan, CompiledStep } from '../compiler/plan.ts';
import type { Profiler } from '../profiler.ts';
import { assembleInputs, validateRuntimeInputs } from './inputs.ts';
import { workflowDecodeHints } from './decode-hints.ts';
import { buildOutputs } from './outputs.ts';
import { StepInputs } from './step-inputs.ts';
import { RuntimeStore } from './store.ts';
import { runPlanObserved } from './observed.ts';
import type { StepOutputCache } from './step-cache.ts';
import { RunGuard } from './run-guard.ts';

export interface RunContext {
  services: Services;
  maxConcurrentSteps: number;
  imageInput: ImageInputOptions;
  profiler: Profiler;
  /** The engine's step output cache, used by runs that ask for `reuseOutputs`. */
  stepCache?: StepOutputCache;
  /** Set by runPlan: the run's abort/time-limit guard, told which steps are running. */
  guard?: RunGuard;
  /** Runs of one workflow instance: these steps wait for the previous run to end (WorkflowInstance.run). */
  runOrder?: { steps: ReadonlySet<string>; afterPrevious: Promise<void> };
}

/** Runs the plan under its request's abort signal and time limit (options.signal, options.timeoutMs). */
export async function runPlan(
  plan: CompiledPlan,
  runtime: Record<string, unknown>,
  options: RunOptions,
  ctx: RunContext,
): Promise<Array<Record<string, unknown>>> {
  const decodeHints = options.decodeHints ?? (await workflowDecodeHints(plan, ctx.services, options));
  if (decodeHints) ctx = { ...ctx, imageInput: { ...ctx.imageInput, decodeHints } };
  if (!options.signal && !options.timeoutMs) return runPlanUnguarded(plan, runtime, options, ctx);
  const guard = new RunGuard(options.signal, options.timeoutMs, options.timeLimitMs);
  try {
    return await guard.race(
      runPlanUnguarded(
        plan,
        runtime,
        { ...options, signal: guard.signal },
        {
          ...ctx,
          guard,
          imageInput: { ...ctx.imageInput, signal: guard.signal },
        },
      ),
    );
  } finally {
    guard.dispose();
  }
}

async function runPlanUnguarded(
  plan: CompiledPlan,
  runtime: Record<string, unknown>,
  options: RunOptions,
  ctx: RunContext,
): Promise<Array<Record<string, unknown>>> {
  const { profiler } = ctx;
  if (options.observer || options.reuseOutputs || options.runTo)
    return runPlanObserved(plan, runtime, options, ctx, options.reuseOutputs ? ctx.stepCache : undefined);
  if (profiler.enabled) return runProfiled(plan, runtime, options, ctx);
  const store = new RuntimeStore();
  await assembleInputs(plan, runtime, store, ctx.imageInput);
  validateRuntimeInputs(plan, store);
  let limit: LimitFunction | undefined;
  for (const layer of plan.layers) {
    if (layer.length === 1) await runStep(plan, plan.steps.get(layer[0]!)!, store, options, ctx);
    else if (layer.length <= ctx.maxConcurrentSteps)
      await Promise.all(layer.map((name) => runStep(plan, plan.steps.get(name)!, store, options, ctx)));
    else {
      limit ??= pLimit(ctx.maxConcurrentSteps);
      await Promise.all(layer.map((name) => limit!(() => runStep(plan, plan.steps.get(name)!, store, options, ctx))));
    }
  }
  return excludeFields(await buildOutputs(plan, store, options.serialize !== false), options);
}

/** The same run, recording trace events (docs/roboflow-compatibility.md#profiling). */
async function runProfiled(
  plan: CompiledPlan,
  runtime: Record<string, unknown>,
  options: RunOptions,
  ctx: RunContext,
): Promise<Array<Record<string, unknown>>> {
  const { profiler } = ctx;
  profiler.mark('workflow_run', 'B');
  const store = new RuntimeStore();
  await profiler.measure('workflow_input_assembly', () => assembleInputs(plan, runtime, store, ctx.imageInput));
  await profiler.measure('runtime_input_validation', () => validateRuntimeInputs(plan, store));
  const limit = pLimit(ctx.maxConcurrentSteps);
  await profiler.measure('workflow_execution', async () => {
    for (const layer of plan.layers) {
      await profiler.measure(
        'group_of_steps_execution',
        () =>
          Promise.all(
            layer.map((name) =>
              limit(() =>
                profiler.measure('step_execution', () => runStep(plan, plan.steps.get(name)!, store, options, ctx), {
                  step_selector: `$steps.${name}`,
                }),
              ),
            ),
          ),
        { next_steps: layer.map((n) => `$steps.${n}`), max_concurrent_steps: ctx.maxConcurrentSteps },
      );
    }
  });
  const outputs = await profiler.measure('outputs_construction', () =>
    buildOutputs(plan, store, options.serialize !== false),
  );
  const filtered = excludeFields(outputs, options);
  profiler.mark('workflow_run', 'E');
  return filtered;
}

export function excludeFields(
  outputs: Array<Record<string, unknown>>,
  options: RunOptions,
): Array<Record<string, unknown>> {
  if (!options.excludedFields?.length) return outputs;
  return outputs.map((o) =>
    Object.fromEntries(Object.entries(o).filter(([k]) => !options.excludedFields!.includes(k))),
  );
}

function blockError(step: CompiledStep, error: unknown): unknown {
  // A bare WorkflowExecutionEngineError is a block refusing its data: report it as that step's failure (with
  // blocks_errors naming it) like any other raise; the engine's own subclasses pass through.
  if (error instanceof WorkflowError && error.constructor !== WorkflowExecutionEngineError) return error;
  // 'busy' (a model still loading, a full queue) keeps its own answer: retry later.
  if (error instanceof PlatformError && error.blame === 'busy') return error;
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof PlatformError && error.blame === 'client') {
    return new ClientCausedStepExecutionError(message, step.name, {
      context: 'workflow_execution | step_execution',
      innerError: error,
      blocksErrors: [{ block_id: step.name, block_type: step.definition.type }],
    });
  }
  return new StepExecutionError(
    `Error in execution of step ${step.selector}: ${message}`,
    step.name,
    step.definition.type,
    {
      context: 'workflow_execution | step_execution',
      innerError: error,
      blocksErrors: [
        {
          block_id: step.name,
          block_type: step.definition.type,
          property_details: message,
          block_traceback: {
            traceback: (error as Error)?.stack ?? message,
            error_line: null,
            code_snippet: null,
            stdout: null,
            stderr: null,
          },
        },
      ],
    },
  );
}

/** Runs the block; a synchronous result stays synchronous (no extra promise hop per step). */
function callBlock(step: CompiledStep, params: Record<string, unknown>, context: StepContext): unknown {
  let result: unknown;
  try {
    result = step.block.run(params, context);
  } catch (error) {
    throw blockError(step, error);
  }
  if (result instanceof Promise) {
    return result.catch((error: unknown) => {
      throw blockError(step, error);
    });
  }
  return result;
}

export async function runStep(
  plan: CompiledPlan,
  step: CompiledStep,
  store: RuntimeStore,
  options: RunOptions,
  ctx: RunContext,
): Promise<void> {
  const inputs = new StepInputs(plan, store, step);
  store.outputsOf(step.name);
  if (step.outputOffset > 0) store.ensureLineage(step.outputLineage);
  const context: StepContext = {
    stepName: step.name,
    stepType: step.definition.type,
    services: ctx.services,
    request: { apiKey: options.apiKey, disableSinks: options.disableSinks },
    state: plan.state.get(step.name)!,
    signal: options.signal,
  };
  if (ctx.runOrder?.steps.has(step.name)) await ctx.runOrder.afterPrevious;
  // A stopped run starts no further step (model runs already queued are dropped by their scheduler).
  options.signal?.throwIfAborted();
  ctx.guard?.enter(step);
  try {
    await runStepBody(step, inputs, store, options, context);
  } finally {
    ctx.guard?.leave(step);
  }
}

async function runStepBody(
  step: CompiledStep,
  inputs: StepInputs,
  store: RuntimeStore,
  options: RunOptions,
  context: StepContext,
): Promise<void> {
  if (!step.acceptsEmptyValues && inputs.missingScalarStepOutput()) return;

  if (!step.simd) {
    const values = inputs.valuesAt([]);
    if (!values) return;
    // Scalars plugged into batch parameters are auto-cast to a one-element batch.
    for (const property of step.autoCastParams) values[property] = new Batch([values[property] ?? null], [[0]]);
    let result = callBlock(step, values, context);
    if (result instanceof Promise) result = await result;
    if (
      step.batchMode &&
      Array.isArray(result) &&
      result.length === 1 &&
      (step.outputOffset <= 0 || Array.isArray(result[0]))
    )
      result = result[0];
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
      params[property] = isBatch
        ? new Batch(
            rows.map((r) => r[property] ?? null),
            indices,
          )
        : rows[0]![property];
    }
    let result = await callBlock(step, params, context);
    if (!Array.isArray(result) && indices.length === 1 && step.executionDim === 0) result = [result];
    if (!Array.isArray(result) || result.length !== indices.length) {
      throw new InvalidBlockBehaviourError(
        `Step '${step.name}' (${step.definition.type}) ran in batch mode over ${indices.length} elements but returned ${Array.isArray(result) ? `${result.length} results` : 'a non-list result'}`,
        { context: 'workflow_execution | step_output_registration' },
      );
    }
    indices.forEach((index, i) => register(step, store, index, result[i]));
    return;
  }
  for (let i = 0; i < indices.length; i++) {
    options.signal?.throwIfAborted();
    let result = callBlock(step, rows[i]!, context);
    if (result instanceof Promise) result = await result;
    register(step, store, indices[i]!, result);
  }
}

function checkOutputs(step: CompiledStep, outputs: unknown): StepOutputs {
  if (!outputs || typeof outputs !== 'object' || Array.isArray(outputs)) {
    throw new InvalidBlockBehaviourError(
      `Step '${step.name}' (${step.definition.type}) returned ${Array.isArray(outputs) ? 'a list' : typeof outputs} instead of a dict of outputs`,
      { context: 'workflow_execution | step_output_registration' },
    );
  }
  const declared = step.outputs;
  let matches = true;
  let count = 0;
  for (const o of declared) {
    if (o.name === '*') return outputs as StepOutputs;
    if (!Object.prototype.propertyIsEnumerable.call(outputs, o.name)) matches = false;
  }
  for (const key in outputs) if (Object.prototype.hasOwnProperty.call(outputs, key)) count++;
  if (!matches || count !== declared.length) {
    const got = Object.keys(outputs);
    throw new ExecutionEngineRuntimeError(
      `Step ${step.name} did not produce required outputs. Expected: [${declared.map((o) => o.name).join(', ')}]. Got: [${got.join(', ')}]`,
      {
        context: 'workflow_execution | step_output_registration',
        blocksErrors: [{ block_id: step.name, block_type: step.definition.type }],
      },
    );
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
    choices.set(indexKey(index), branches);
    return;
  }
  const outputs = store.outputsOf(step.name);
  if (step.outputOffset > 0) {
    if (!Array.isArray(result)) {
      throw new InvalidBlockBehaviourError(
        `Step '${step.name}' (${step.definition.type}) increases dimensionality, so it must return a list of outputs per element`,
        { context: 'workflow_execution | step_output_registration' },
      );
    }
    result.forEach((child, j) => {
      const childIndex = [...index, j];
      store.registerIndex(step.outputLineage, childIndex);
      if (child !== null && child !== undefined) outputs.set(indexKey(childIndex), checkOutputs(step, child));
    });
    return;
  }
  outputs.set(indexKey(index), checkOutputs(step, result));
}
