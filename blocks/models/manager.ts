// Loads model packages into onnxruntime sessions and keeps the most recently used ones (LRU). Loading is
// single-flight per resolved id and fully async, so a slow load never holds up requests for loaded models;
// a request that waits longer than the load budget gets ModelManagerLockAcquisitionError while the load
// carries on for the next request.
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { ModelManagerLockAcquisitionError, ModelNotFoundError, ModelArtefactError } from '../../engine/index.ts';
import { aliasesOf, resolveModelId } from './aliases.ts';
import { readModelPackage, modelPackageDir, type KeypointsMetadataEntry, type ModelPackage } from './package.ts';
import { downloadRoboflowPackage } from './roboflow-api.ts';
import { ModelSchedulers, type ModelScheduler, type SchedulerSettings } from './scheduler.ts';
import { SessionPool } from './session-pool.ts';

export type ModelTask =
  'object-detection' | 'instance-segmentation' | 'keypoint-detection' | 'classification' | 'multi-label-classification';

export interface ModelManagerOptions {
  /** Roboflow's cache layout: <cacheDir>/<model_id>/weights.onnx (+ environment.json, class_names.txt). */
  cacheDir: string;
  /** LRU bound on loaded sessions (MAX_ACTIVE_MODELS, default 8). */
  maxActiveModels?: number;
  /** A request waiting longer than this for a load gets ModelManagerLockAcquisitionError (503 + Retry-After). */
  loadBudgetMs?: number;
  /** Used to download packages when a model is not cached and an API key is available. */
  apiBaseUrl?: string;
  apiKey?: string;
  /** onnxruntime session options (threads, execution providers). */
  sessionOptions?: InferenceSession.SessionOptions;
  /** Per-model run scheduling: in-flight runs, dynamic batching, queue limit (scheduler.ts). */
  scheduling?: Partial<SchedulerSettings>;
  /** Worker threads that run the sessions (session-pool.ts); 0 or absent = runs on the calling thread. */
  runners?: number;
  /** Told about loads, evictions, load waits and session runs (the server's metrics); absent = nothing timed. */
  observer?: ModelObserver;
}

/** Implemented by whoever keeps figures (the server's Prometheus metrics); the manager knows no metrics library. */
export interface ModelObserver {
  loaded(id: string, ms: number, ok: boolean): void;
  evicted(id: string): void;
  /** A request waited this long for a model that was still loading. */
  waited(ms: number): void;
  inference(id: string, task: string, ms: number): void;
}

