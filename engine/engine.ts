// The execution engine: compile (cached) and run workflow definitions.
import { createHash } from 'node:crypto';
import type { BlockDefinition, Services } from './block.ts';
import type { ImageInputOptions, InterfaceDescription, RunOptions, RunResult } from './api-types.ts';
import { BlockRegistry, type UqlDescription } from './registry.ts';
import { canonicalHash, FifoCache } from './compiler/cache.ts';
import { compileDefinition } from './compiler/index.ts';
import { checkInitParameters } from './compiler/init-parameters.ts';
import type { InnerWorkflowLimits } from './compiler/inner.ts';
import type { CompiledPlan } from './compiler/plan.ts';
import { resolveWorkflowReferences, type WorkflowResolver } from './compiler/references.ts';
import { runPlan } from './executor/run.ts';
import { DEFAULT_MAX_WORKFLOW_STEPS } from './compiler/graph.ts';
import { WorkflowDefinitionError } from './errors.ts';
import { StepOutputCache } from './executor/step-cache.ts';
import { isCacheable } from './executor/step-keys.ts';
import { describeInterface } from './interface.ts';
import { Profiler } from './profiler.ts';

export interface EngineOptions {
  blocks: readonly BlockDefinition<any>[];
  /** Handed to every block as context.services (e.g. { models: ModelManager }). */
  services?: Services;
  /** Steps run at once (default 8). */
  maxConcurrentSteps?: number;
  /** Inner-workflow nesting depth and total count (Roboflow's 4 and 32 by default). */
  innerWorkflowLimits?: InnerWorkflowLimits;
  imageInput?: ImageInputOptions;
  /** ENABLE_WORKFLOWS_PROFILING: when false, profiler_trace is always []. */
  profilingAvailable?: boolean;
  /** UQL operations/operators for `/workflows/blocks/describe`. */
  uqlDescription?: UqlDescription;
  /** Saved workflows referenced by inner-workflow steps (`workflow_workspace_id` + `workflow_id`), at compile time. */
  resolveWorkflow?: WorkflowResolver;
  /** Definitions with more steps are refused at compile time (default DEFAULT_MAX_WORKFLOW_STEPS). */
  maxSteps?: number;
  /**
   * Abort signal and time limit for runs that do not set their own, asked at each run: the server answers with
   * the current request's (client disconnect, REQUEST_TIMEOUT_MS) so every route gets them.
   */
  runDefaults?: () => Pick<RunOptions, 'signal' | 'timeoutMs' | 'timeLimitMs'> | undefined;
  /** Bytes the step output cache may hold (runs with `reuseOutputs`); default 256 MiB, 0 disables it. */
  stepCacheBytes?: number;
}

/** A compiled, cached plan for one definition. */
export interface CompiledWorkflow {
  readonly hash: string;
  readonly definition: Record<string, unknown>;
}

/** A compiled workflow holding its own step state; see ExecutionEngine.instantiate. */
export interface WorkflowInstance extends CompiledWorkflow {
  /**
   * Runs may overlap (a video pipeline starts the next frame while this one finishes): a step that keeps state or
   * has side effects (not cacheable) starts only once the previous run has ended, so it sees runs in call order as
   * if they ran one after another; pure steps (model inference, transforms) of the next run go ahead at once.
   */
  run(inputs: Record<string, unknown>, options?: RunOptions): Promise<RunResult>;
}

function checkStepCount(definition: unknown, max: number): void {
  const steps = (definition as { steps?: unknown } | null)?.steps;
  if (Array.isArray(steps) && steps.length > max) {
    throw new WorkflowDefinitionError(
      `Workflow has ${steps.length} steps; this server compiles workflows of at most ${max} steps (WORKFLOWS_MAX_STEPS).`,
      { context: 'workflow_compilation | workflow_definition_parsing' },
    );
  }
}

export class ExecutionEngine {
  readonly registry: BlockRegistry;
  readonly maxConcurrentSteps: number;
  /** Step outputs kept for re-runs that change only part of a workflow (RunOptions.reuseOutputs). */
  readonly stepCache: StepOutputCache;
  readonly #cache = new FifoCache<CompiledPlan>(256);
  readonly #canonicalByRaw = new FifoCache<string>(1024);
  readonly #hashByObject = new WeakMap<object, { raw: string; hash: string }>();
  constructor(readonly options: EngineOptions) {
    this.registry = new BlockRegistry(options.blocks, { uqlDescription: options.uqlDescription });
    this.maxConcurrentSteps = Math.max(1, options.maxConcurrentSteps ?? 8);
    this.stepCache = new StepOutputCache(options.stepCacheBytes ?? 256 * 1024 * 1024);
  }

