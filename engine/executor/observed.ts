// The executor's observed path: the same layer walk as runPlan, plus step events, the step output cache and
// "run up to these steps". Only taken when a run asks for one of those, so plain runs pay nothing for it.
import pLimit, { type LimitFunction } from 'p-limit';
import type { RunOptions } from '../api-types.ts';
import type { StepOutputs } from '../block.ts';
import type { CompiledPlan, CompiledStep } from '../compiler/plan.ts';
import type { RunObserver, SkipReason, StepInfo } from './events.ts';
import { assembleInputs, validateRuntimeInputs } from './inputs.ts';
import { buildOutputs } from './outputs.ts';
import { estimateBytes, type CachedStep, type StepOutputCache } from './step-cache.ts';
import { StepInputs } from './step-inputs.ts';
import { ancestorsOf, dependenciesOf, stepKeys } from './step-keys.ts';
import { RuntimeStore } from './store.ts';
import { excludeFields, runStep, type RunContext } from './run.ts';

type Outcome = 'executed' | 'cached' | 'skipped';

const NO_OUTPUTS: ReadonlyMap<string, StepOutputs> = new Map();

/** Longest stretch without giving the event loop a turn while someone listens (events leave on those turns). */
const YIELD_EVERY_MS = 15;

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
  const store = new RuntimeStore();
  await assembleInputs(plan, runtime, store, ctx.imageInput);
  validateRuntimeInputs(plan, store);
  const run = new ObservedRun(plan, store, options, ctx, cache);
  const { observer, signal } = options;
  if (observer?.runStarted)
    tell(observer, 'runStarted', {
      steps: [...plan.steps.values()].map((s) => ({ step: s.name, blockType: s.definition.type })),
      selected: run.selected ? [...run.selected] : [...plan.steps.keys()],
    });
  let limit: LimitFunction | undefined;
  let yielded = (run.clock = performance.now());
  for (const layer of plan.layers) {
    // Let the event loop deliver what listeners sent, now and then: a synchronous block would hold it.
    if (observer && run.clock - yielded > YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      yielded = run.clock = performance.now();
    }
    if (layer.length === 1) {
      // Inline, as the plain path does: no extra promise per step.
      const step = plan.steps.get(layer[0]!)!;
      const started = run.before(step, true);
      if (started < 0) continue;
      try {
        await runStep(plan, step, store, options, ctx);
      } catch (error) {
        run.failed(step, started, error);
        throw error;
      }
      run.after(step, started);
      continue;
    }
    limit ??= pLimit(ctx.maxConcurrentSteps);
    await Promise.all(layer.map((name) => limit!(() => run.one(plan.steps.get(name)!))));
  }
  signal?.throwIfAborted();
  const outputs = excludeFields(await buildOutputs(plan, store, options.serialize !== false), options);
  tell(observer, 'runFinished', { outputs, ...run.counts, total: plan.steps.size });
  return outputs;
}

/** One observed run's bookkeeping (a class, not closures: nothing to allocate per run beyond the instance). */
class ObservedRun {
  readonly observer: RunObserver | undefined;
  readonly signal: AbortSignal | undefined;
  /** null: every step is selected. */
  readonly selected: Set<string> | null;
  readonly keys: Map<string, string | null> | undefined;
  readonly counts = { executed: 0, cached: 0, skipped: 0 };
  /** Steps executed (not restored) in this run. */
  readonly fresh = new Set<string>();
  /** When the latest step of this run ended (performance.now()). */
  clock = 0;

  constructor(
    readonly plan: CompiledPlan,
    readonly store: RuntimeStore,
    readonly options: RunOptions,
    readonly ctx: RunContext,
    readonly cache: StepOutputCache | undefined,
  ) {
    this.observer = options.observer;
    this.signal = options.signal;
    this.selected = options.runTo?.length ? ancestorsOf(plan, options.runTo) : null;
    this.keys = cache ? stepKeys(plan, store) : undefined;
  }

