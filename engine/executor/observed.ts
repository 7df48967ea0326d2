// The executor's observed path: the same layer walk as runPlan, plus step events, the step output cache and
// "run up to these steps". Only taken when a run asks for one of those, so plain runs pay nothing for it.
import pLimit from 'p-limit';
import type { RunOptions } from '../api-types.ts';
import type { StepOutputs } from '../block.ts';
import type { CompiledPlan, CompiledStep } from '../compiler/plan.ts';
import type { RunObserver, SkipReason } from './events.ts';
import { assembleInputs, validateRuntimeInputs } from './inputs.ts';
import { buildOutputs } from './outputs.ts';
import { estimateBytes, type CachedStep, type StepOutputCache } from './step-cache.ts';
import { StepInputs } from './step-inputs.ts';
import { ancestorsOf, dependenciesOf, stepKeys } from './step-keys.ts';
import { RuntimeStore } from './store.ts';
import { excludeFields, runStep, type RunContext } from './run.ts';

type Outcome = 'executed' | 'cached' | 'skipped';

/** Calls an observer method; a listener's failure must not change the run. */
function tell<K extends keyof RunObserver>(
  observer: RunObserver | undefined,
  method: K,
  event: Parameters<NonNullable<RunObserver[K]>>[0],
): void {
  const fn = observer?.[method] as ((e: typeof event) => void) | undefined;
  if (!fn) return;
  try {
    fn.call(observer, event);
  } catch {
    /* a listener's bug is its own */
  }
}

export async function runPlanObserved(
  plan: CompiledPlan,
  runtime: Record<string, unknown>,
  options: RunOptions,
  ctx: RunContext,
  cache: StepOutputCache | undefined,
): Promise<Array<Record<string, unknown>>> {
  const observer = options.observer;
  const signal = options.signal;
  const store = new RuntimeStore();
  await assembleInputs(plan, runtime, store, ctx.imageInput);
  validateRuntimeInputs(plan, store);
  const selected = options.runTo?.length ? ancestorsOf(plan, options.runTo) : new Set(plan.steps.keys());
  const keys = cache ? stepKeys(plan, store) : undefined;
  const counts = { executed: 0, cached: 0, skipped: 0 };
  const fresh = new Set<string>();
  tell(observer, 'runStarted', {
    steps: [...plan.steps.values()].map((s) => ({ step: s.name, blockType: s.definition.type })),
    selected: [...selected],
  });

  const one = async (step: CompiledStep): Promise<void> => {
    signal?.throwIfAborted();
    const info = { step: step.name, blockType: step.definition.type };
    if (!selected.has(step.name)) {
      counts.skipped++;
      tell(observer, 'stepSkipped', { ...info, reason: 'not_requested' });
      return;
    }
    const key = keys?.get(step.name) ?? null;
    const started = performance.now();
    // A step whose inputs were just recomputed runs again too, so ids it copied from them (parent_id) stay true.
    const upstreamFresh = dependenciesOf(step).steps.some((d) => fresh.has(d));
    const hit = key !== null && !upstreamFresh ? cache!.get(key) : undefined;
    if (hit) {
      restore(step, store, hit);
      counts.cached++;
      finished(step, store, observer, started, true);
      return;
    }
    fresh.add(step.name);
    tell(observer, 'stepStarted', info);
    // Let the event loop deliver what listeners sent before a synchronous block holds it.
    if (observer) await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
    const lineageBefore = step.outputOffset > 0 ? store.indices(step.outputLineage).length : 0;
    try {
      await runStep(plan, step, store, options, ctx);
    } catch (error) {
      tell(observer, 'stepFailed', { ...info, durationMs: performance.now() - started, error });
      throw error;
    }
    const outcome = outcomeOf(plan, step, store);
    if (outcome !== 'executed') {
      counts.skipped++;
      tell(observer, 'stepSkipped', { ...info, reason: outcome });
    } else {
      counts.executed++;
      finished(step, store, observer, started, false);
    }
    if (key !== null) cache!.set(key, snapshot(step, store, lineageBefore));
  };

  const limit = pLimit(ctx.maxConcurrentSteps);
  for (const layer of plan.layers) {
    await Promise.all(layer.map((name) => limit(() => one(plan.steps.get(name)!))));
  }
  signal?.throwIfAborted();
  const outputs = excludeFields(await buildOutputs(plan, store, options.serialize !== false), options);
  tell(observer, 'runFinished', { outputs, ...counts, total: plan.steps.size });
  return outputs;
}

function finished(
  step: CompiledStep,
  store: RuntimeStore,
  observer: RunObserver | undefined,
  started: number,
  cached: boolean,
): void {
  if (!observer?.stepFinished) return;
  const outputs = store.stepOutputs.get(step.name) ?? new Map<string, StepOutputs>();
  tell(observer, 'stepFinished', {
    step: step.name,
    blockType: step.definition.type,
    durationMs: performance.now() - started,
    cached,
    batchSize: outputs.size,
    dimensionality: step.outputLineage.length,
    outputs,
  });
}

/** Executed, or why nothing ran: decided after the fact from what the step registered and what it could see. */
function outcomeOf(plan: CompiledPlan, step: CompiledStep, store: RuntimeStore): 'executed' | SkipReason {
  if (store.stepOutputs.get(step.name)?.size || store.flowChoices.get(step.name)?.size) return 'executed';
  const inputs = new StepInputs(plan, store, step);
  if (!step.simd) {
    if (!step.acceptsEmptyValues && inputs.missingScalarStepOutput()) return 'empty_input';
    return inputs.valuesAt([]) ? 'executed' : 'empty_input';
  }
  const candidates = store.indices(step.executionLineage);
  if (candidates.some((index) => inputs.valuesAt(index))) return 'executed';
  if (candidates.length > 0 && step.controllers.length > 0 && !candidates.some((index) => inputs.allowed(index)))
    return 'masked_by_flow_control';
  return 'empty_input';
}

function snapshot(step: CompiledStep, store: RuntimeStore, lineageBefore: number): CachedStep {
  const outputs = [...(store.stepOutputs.get(step.name) ?? [])];
  const choices = [...(store.flowChoices.get(step.name) ?? [])];
  const children = step.outputOffset > 0 ? store.indices(step.outputLineage).slice(lineageBefore) : [];
  return { outputs, choices, children, bytes: 256 + estimateBytes(outputs) + estimateBytes(children) };
}

function restore(step: CompiledStep, store: RuntimeStore, entry: CachedStep): void {
  const outputs = store.outputsOf(step.name);
  if (step.outputOffset > 0) {
    store.ensureLineage(step.outputLineage);
    for (const index of entry.children) store.registerIndex(step.outputLineage, index);
  }
  for (const [key, value] of entry.outputs) outputs.set(key, value);
  if (entry.choices.length) store.flowChoices.set(step.name, new Map(entry.choices));
}

export type { Outcome };
