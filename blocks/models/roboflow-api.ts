// The one client of Roboflow's API: every request goes through roboflowRequest (status and transport errors
// mapped to the platform error classes once). Saved workflows: `GET {api}/{workspace}/workflows/{id}`. Model
// packages: `GET {api}/ort/{model_id}` downloaded into the cache in Roboflow's layout; everything lands in a
// staging folder inside the cache first and is renamed into place only when complete, so an interrupted download
// never leaves a half package.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  MalformedRoboflowAPIResponseError,
  MalformedWorkflowResponseError,
  RoboflowAPIConnectionError,
  RoboflowAPIForbiddenError,
  RoboflowAPINotAuthorizedError,
  RoboflowAPINotNotFoundError,
  RoboflowAPITimeoutError,
  RoboflowAPIUnsuccessfulRequestError,
} from '../../engine/index.ts';
import {
  CLASS_NAMES_FILE,
  ENVIRONMENT_FILE,
  KEYPOINTS_METADATA_FILE,
  WEIGHTS_FILE,
  createStagingDir,
  defaultPreprocessing,
  publishStagingDir,
  writeFileSynced,
} from './package.ts';
import { readOnnxMetadata, type OnnxMetadata } from './onnx-metadata.ts';

export interface RoboflowDownloadOptions {
  apiBaseUrl: string;
  apiKey: string;
  modelId: string;
  cacheDir: string;
  /** Abort the whole download after this long (default 10 minutes). */
  timeoutMs?: number;
}

interface OrtDescription {
  model: string;
  environment?: string;
  classes?: unknown[];
  colors?: Record<string, string>;
  keypoints_metadata?: unknown[];
}

function redact(url: string): string {
  return url.replace(/api_key=[^&]*/g, 'api_key=***');
}

/** How a 403 reads: the workflow API means "this key may not see it", the model API treats it as a bad key. */
export type RefusalMeaning = 'forbidden' | 'not-authorized';

function statusError(status: number, what: string, refusal: RefusalMeaning): Error {
  const message = `Roboflow API request for ${what} failed with HTTP ${status}`;
  if (status === 401 || (status === 403 && refusal === 'not-authorized'))
    return new RoboflowAPINotAuthorizedError(`${message}: the API key is not authorized`);
  if (status === 403) return new RoboflowAPIForbiddenError(`${message}: access to it is refused for this key`);
  if (status === 404) return new RoboflowAPINotNotFoundError(`${message}: not found`);
  return new RoboflowAPIUnsuccessfulRequestError(message);
}

/** A GET to Roboflow's API (or a URL it handed out); non-2xx and transport failures become platform errors. */
export async function roboflowRequest(
  url: string | URL,
  what: string,
  signal: AbortSignal,
  refusal: RefusalMeaning = 'not-authorized',
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'follow', headers: { accept: 'application/json' } });
  } catch (error) {
    throw transportError(error, what);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw statusError(response.status, what, refusal);
  }
  return response;
}

/** Timeouts and connection failures; the cause names only its code, never an address of this network. */
function transportError(error: unknown, what: string): Error {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new RoboflowAPITimeoutError(`Timed out while fetching ${what}`);
  const code = ((error as Error)?.cause as NodeJS.ErrnoException | undefined)?.code;
  return new RoboflowAPIConnectionError(`Could not fetch ${what} from the Roboflow API${code ? ` (${code})` : ''}`);
}

async function readText(response: Response, what: string): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw transportError(error, what);
  }
}

export interface WorkflowFetchOptions {
  apiBaseUrl: string;
  apiKey: string;
  workspace: string;
  id: string;
  versionId?: string | null;
  timeoutMs: number;
}

/** A saved workflow's specification from `GET {api}/{workspace}/workflows/{id}` (its `id` set). */
export async function fetchWorkflowSpecification(options: WorkflowFetchOptions): Promise<Record<string, unknown>> {
  const { workspace, id } = options;
  const url = new URL(
    `${options.apiBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(workspace)}/workflows/${encodeURIComponent(id)}`,
  );
  url.searchParams.set('api_key', options.apiKey);
  if (options.versionId) url.searchParams.set('workflow_version', options.versionId);
  const what = `workflow '${id}' of workspace '${workspace}'`;
  const response = await roboflowRequest(url, what, AbortSignal.timeout(options.timeoutMs), 'forbidden');
  return parseWorkflowResponse(await readText(response, what), `${what} from the Roboflow API`);
}

/** `{"workflow": {"id", "config": "<JSON string with specification>"}}` → specification with `id` set. */
export function parseWorkflowResponse(text: string, where: string): Record<string, unknown> {
  // The error table prefixes Roboflow's fixed message; ours adds what was wrong.
  const malformed = (why: string) => new MalformedWorkflowResponseError(`Fetching ${where}: ${why}.`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw malformed('response is not JSON');
  }
  const workflow = isObject(body) ? body.workflow : undefined;
  if (!isObject(workflow) || typeof workflow.config !== 'string')
    throw malformed('response has no workflow.config string');
  let config: unknown;
  try {
    config = JSON.parse(workflow.config);
  } catch {
    throw malformed('workflow.config is not valid JSON');
  }
  if (!isObject(config) || !isObject(config.specification))
    throw malformed('workflow.config has no specification object');
  const specification = config.specification;
  if (workflow.id !== undefined) specification.id = workflow.id;
  return specification;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readJson(response: Response, what: string): Promise<unknown> {
  const text = await readText(response, what);
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedRoboflowAPIResponseError(`Roboflow API returned invalid JSON for ${what}`);
  }
}