  /** Indices the step's output lineage had before it ran (dimensionality-raising steps being cached). */
  readonly #lineageBefore = new Map<string, number>();

  /** Before a step: its start time, or -1 when it is skipped or served from cache (its events sent). */
  before(step: CompiledStep, sequential = false): number {
    this.signal?.throwIfAborted();
    if (this.selected && !this.selected.has(step.name)) {
      this.counts.skipped++;
      tell(this.observer, 'stepSkipped', { step: step.name, blockType: step.definition.type, reason: 'not_requested' });
      return -1;
    }
    // One clock read per step: a step run alone in its layer starts when the previous one ended.
    const started = sequential ? this.clock : performance.now();
    let key: string | null = null;
    if (this.keys) {
      key = this.keys.get(step.name) ?? null;
      // A step whose inputs were just recomputed runs again too, so ids it copied from them (parent_id) stay true.
      const upstreamFresh = dependenciesOf(step).steps.some((d) => this.fresh.has(d));
      const hit = key !== null && !upstreamFresh ? this.cache!.get(key) : undefined;
      if (hit) {
        restore(step, this.store, hit);
        this.counts.cached++;
        this.clock = performance.now();
        finished(step, this.store, this.observer, started, this.clock, true);
        return -1;
      }
      this.fresh.add(step.name);
      if (key !== null && step.outputOffset > 0)
        this.#lineageBefore.set(step.name, this.store.indices(step.outputLineage).length);
    }
    const onStart = this.observer?.stepStarted;
    if (onStart) {
      try {
        onStart.call(this.observer, infoOf(step));
      } catch {
        /* a listener's bug is its own */
      }
    }
    return started;
  }

  failed(step: CompiledStep, started: number, error: unknown): void {
    tell(this.observer, 'stepFailed', {
      step: step.name,
      blockType: step.definition.type,
      durationMs: performance.now() - started,
      error,
    });
  }

  after(step: CompiledStep, started: number): void {
    this.clock = performance.now();
    // Registered outputs: executed (the common case, decided without building its inputs again).
    const outcome = this.store.stepOutputs.get(step.name)?.size ? 'executed' : outcomeOf(this.plan, step, this.store);
    if (outcome !== 'executed') {
      this.counts.skipped++;
      tell(this.observer, 'stepSkipped', { step: step.name, blockType: step.definition.type, reason: outcome });
    } else {
      this.counts.executed++;
      finished(step, this.store, this.observer, started, this.clock, false);
    }
    const key = this.keys?.get(step.name);
    if (key) this.cache!.set(key, snapshot(step, this.store, this.#lineageBefore.get(step.name) ?? 0));
  }

  async one(step: CompiledStep): Promise<void> {
    const started = this.before(step);
    if (started < 0) return;
    try {
      await runStep(this.plan, step, this.store, this.options, this.ctx);
    } catch (error) {
      this.failed(step, started, error);
      throw error;
    }
    this.after(step, started);
  }
}

const infos = new WeakMap<CompiledStep, StepInfo>();
/** The step's {step, blockType}, made once per compiled step (listeners must not mutate it). */
function infoOf(step: CompiledStep): StepInfo {
  let info = infos.get(step);
  if (!info) infos.set(step, (info = Object.freeze({ step: step.name, blockType: step.definition.type })));
  return info;
}

function finished(
  step: CompiledStep,
  store: RuntimeStore,
  observer: RunObserver | undefined,
  started: number,
  ended: number,
  cached: boolean,
): void {
  const onFinish = observer?.stepFinished;
  if (!onFinish) return;
  const outputs = store.stepOutputs.get(step.name) ?? NO_OUTPUTS;
  try {
    onFinish.call(observer, {
      step: step.name,
      blockType: step.definition.type,
      durationMs: ended - started,
      cached,
      batchSize: outputs.size,
      dimensionality: step.outputLineage.length,
      outputs,
    });
  } catch {
    /* a listener's bug is its own */
  }
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
