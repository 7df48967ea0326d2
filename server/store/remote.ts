// Saved workflows fetched through the Roboflow API client (blocks/models/roboflow-api.ts), with Roboflow's
// ephemeral definition cache: keyed by workspace, id, version and (a hash of) the api key, TTL in seconds.
import { createHash } from 'node:crypto';
import { fetchWorkflowSpecification } from '../../blocks/models/roboflow-api.ts';

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

  private fetchSpecification(
    workspace: string,
    id: string,
    request: RemoteFetchRequest,
  ): Promise<Record<string, unknown>> {
    this.fetchCount += 1;
    return fetchWorkflowSpecification({
      apiBaseUrl: this.options.apiBaseUrl,
      apiKey: request.apiKey,
      workspace,
      id,
      versionId: request.versionId,
      timeoutMs: this.options.timeoutMs,
    });
  }
}

function cacheKey(workspace: string, id: string, version: string | null, apiKey: string): string {
  const tenant = createHash('sha256').update(`${apiKey}\0${workspace}`).digest('hex');
  return JSON.stringify(['workflow-definition', workspace, id, version, tenant]);
}