function parseOrt(body: unknown, modelId: string): OrtDescription {
  const ort = (body as { ort?: unknown })?.ort as Record<string, unknown> | undefined;
  if (!ort || typeof ort !== 'object' || typeof ort.model !== 'string') {
    throw new MalformedRoboflowAPIResponseError(
      `Roboflow API response for model ${modelId} has no "ort.model" weights URL`,
    );
  }
  return ort as unknown as OrtDescription;
}

/** Fetches <api>/ort/<model_id> and writes the package to <cacheDir>/<model_id>/. Returns the package folder. */
async function onnxOf(weightsFile: string, modelId: string): Promise<OnnxMetadata> {
  try {
    return readOnnxMetadata(await fs.promises.readFile(weightsFile));
  } catch (error) {
    throw new MalformedRoboflowAPIResponseError(
      `Model ${modelId}: the downloaded weights are not an ONNX model (${(error as Error).message}); the package was not kept.`,
    );
  }
}

/**
 * A package must load once cached: a missing PREPROCESSING gets Roboflow's defaults (stretch to the network
 * input), an unreadable one refuses the download (nothing is kept) instead of failing every later request.
 */
function checkPreprocessing(
  environment: Record<string, unknown>,
  modelId: string,
  onnx: () => Promise<OnnxMetadata>,
): Promise<void> | void {
  const preprocessing = environment.PREPROCESSING;
  if (preprocessing === undefined || preprocessing === null) {
    return onnx().then((meta) => {
      environment.PREPROCESSING = defaultPreprocessing(meta);
    });
  }
  let parsed: unknown = preprocessing;
  if (typeof preprocessing === 'string') {
    try {
      parsed = JSON.parse(preprocessing);
    } catch {
      parsed = undefined;
    }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MalformedRoboflowAPIResponseError(
      `Model ${modelId}: the environment's PREPROCESSING is not a JSON object, so the package could not be loaded; it was not kept.`,
    );
  }
}

export async function downloadRoboflowPackage(options: RoboflowDownloadOptions): Promise<string> {
  const { apiBaseUrl, apiKey, modelId, cacheDir } = options;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 600_000);
  const query = new URLSearchParams({ api_key: apiKey, nocache: 'true', device: 'sightline', dynamic: 'true' });
  const metadataUrl = `${apiBaseUrl.replace(/\/+$/, '')}/ort/${modelId}?${query}`;
  const ort = parseOrt(
    await readJson(await roboflowRequest(metadataUrl, `model ${modelId}`, signal), `model ${modelId}`),
    modelId,
  );

  const staging = await createStagingDir(cacheDir);
  try {
    const weights = await roboflowRequest(ort.model, `weights of ${modelId} (${redact(ort.model)})`, signal);
    if (!weights.body) throw new MalformedRoboflowAPIResponseError(`Empty weights download for model ${modelId}`);
    const weightsFile = path.join(staging, WEIGHTS_FILE);
    const out = fs.createWriteStream(weightsFile);
    try {
      await pipeline(Readable.fromWeb(weights.body as any), out);
    } catch (error) {
      throw transportError(error, `weights of ${modelId}`);
    }
    const expected = Number(weights.headers.get('content-length'));
    const written = (await fs.promises.stat(weightsFile)).size;
    if (Number.isFinite(expected) && expected > 0 && written !== expected) {
      throw new RoboflowAPIConnectionError(
        `Weights download for ${modelId} ended after ${written} of ${expected} bytes`,
      );
    }
    const handle = await fs.promises.open(weightsFile, 'r+');
    await handle.sync().finally(() => handle.close());

    let environment: Record<string, unknown> = {};
    if (ort.environment) {
      const env = await readJson(
        await roboflowRequest(ort.environment, `environment of ${modelId}`, signal),
        `environment of ${modelId}`,
      );
      if (!env || typeof env !== 'object')
        throw new MalformedRoboflowAPIResponseError(`environment of ${modelId} is not a JSON object`);
      environment = env as Record<string, unknown>;
    }
    if (ort.colors) environment.COLORS = ort.colors;
    await checkPreprocessing(environment, modelId, () => onnxOf(weightsFile, modelId));
    await writeFileSynced(path.join(staging, ENVIRONMENT_FILE), JSON.stringify(environment));
    if (Array.isArray(ort.classes)) {
      await writeFileSynced(path.join(staging, CLASS_NAMES_FILE), ort.classes.map(String).join('\n') + '\n');
    }
    if (Array.isArray(ort.keypoints_metadata)) {
      await writeFileSynced(path.join(staging, KEYPOINTS_METADATA_FILE), JSON.stringify(ort.keypoints_metadata));
    }
    return await publishStagingDir(staging, cacheDir, modelId);
  } catch (error) {
    await fs.promises.rm(staging, { recursive: true, force: true });
    throw error;
  }
}
