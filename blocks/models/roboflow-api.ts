// Downloads a model package from Roboflow's model API (`GET {api}/ort/{model_id}`) into the cache, in
// Roboflow's layout. Everything lands in a staging folder inside the cache first and is renamed into place
// only when complete, so an interrupted download never leaves a half package.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  MalformedRoboflowAPIResponseError,
  RoboflowAPIConnectionError,
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

function statusError(status: number, what: string): Error {
  const message = `Roboflow API request for ${what} failed with HTTP ${status}`;
  if (status === 401 || status === 403)
    return new RoboflowAPINotAuthorizedError(`${message}: the API key is not authorized`);
  if (status === 404) return new RoboflowAPINotNotFoundError(`${message}: not found`);
  return new RoboflowAPIUnsuccessfulRequestError(message);
}

async function request(url: string, what: string, signal: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal, redirect: 'follow' });
  } catch (error) {
    throw transportError(error, what);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw statusError(response.status, what);
  }
  return response;
}

function transportError(error: unknown, what: string): Error {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new RoboflowAPITimeoutError(`Timed out while fetching ${what}`);
  const cause = (error as { cause?: Error })?.cause?.message ?? (error as Error)?.message ?? String(error);
  return new RoboflowAPIConnectionError(`Could not fetch ${what} from the Roboflow API: ${cause}`);
}

async function readJson(response: Response, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw transportError(error, what);
  }
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
    await readJson(await request(metadataUrl, `model ${modelId}`, signal), `model ${modelId}`),
    modelId,
  );

  const staging = await createStagingDir(cacheDir);
  try {
    const weights = await request(ort.model, `weights of ${modelId} (${redact(ort.model)})`, signal);
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
        await request(ort.environment, `environment of ${modelId}`, signal),
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
