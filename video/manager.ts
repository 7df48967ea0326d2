// All pipelines of one process. Used by the HTTP routes and the CLI.
//
// For the metrics / shutdown work (issue #13): `stats()` returns, per pipeline, its state and per-source fps
// decoded / processed / dropped and totals; `terminateAll()` stops every pipeline and resolves once no ffmpeg
// child of ours is left — call it on SIGTERM before closing the server.
import { randomUUID } from 'node:crypto';
import type { ExecutionEngine, InterfaceDescription } from '../engine/index.ts';
import { PipelineInvalidPayloadError, PipelineNotFoundError } from './errors.ts';
import { Pipeline, type PipelineSettings } from './pipeline.ts';
import { resolveSource, resolveSources, type SourcePolicy, type SourceSpec } from './sources.ts';

export interface ManagerOptions {
  engine: ExecutionEngine;
  sourcePolicy: SourcePolicy;
  /** Ended/failed pipelines stay readable (status, consume) this long before they are removed. */
  finishedTtlMs?: number;
  /** Most pipelines at once; initialise beyond it is refused. */
  maxPipelines?: number;
  /** Defaults for the runtime knobs the Roboflow payload does not carry. */
  defaults?: Partial<
    Pick<
      PipelineSettings,
      'reconnectDelayMs' | 'maxReconnectDelayMs' | 'stallTimeoutMs' | 'maxBufferBytes' | 'decodingBufferSize'
    >
  >;
}

export interface InitialiseRequest {
  definition: Record<string, unknown>;
  videoReference: unknown;
  settings: Partial<PipelineSettings>;
  /** Keep this id (a queue worker taking over a pipeline keeps its id stable); default: a new one. */
  id?: string;
}

export const DEFAULT_SETTINGS: PipelineSettings = {
  imageInputName: 'image',
  videoMetadataInputName: 'video_metadata',
  workflowsParameters: {},
  maxFps: null,
  filling: null,
  consumption: null,
  decodingBufferSize: 64,
  maxBufferBytes: 256 * 1024 * 1024,
  batchCollectionTimeoutS: null,
  resultsBufferSize: 64,
  consumptionTimeoutS: null,
  videoSourceProperties: null,
  reconnectDelayMs: 1000,
  maxReconnectDelayMs: 8000,
  stallTimeoutMs: 10_000,
  disableSinks: false,
};

export class PipelineManager {
  readonly #pipelines = new Map<string, Pipeline>();
  readonly #reaper: NodeJS.Timeout;

  constructor(readonly options: ManagerOptions) {
    this.#reaper = setInterval(() => this.#reap(), 1000);
    this.#reaper.unref();
  }

  /**
   * Checks the workflow and the sources (4xx errors naming the field), then starts the pipeline and returns at
   * once; live sources connect (and reconnect) in the background and report through the status.
   */
  async initialise(request: InitialiseRequest): Promise<Pipeline> {
    const max = this.options.maxPipelines ?? 32;
    if (this.list().length >= max) {
      throw new PipelineInvalidPayloadError(`This server runs at most ${max} pipelines at once; terminate one first`);
    }
    const { settings, workflow, specs } = await this.check(request);
    const pipeline = new Pipeline(
      request.id ?? randomUUID(),
      workflow,
      outputKinds(this.options.engine, request.definition),
      specs,
      settings,
      (spec) => recheckSource(spec, this.options.sourcePolicy),
    );
    this.#pipelines.set(pipeline.id, pipeline);
    pipeline.start();
    return pipeline;
  }

  /** The checks of initialise without starting anything (queue mode checks on the API, runs on a worker). */
  async check(request: InitialiseRequest) {
    const settings: PipelineSettings = { ...DEFAULT_SETTINGS, ...this.options.defaults, ...request.settings };
    const inputs = workflowInputNames(request.definition);
    if (!inputs.includes(settings.imageInputName)) {
      throw new PipelineInvalidPayloadError(
        `processing_configuration.image_input_name: the workflow has no input '${settings.imageInputName}' (its inputs: ${inputs.join(', ') || 'none'})`,
        'processing_configuration.image_input_name',
      );
    }
    const workflow = this.options.engine.instantiate(request.definition);
    const specs = await resolveSources(request.videoReference, this.options.sourcePolicy);
    return { settings, workflow, specs };
  }

  /** Ids in creation order (finished pipelines are listed until removed). */
  list(): string[] {
    return [...this.#pipelines.keys()];
  }

  get(id: string): Pipeline {
    const pipeline = this.#pipelines.get(id);
    if (!pipeline) throw new PipelineNotFoundError(`Could not find InferencePipeline with id=${id}.`);
    return pipeline;
  }

  /** Terminates from any state and forgets the pipeline; unknown id → PipelineNotFoundError. */
  async terminate(id: string): Promise<void> {
    const pipeline = this.get(id);
    this.#pipelines.delete(id);
    await pipeline.terminate();
  }

  async terminateAll(): Promise<void> {
    const all = [...this.#pipelines.values()];
    this.#pipelines.clear();
    await Promise.all(all.map((p) => p.terminate()));
  }

  /** Per-pipeline figures for metrics (see the file comment). */
  stats() {
    return [...this.#pipelines.values()].map((p) => ({
      pipeline_id: p.id,
      state: p.state,
      frames_processed: p.framesProcessed,
      buffered_results: p.bufferedResults,
      sources: p.sourceStats(),
    }));
  }

  /** Stops the reaper and every pipeline (server close). */
  async close(): Promise<void> {
    clearInterval(this.#reaper);
    await this.terminateAll();
  }

  #reap(): void {
    const ttl = this.options.finishedTtlMs ?? 10 * 60_000;
    for (const [id, p] of this.#pipelines) {
      if (p.state === 'terminated' || (p.finished && p.endedAt !== null && Date.now() - p.endedAt > ttl)) {
        this.#pipelines.delete(id);
        void p.terminate();
      }
    }
  }
}

function workflowInputNames(definition: Record<string, unknown>): string[] {
  const inputs = Array.isArray(definition.inputs) ? (definition.inputs as Array<{ name?: unknown }>) : [];
  return inputs.map((i) => i?.name).filter((n): n is string => typeof n === 'string');
}

/** Output kinds for kind-aware serialization; wildcard (as Roboflow's consume) when they cannot be described. */
function outputKinds(engine: ExecutionEngine, definition: Record<string, unknown>): InterfaceDescription['outputs'] {
  try {
    return engine.describeInterface(definition).outputs;
  } catch {
    return {};
  }
}

/** A stream URL is checked again before every (re)connection: its name may resolve elsewhere by now. */
async function recheckSource(spec: SourceSpec, policy: SourcePolicy): Promise<void> {
  if (spec.kind === 'stream') await resolveSource(spec.reference, policy, 'video_reference');
}
