// Server settings, read once from the environment (names follow Roboflow's where one exists, spec App. B).
import path from 'node:path';
import { DEFAULT_MAX_IMAGE_PIXELS } from '../engine/index.ts';

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
  apiKey: string | undefined;
  apiBaseUrl: string;
  maxConcurrentSteps: number;
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
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

function int(value: string | undefined, fallback: number): number {
  const n = value === undefined || value === '' ? NaN : Number(value);
  return Number.isFinite(n) ? n : fallback;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const dataDir = path.resolve(overrides.dataDir ?? env.SIGHTLINE_DATA_DIR ?? './data');
  return {
    port: int(env.PORT, 9001),
    host: env.HOST ?? '0.0.0.0',
    dataDir,
    modelCacheDir: path.resolve(env.MODEL_CACHE_DIR ?? path.join(dataDir, 'models')),
    maxActiveModels: int(env.MAX_ACTIVE_MODELS, 8),
    modelLoadBudgetMs: int(env.MODEL_LOAD_BUDGET_MS, 30_000),
    apiKey: env.ROBOFLOW_API_KEY || env.API_KEY || undefined,
    apiBaseUrl: env.API_BASE_URL ?? 'https://api.roboflow.com',
    maxConcurrentSteps: int(env.WORKFLOWS_MAX_CONCURRENT_STEPS, 8),
    profilingAvailable: bool(env.ENABLE_WORKFLOWS_PROFILING, true),
    allowUrlInput: bool(env.ALLOW_URL_INPUT, true),
    allowPrivateUrls: bool(env.ALLOW_PRIVATE_URL_INPUT, false),
    urlAllowList: (env.URL_INPUT_ALLOW_LIST ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    maxImagePixels: int(env.MAX_IMAGE_PIXELS, DEFAULT_MAX_IMAGE_PIXELS),
    maxBodyBytes: int(env.MAX_REQUEST_BODY_BYTES, 64 * 1024 * 1024),
    legacyRouteEnabled: bool(env.LEGACY_ROUTE_ENABLED, true),
    serveEditor: bool(env.SIGHTLINE_SERVE_EDITOR, true),
    seedExamples: bool(env.SIGHTLINE_SEED_EXAMPLES, true),
    workflowDefinitionCacheTtlS: int(env.WORKFLOWS_DEFINITION_CACHE_EXPIRY, 900),
    persistRemoteWorkflows: bool(env.SIGHTLINE_PERSIST_REMOTE_WORKFLOWS, true),
    remoteWorkflowTimeoutMs: int(env.SIGHTLINE_REMOTE_WORKFLOW_TIMEOUT_MS, 15_000),
    ...overrides,
  };
}
