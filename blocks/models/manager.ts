// STUB (contract): the models owner implements this; keep the exported names and signatures.
import type { InferenceSession } from 'onnxruntime-node';

export type ModelTask =
  | 'object-detection'
  | 'instance-segmentation'
  | 'keypoint-detection'
  | 'classification'
  | 'multi-label-classification';

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
  /** Parsed environment.json (PREPROCESSING, CLASS_MAP, COLORS, MULTICLASS...), or one synthesized from ONNX metadata. */
  environment: Record<string, unknown>;
  keypointNames?: string[];
}

export interface ModelManager {
  /** Resolve aliases, load once (single-flight) and return the model; rejects with PlatformError subclasses. */
  get(modelId: string, options?: { apiKey?: string }): Promise<LoadedModel>;
  add(modelId: string, options?: { apiKey?: string }): Promise<void>;
  remove(modelId: string): void;
  clear(): void;
  describe(): ModelsDescriptions;
}

export function createModelManager(_options: ModelManagerOptions): ModelManager {
  throw new Error('not implemented');
}
