// STUB (contract): the engine owner replaces the bodies; keep the signatures.
import type { BlockDefinition, Services } from './block.ts';
import type { ImageInputOptions, InterfaceDescription, RunOptions, RunResult } from './api-types.ts';
import { BlockRegistry } from './registry.ts';

export interface EngineOptions {
  blocks: readonly BlockDefinition<any>[];
  /** Handed to every block as context.services (e.g. { models: ModelManager }). */
  services?: Services;
  /** Steps run at once; default env WORKFLOWS_MAX_CONCURRENT_STEPS or 8. */
  maxConcurrentSteps?: number;
  imageInput?: ImageInputOptions;
  /** ENABLE_WORKFLOWS_PROFILING: when false, profiler_trace is always []. */
  profilingAvailable?: boolean;
}

/** A compiled, cached plan for one definition. */
export interface CompiledWorkflow {
  readonly hash: string;
  readonly definition: Record<string, unknown>;
}

export class ExecutionEngine {
  readonly registry: BlockRegistry;
  constructor(readonly options: EngineOptions) {
    this.registry = new BlockRegistry(options.blocks);
  }
  /** Parse, validate and compile; throws WorkflowError subclasses. Cached by a hash of the definition. */
  compile(_definition: unknown): CompiledWorkflow {
    throw new Error('not implemented');
  }
  /** Compile (cache-aware) and run with the given runtime inputs. */
  async run(_definition: unknown, _inputs: Record<string, unknown>, _options: RunOptions = {}): Promise<RunResult> {
    throw new Error('not implemented');
  }
  /** `/workflows/describe_interface` body. */
  describeInterface(_definition: unknown): InterfaceDescription {
    throw new Error('not implemented');
  }
}
