// Saved workflows fetched from the Roboflow API (`GET {api}/{workspace}/workflows/{id}`), with Roboflow's
// ephemeral definition cache: keyed by workspace, id, version and (a hash of) the api key, TTL in seconds.
import { createHash } from 'node:crypto';
import {
  MalformedWorkflowResponseError,
  RoboflowAPIConnectionError,
  RoboflowAPINotAuthorizedError,
  RoboflowAPINotNotFoundError,
  RoboflowAPITimeoutError,
  RoboflowAPIUnsuccessfulRequestError,
} from '../../engine/index.ts';
import { RoboflowAPIForbiddenError } from './errors.ts';

export interface RemoteWorkflowOptions {
  apiBaseUrl: string;
  timeoutMs: number;
  cacheTtlS: number;
}

export interface RemoteFetchRequest {
  apiKey: string;
  versionId?: string | null;
  useCache?: boolean;
}

interface CacheEntry {
  expiresAt: number;
  specification: Record<string, unknown>;
}

export class RemoteWorkflowSource {
  private readonly cache = new Map<string, CacheEntry>();
  /** Upstream requests made (cache hits excluded); for diagnostics and tests. */
  fetchCount = 0;

  constructor(readonly options: RemoteWorkflowOptions) {}

  async getSpecification(workspace: string, id: string, request: RemoteFetchRequest): Promise<Record<string, unknown>> {
    const useCache = request.useCache ?? true;
    const key = cacheKey(workspace, id, request.versionId ?? null, request.apiKey);
    if (useCache) {
      const hit = this.cache.get(key);
      if (hit && hit.expiresAt > Date.now()) return structuredClone(hit.specification);
      if (hit) this.cache.delete(key);
    }
    const specification = await this.fetchSpecification(workspace, id, request);
    if (useCache && this.options.cacheTtlS > 0) {
      this.cache.set(key, {
        expiresAt: Date.now() + this.options.cacheTtlS * 1000,
        specification: structuredClone(specification),
      });
    }
    return specification;
  }

  private async fetchSpecification(
    workspace: string,
    id: string,
    request: RemoteFetchRequest,
  ): Promise<Record<string, unknown>> {
    const url = new URL(
      `${this.options.apiBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(workspace)}/workflows/${encodeURIComponent(id)}`,
    );
    url.searchParams.set('api_key', request.apiKey);
    if (request.versionId) url.searchParams.set('workflow_version', request.versionId);
    const where = `workflow '${id}' of workspace '${workspace}' from the Roboflow API`;
    this.fetchCount += 1;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: { accept: 'application/json' },
      });
      text = await response.text();
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new RoboflowAPITimeoutError(`Timed out after ${this.options.timeoutMs} ms fetching ${where}.`);
      }
      const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
      throw new RoboflowAPIConnectionError(`Fetching ${where} failed${code ? ` (${code})` : ''}.`);
    }
    if (response.status === 401)
      throw new RoboflowAPINotAuthorizedError(`The API refused the key fetching ${where} (401).`);
    if (response.status === 403) throw new RoboflowAPIForbiddenError(`Roboflow API refused access to ${where} (403).`);
    if (response.status === 404) throw new RoboflowAPINotNotFoundError(`No ${where} (404).`);
    if (!response.ok) throw new RoboflowAPIUnsuccessfulRequestError(`Fetching ${where} answered ${response.status}.`);
    return parseWorkflowResponse(text, where);
  }
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

function cacheKey(workspace: string, id: string, version: string | null, apiKey: string): string {
  const tenant = createHash('sha256').update(`${apiKey}\0${workspace}`).digest('hex');
  return JSON.stringify(['workflow-definition', workspace, id, version, tenant]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