  /** Parse, validate and compile; throws WorkflowError subclasses. Cached by a hash of the definition. */
  compile(definition: unknown): CompiledWorkflow {
    return this.#compile(definition);
  }

  #compile(definition: unknown, profiler?: Profiler): CompiledPlan {
    const start = performance.now();
    checkStepCount(definition, this.options.maxSteps ?? DEFAULT_MAX_WORKFLOW_STEPS);
    const resolved = resolveWorkflowReferences(definition, this.options.resolveWorkflow);
    const hash = this.#hashOf(resolved);
    let plan = this.#cache.get(hash);
    if (!plan) {
      plan = compileDefinition(resolved, this.registry, hash, this.options.innerWorkflowLimits);
      // Engines built with services check them (embedded use without any keeps failing at run time instead).
      if (this.options.services) checkInitParameters(plan.steps, this.options.services);
      this.#cache.set(hash, plan);
      profiler?.addPhases(plan.compilationTrace);
    }
    profiler?.complete('workflow_compilation', start, performance.now());
    return plan;
  }

  /**
   * Canonical hash through a cheaper first key: the sha256 of the definition as written. Equal raw JSON means equal
   * canonical JSON, so a hit skips the key sorting; a miss (new or re-ordered definition) computes the canonical one.
   */
  #hashOf(definition: unknown): string {
    const raw = JSON.stringify(definition);
    if (raw === undefined) return canonicalHash(definition);
    // The same object run again (unchanged, as its JSON shows) skips hashing altogether.
    const isObject = typeof definition === 'object' && definition !== null;
    const seen = isObject ? this.#hashByObject.get(definition) : undefined;
    if (seen && seen.raw === raw) return seen.hash;
    const rawKey = createHash('sha256').update(raw).digest('base64');
    let hash = this.#canonicalByRaw.get(rawKey);
    if (!hash) {
      hash = canonicalHash(definition);
      this.#canonicalByRaw.set(rawKey, hash);
    }
    if (isObject) this.#hashByObject.set(definition, { raw, hash });
    return hash;
  }

  /** Compile (cache-aware) and run with the given runtime inputs. */
  async run(definition: unknown, inputs: Record<string, unknown>, options: RunOptions = {}): Promise<RunResult> {
    const defaults = this.options.runDefaults?.();
    if (defaults)
      options = {
        ...options,
        signal: options.signal ?? defaults.signal,
        timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
        timeLimitMs: options.timeLimitMs ?? defaults.timeLimitMs,
      };
    const profiler = new Profiler(!!(options.enableProfiling && this.options.profilingAvailable));
    const plan = this.#compile(definition, profiler);
    const outputs = await runPlan(plan, inputs ?? {}, options, {
      services: this.options.services ?? {},
      maxConcurrentSteps: this.maxConcurrentSteps,
      imageInput: this.options.imageInput ?? {},
      profiler,
      stepCache: this.stepCache,
    });
    return { outputs, profiler_trace: profiler.export() };
  }

  /**
   * A workflow with its own step state (trackers, counters...): what a video pipeline runs on every frame, so two
   * pipelines on the same definition never share state. The compiled plan itself comes from the cache.
   */
  instantiate(definition: unknown): WorkflowInstance {
    const plan = this.#compile(definition);
    const state = new Map<string, Map<string, unknown>>();
    for (const name of plan.state.keys()) state.set(name, new Map());
    const own: CompiledPlan = { ...plan, state };
    const ordered = new Set([...plan.steps.values()].filter((step) => !isCacheable(step)).map((step) => step.name));
    let previousRun: Promise<void> = Promise.resolve();
    return {
      hash: plan.hash,
      definition: plan.definition,
      run: async (inputs, options = {}) => {
        const afterPrevious = previousRun;
        let ended!: () => void;
        previousRun = new Promise((resolve) => (ended = resolve));
        try {
          const outputs = await runPlan(own, inputs ?? {}, options, {
            services: this.options.services ?? {},
            maxConcurrentSteps: this.maxConcurrentSteps,
            imageInput: this.options.imageInput ?? {},
            profiler: new Profiler(false),
            runOrder: ordered.size > 0 ? { steps: ordered, afterPrevious } : undefined,
          });
          return { outputs, profiler_trace: [] };
        } finally {
          ended();
        }
      },
    };
  }

  /** `/workflows/describe_interface` body. */
  describeInterface(definition: unknown): InterfaceDescription {
    return describeInterface(this.#compile(definition));
  }
}
