// Thin wrappers for the server's HTTP API (same origin), on the typed client (client/index.ts).
import type { BlocksDescription, LayoutMap, WorkflowDefinition } from '../model/types.ts';
import { createClient, SightlineError } from '../../client/index.ts';
import { accessKey, askForAccessKey } from './access-key.tsx';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(
      typeof (body as { message?: unknown })?.message === 'string'
        ? (body as { message: string }).message
        : `HTTP ${status}`,
    );
  }
}

const client = createClient({ apiKey: accessKey });

/** Through the typed client; a 401 asks for the server's access key once and retries. */
async function call<T>(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const keyUsed = accessKey();
    try {
      return await client.request<T>(method, url, body, signal);
    } catch (error) {
      if (!(error instanceof SightlineError)) throw error;
      if (error.status === 401 && attempt < 3) {
        // A key entered while this request was under way: retry with it before asking again.
        if (accessKey() !== keyUsed || (await askForAccessKey(error.message))) continue;
      }
      throw new ApiError(error.status, error.body);
    }
  }
}

export const api = {
  describeBlocks: () => call<BlocksDescription>('GET', '/workflows/blocks/describe'),
  validate: (definition: WorkflowDefinition, signal?: AbortSignal) =>
    call<{ status: string }>('POST', '/workflows/validate', definition, signal),
  run: (definition: WorkflowDefinition, inputs: Record<string, unknown>) =>
    call<{ outputs: Array<Record<string, unknown>> }>('POST', '/workflows/run', { specification: definition, inputs }),
  modelPackages: () => call<{ packages?: unknown[] }>('GET', '/model/packages'),
  listWorkspaces: () => call<{ workspaces: Array<{ name: string; workflows: number }> }>('GET', '/workspaces'),
  listWorkflows: (ws: string) => call<unknown>('GET', `/workspaces/${enc(ws)}/workflows`),
  getWorkflow: (ws: string, id: string) => call<SavedWorkflow>('GET', `/workspaces/${enc(ws)}/workflows/${enc(id)}`),
  saveWorkflow: (
    ws: string,
    id: string,
    body: {
      definition: WorkflowDefinition;
      layout?: LayoutMap;
      base_version?: number | string;
      message?: string;
      draft?: boolean;
    },
  ) => call<SavedWorkflow>('PUT', `/workspaces/${enc(ws)}/workflows/${enc(id)}`, body),
  versions: (ws: string, id: string) =>
    call<{ versions: WorkflowVersion[] }>('GET', `/workspaces/${enc(ws)}/workflows/${enc(id)}/versions`),
  restore: (ws: string, id: string, version: number | string) =>
    call<SavedWorkflow>('POST', `/workspaces/${enc(ws)}/workflows/${enc(id)}/versions/${enc(String(version))}/restore`),
};

const enc = encodeURIComponent;

export interface SavedWorkflow {
  workspace: string;
  id: string;
  version: number | string;
  definition: WorkflowDefinition;
  /** Node positions saved beside the definition (absent for workflows saved without the editor). */
  layout?: LayoutMap;
  [extra: string]: unknown;
}

export interface WorkflowVersion {
  version: number | string;
  created_at?: string;
  message?: string | null;
  author?: string | null;
  draft?: boolean;
}

/** The list endpoint's items, whatever envelope it uses (`{workflows: [...]}` or a bare list). */
export function workflowItems(
  listing: unknown,
): Array<{ id: string; version?: unknown; updated_at?: unknown; name?: unknown }> {
  const list = Array.isArray(listing) ? listing : ((listing as { workflows?: unknown })?.workflows ?? []);
  return (Array.isArray(list) ? list : [])
    .map((w) => (typeof w === 'string' ? { id: w } : w))
    .filter((w) => typeof w?.id === 'string');
}