/** The same session with `run` timed; every other member is the session's own. */
function observedSession(session: InferenceSession, id: string, task: string, observer: ModelObserver) {
  const run = session.run.bind(session) as (...args: unknown[]) => Promise<unknown>;
  const timed = async (...args: unknown[]) => {
    const start = performance.now();
    try {
      return await run(...args);
    } finally {
      observer.inference(id, task, performance.now() - start);
    }
  };
  return new Proxy(session, {
    get(target, prop) {
      if (prop === 'run') return timed;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export interface ModelDescription {
  model_id: string;
  task_type: string;
  batch_size: number | null;
  input_height: number | null;
  input_width: number | null;
  vram_bytes: number | null;
  request_aliases: string[];
  request_paths: string[];
}

export interface ModelsDescriptions {
  models: ModelDescription[];
  total_vram_bytes: number | null;
  gpu_memory_used: number | null;
  gpu_memory_total: number | null;
  torch_cuda_allocated: number | null;
  torch_cuda_reserved: number | null;
  torch_cuda_allocator_cache: number | null;
  non_torch_gpu_memory: number | null;
}

export interface LoadedModel {
  /** Resolved id (aliases applied). */
  id: string;
  task: ModelTask;
  classNames: string[];
  inputWidth: number;
  inputHeight: number;
  session: InferenceSession;
  /** Every run of `session` goes through it (batching, in-flight bound, queue limit, abort). */
  scheduler: ModelScheduler;
  /** Parsed environment.json (PREPROCESSING, CLASS_MAP, COLORS, MULTICLASS...), or one synthesized from ONNX metadata. */
  environment: Record<string, unknown>;
  keypointNames?: string[];
  /** Roboflow keypoints_metadata.json, when the package has one. */
  keypointsMetadata?: KeypointsMetadataEntry[];
  /** Batch dimension of the graph input when static (1 for most exports), else null. */
  batchSize?: number | null;
  /** Size of weights.onnx, the memory estimate reported by describe(). */
  weightsBytes?: number;
}

export interface ModelManager {
  /** Resolve aliases, load once (single-flight) and return the model; rejects with PlatformError subclasses. */
  get(modelId: string, options?: { apiKey?: string; task?: string }): Promise<LoadedModel>;
  add(modelId: string, options?: { apiKey?: string }): Promise<void>;
  remove(modelId: string): void;
  clear(): void;
  describe(): ModelsDescriptions;
  /** One scheduler per loaded session (also used for the OCR sessions). */
  readonly schedulers: ModelSchedulers;
  /** Stops the model worker threads (server shutdown). */
  close(): Promise<void>;
}

export const DEFAULT_MAX_ACTIVE_MODELS = 8;
export const DEFAULT_LOAD_BUDGET_MS = 30_000;

/** Task of a package whose metadata did not say, from the session's outputs. */
function inferTask(pkg: ModelPackage, session: InferenceSession): ModelTask {
  if (pkg.task) return pkg.task;
  if (session.outputNames.length === 2) return 'instance-segmentation';
  if (pkg.keypointsMetadata) return 'keypoint-detection';
  const meta = session.outputMetadata?.[0] as { shape?: Array<number | string> } | undefined;
  const shape = meta?.shape;
  if (shape && shape.length === 2) return 'classification';
  return 'object-detection';
}

class LocalModelManager implements ModelManager {
  readonly #options: ModelManagerOptions;
  readonly #maxActive: number;
  readonly #loadBudgetMs: number;
  /** Loaded models in LRU order (first = least recently used). */
  readonly #loaded = new Map<string, LoadedModel>();
  readonly #loading = new Map<string, Promise<LoadedModel>>();
  /** Requested names that resolved to each loaded id (aliases). */
  readonly #requestAliases = new Map<string, Set<string>>();
  /** Completed loads, for tests and diagnostics. */
  loadCount = 0;
  readonly schedulers: ModelSchedulers;
  readonly #pool: SessionPool | undefined;

  constructor(options: ModelManagerOptions) {
    this.#options = options;
    if (options.runners && options.runners > 0) this.#pool = new SessionPool(options.runners, options.sessionOptions);
    this.schedulers = new ModelSchedulers(options.scheduling, this.#pool);
    this.#maxActive = Math.max(1, options.maxActiveModels ?? DEFAULT_MAX_ACTIVE_MODELS);
    this.#loadBudgetMs = options.loadBudgetMs ?? DEFAULT_LOAD_BUDGET_MS;
  }

  /** `task` (what the caller needs the model for) only words a not-found error: "model x/1 (object-detection)". */
  get(modelId: string, options: { apiKey?: string; task?: string } = {}): Promise<LoadedModel> {
    let id: string;
    try {
      id = resolveModelId(modelId);
    } catch (error) {
      return Promise.reject(error);
    }
    if (id !== modelId) this.#rememberAlias(id, modelId);
    const loaded = this.#loaded.get(id);
    if (loaded) {
      this.#loaded.delete(id);
      this.#loaded.set(id, loaded);
      return Promise.resolve(loaded);
    }
    let waiting = this.#withinBudget(this.#startLoad(id, options.apiKey), id);
    if (options.task) waiting = waiting.catch((error) => Promise.reject(withTask(error, options.task!)));
    const observer = this.#options.observer;
    if (observer) {
      const start = performance.now();
      const done = () => observer.waited(performance.now() - start);
      waiting.then(done, done);
    }
    return waiting;
  }

  async add(modelId: string, options: { apiKey?: string } = {}): Promise<void> {
    const id = resolveModelId(modelId);
    if (id !== modelId) this.#rememberAlias(id, modelId);
    if (this.#loaded.has(id)) return;
    await this.#startLoad(id, options.apiKey);
  }

  remove(modelId: string): void {
    const id = resolveModelId(modelId);
    this.#loaded.delete(id);
    this.#requestAliases.delete(id);
  }

  clear(): void {
    this.#loaded.clear();
    this.#requestAliases.clear();
  }

  async close(): Promise<void> {
    await this.#pool?.close();
  }

  /** Ids of loaded models, least recently used first. */
  loadedIds(): string[] {
    return [...this.#loaded.keys()];
  }

  describe(): ModelsDescriptions {
    const models: ModelDescription[] = [...this.#loaded.values()].map((m) => ({
      model_id: m.id,
      task_type: m.task,
      batch_size: m.batchSize ?? null,
      input_height: m.inputHeight,
      input_width: m.inputWidth,
      vram_bytes: m.weightsBytes ?? null,
      request_aliases: [...(this.#requestAliases.get(m.id) ?? [])],
      request_paths: [],
    }));
    const total = models.reduce((sum, m) => sum + (m.vram_bytes ?? 0), 0);
    return {
      models,
      total_vram_bytes: models.length > 0 ? total : null,
      gpu_memory_used: null,
      gpu_memory_total: null,
      torch_cuda_allocated: null,
      torch_cuda_reserved: null,
      torch_cuda_allocator_cache: null,
      non_torch_gpu_memory: null,
    };
  }

  #rememberAlias(id: string, requested: string): void {
    let set = this.#requestAliases.get(id);
    if (!set) this.#requestAliases.set(id, (set = new Set()));
    set.add(requested);
  }

  #startLoad(id: string, apiKey: string | undefined): Promise<LoadedModel> {
    let pending = this.#loading.get(id);
    if (!pending) {
      const start = performance.now();
      const observer = this.#options.observer;
      pending = this.#load(id, apiKey ?? this.#options.apiKey)
        .then(
          (model) => (observer?.loaded(id, performance.now() - start, true), model),
          (error: unknown) => {
            observer?.loaded(id, performance.now() - start, false);
            throw error;
          },
        )
        .finally(() => this.#loading.delete(id));
      // A load nobody waits for any more (budget expired) must not surface as an unhandled rejection.
      pending.catch(() => {});
      this.#loading.set(id, pending);
    }
    return pending;
  }

  #withinBudget(pending: Promise<LoadedModel>, id: string): Promise<LoadedModel> {
    const budget = this.#loadBudgetMs;
    if (!(budget > 0) || !Number.isFinite(budget)) return pending;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new ModelManagerLockAcquisitionError(`Model ${id} is still loading after ${budget} ms; retry shortly`, {
            model_id: id,
            // Roboflow answers `Retry-After: 1`: the load goes on meanwhile and a retry waits up to the budget again.
            retry_after_s: 1,
          }),
        );
      }, budget);
      pending.then(
        (model) => {
          clearTimeout(timer);
          resolve(model);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  async #load(id: string, apiKey: string | undefined): Promise<LoadedModel> {
    const { cacheDir } = this.#options;
    let pkg: ModelPackage;
    try {
      pkg = await readModelPackage(cacheDir, id);
    } catch (error) {
      if (!(error instanceof ModelNotFoundError)) throw error;
      if (!apiKey || !this.#options.apiBaseUrl) {
        // The directory relative to the cache: error bodies never show this machine's absolute paths.
        throw new ModelNotFoundError(
          `Model "${id}" not found: no package at ${path.relative(cacheDir, modelPackageDir(cacheDir, id))} in the model cache (MODEL_CACHE_DIR)` +
            ' and no Roboflow API key is configured to download it',
          { model_id: id },
        );
      }
      await downloadRoboflowPackage({ apiBaseUrl: this.#options.apiBaseUrl, apiKey, modelId: id, cacheDir });
      pkg = await readModelPackage(cacheDir, id);
    }
    const weights = await fs.promises.readFile(pkg.weightsPath);
    let session: InferenceSession;
    try {
      session = await ort.InferenceSession.create(weights, this.#options.sessionOptions ?? {});
    } catch (error) {
      const reason = String((error as Error).message).split('\n')[0];
      throw new ModelArtefactError(
        `Model ${id}: its weights file ${path.basename(pkg.weightsPath)} is corrupt or not an ONNX model (onnxruntime: ${reason}); reinstall the model package.`,
        { model_id: id, file: path.basename(pkg.weightsPath) },
      );
    }
    if (this.#pool) session = this.#pool.wrap(session, weights);
    const task = inferTask(pkg, session);
    if (this.#options.observer) session = observedSession(session, id, task, this.#options.observer);
    const model: LoadedModel = {
      id,
      task,
      classNames: pkg.classNames,
      inputWidth: pkg.inputWidth,
      inputHeight: pkg.inputHeight,
      session,
      scheduler: this.schedulers.for(session, id),
      environment: pkg.environment,
      keypointNames: pkg.keypointNames,
      keypointsMetadata: pkg.keypointsMetadata,
      batchSize: pkg.batchSize,
      weightsBytes: pkg.weightsBytes,
    };
    this.loadCount++;
    this.#loaded.set(id, model);
    // Evicted sessions are dropped, not released: a request may still be running on one; GC frees it.
    while (this.#loaded.size > this.#maxActive) {
      const oldest = this.#loaded.keys().next().value as string;
      this.#loaded.delete(oldest);
      this.#options.observer?.evicted(oldest);
    }
    return model;
  }
}

export type LocalModelManagerHandle = ModelManager & { readonly loadCount: number; loadedIds(): string[] };

export function createModelManager(options: ModelManagerOptions): LocalModelManagerHandle {
  return new LocalModelManager(options);
}

export { aliasesOf };

/** A not-found error that also names the task the model was wanted for (its message never holds a path). */
function withTask(error: unknown, task: string): unknown {
  if (!(error instanceof ModelNotFoundError)) return error;
  const message = error.message.replace(/^Model "([^"]+)" not found/, `Model "$1" (${task}) not found`);
  return new ModelNotFoundError(message === error.message ? `${error.message} (task: ${task})` : message, {
    ...error.details,
    task,
  });
}
