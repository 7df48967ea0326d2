// A small typed client for a Sightline server, for scripts, the CLI and the editor: fetch only (Node 20+ and
// browsers), no server code imported. Give it the access key once (SIGHTLINE_API_KEY) and it is sent as a Bearer
// header on every call. Workflow input/output types for `runWorkflow` come from `npm run client:types`.
import type { ObjectDetectionInferenceRequest } from '../schemas/generated/object-detection.ts';
import type { InstanceSegmentationInferenceRequest } from '../schemas/generated/instance-segmentation.ts';
import type { KeypointsDetectionInferenceRequest } from '../schemas/generated/keypoints-detection.ts';
import type { ClassificationInferenceRequest } from '../schemas/generated/classification.ts';

export interface ClientOptions {
  /** Server URL, e.g. http://localhost:9001. Empty: the page's own origin (the editor). */
  baseUrl?: string;
  /** The server's SIGHTLINE_API_KEY, sent as `Authorization: Bearer`. */
  apiKey?: string | (() => string | undefined);
  /** Another fetch (tests, proxies). */
  fetch?: typeof fetch;
  /** Extra headers on every request (e.g. X-Request-Id). */
  headers?: Record<string, string>;
}

/** A non-2xx answer: the server's status and body, with its request id for the logs. */
export class SightlineError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly requestId: string | null,
  ) {
    const message = (body as { message?: unknown } | null)?.message;
    const detail = (body as { detail?: unknown } | null)?.detail;
    super(
      typeof message === 'string'
        ? message
        : detail !== undefined
          ? `HTTP ${status}: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`
          : `HTTP ${status}`,
    );
    this.name = 'SightlineError';
  }
}

/** A workflow given by definition, or saved on the server (`/{workspace}/workflows/{id}`). */
export type WorkflowRef =
  { specification: Record<string, unknown> } | { workspace: string; workflowId: string; useCache?: boolean };

export interface RunOptions {
  excludedFields?: string[];
  enableProfiling?: boolean;
  disableSinks?: boolean;
  signal?: AbortSignal;
}

export interface InterfaceDescription {
  inputs: Record<string, string[]>;
  outputs: Record<string, string[] | Record<string, string[]>>;
  typing_hints: Record<string, string>;
  kinds_schemas: Record<string, unknown>;
}

export type InferTask = 'object_detection' | 'instance_segmentation' | 'keypoints_detection' | 'classification';

interface InferRequests {
  object_detection: ObjectDetectionInferenceRequest;
  instance_segmentation: InstanceSegmentationInferenceRequest;
  keypoints_detection: KeypointsDetectionInferenceRequest;
  classification: ClassificationInferenceRequest;
}

/** Roboflow's response of the classic model routes (one image); `predictions` depends on the task. */
export interface InferResponse {
  inference_id?: string;
  time?: number;
  image: { width: number; height: number };
  predictions: unknown;
  visualization?: string | null;
  [extra: string]: unknown;
}

export interface SavedWorkflow {
  workspace: string;
  id: string;
  version: number | string;
  definition: Record<string, unknown>;
  layout?: Record<string, unknown>;
  [extra: string]: unknown;
}

export interface WorkflowVersion {
  version: number | string;
  created_at?: string;
  message?: string | null;
  author?: string | null;
  draft?: boolean;
}

export interface SaveWorkflowBody {
  definition: Record<string, unknown>;
  layout?: Record<string, unknown>;
  base_version?: number | string;
  message?: string;
  draft?: boolean;
}

/** POST /jobs: a workflow over many inputs (see README, "Batch jobs and queue mode"). */
export interface JobSubmission {
  specification?: Record<string, unknown>;
  workspace_name?: string;
  workflow_id?: string;
  inputs?: Array<Record<string, unknown>>;
  folder?: string;
  parameters?: Record<string, unknown>;
  image_input?: string;
  chunk_size?: number;
}

export interface JobStatus {
  job_id: string;
  status: 'queued' | 'running' | 'completed' | 'cancelled';
  done: number;
  total: number;
  failed: number;
  fps: number | null;
  eta_s: number | null;
  errors: Array<{ index: number; error: string; message: string }>;
  workers?: string[];
  [extra: string]: unknown;
}

/** One line of a job's results. */
export interface JobResult {
  index: number;
  outputs?: Array<Record<string, unknown>>;
  error?: { name: string; message: string };
}

const enc = encodeURIComponent;

export class SightlineClient {
  readonly #base: string;
  readonly #options: ClientOptions;

  constructor(options: ClientOptions = {}) {
    this.#options = options;
    this.#base = (options.baseUrl ?? '').replace(/\/+$/, '');
  }

  #headers(): Record<string, string> {
    const headers: Record<string, string> = { ...this.#options.headers };
    const key = typeof this.#options.apiKey === 'function' ? this.#options.apiKey() : this.#options.apiKey;
    if (key) headers.authorization = `Bearer ${key}`;
    return headers;
  }

  /** Any route: JSON in, JSON (or text) out; throws SightlineError on a non-2xx answer. */
  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers = this.#headers();
    if (body !== undefined) headers['content-type'] = 'application/json';
    const doFetch = this.#options.fetch ?? fetch;
    const res = await doFetch(`${this.#base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    if (!res.ok) throw new SightlineError(res.status, parsed, res.headers.get('x-request-id'));
    return parsed as T;
  }

  /** Run a workflow; one outputs object per input image (Roboflow's `outputs` list). */
  async runWorkflow<Inputs extends object = Record<string, unknown>, Outputs = Record<string, unknown>>(
    workflow: WorkflowRef,
    inputs: Inputs,
    options: RunOptions = {},
  ): Promise<Outputs[]> {
    const common = {
      inputs,
      excluded_fields: options.excludedFields,
      enable_profiling: options.enableProfiling,
      disable_sinks: options.disableSinks,
    };
    const result =
      'specification' in workflow
        ? await this.request<{ outputs: Outputs[] }>(
            'POST',
            '/workflows/run',
            { ...common, specification: workflow.specification },
            options.signal,
          )
        : await this.request<{ outputs: Outputs[] }>(
            'POST',
            `/${enc(workflow.workspace)}/workflows/${enc(workflow.workflowId)}`,
            { ...common, use_cache: workflow.useCache ?? true },
            options.signal,
          );
    return result.outputs;
  }

  describeInterface(workflow: WorkflowRef): Promise<InterfaceDescription> {
    return 'specification' in workflow
      ? this.request('POST', '/workflows/describe_interface', { specification: workflow.specification })
      : this.request(
          'POST',
          `/${enc(workflow.workspace)}/workflows/${enc(workflow.workflowId)}/describe_interface`,
          {},
        );
  }

  validate(definition: Record<string, unknown>, signal?: AbortSignal): Promise<{ status: string }> {
    return this.request('POST', '/workflows/validate', definition, signal);
  }

  /** Roboflow's classic model routes, e.g. `infer('object_detection', {model_id, image})`. */
  infer<T extends InferTask>(task: T, body: InferRequests[T]): Promise<InferResponse | InferResponse[]> {
    return this.request('POST', `/infer/${task}`, body);
  }

  /** Batch jobs: submit, follow, read results in input order, cancel. */
  readonly jobs = {
    submit: (job: JobSubmission) => this.request<{ job_id: string; mode: string }>('POST', '/jobs', job),
    status: (id: string) => this.request<JobStatus>('GET', `/jobs/${enc(id)}`),
    cancel: (id: string) => this.request<JobStatus>('DELETE', `/jobs/${enc(id)}`),
    /** Result lines in input order; with `follow`, waits for each until the job ends. */
    results: (id: string, options: { from?: number; follow?: boolean; signal?: AbortSignal } = {}) =>
      this.#lines<JobResult>(
        `/jobs/${enc(id)}/results?from=${options.from ?? 0}${options.follow ? '&follow=true' : ''}`,
        options.signal,
      ),
  };

  async *#lines<T>(path: string, signal?: AbortSignal): AsyncIterable<T> {
    const res = await (this.#options.fetch ?? fetch)(`${this.#base}${path}`, { headers: this.#headers(), signal });
    if (!res.ok || !res.body) {
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      throw new SightlineError(res.status, body, res.headers.get('x-request-id'));
    }
    const decoder = new TextDecoder();
    let pending = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line) yield JSON.parse(line) as T;
      }
    }
    if (pending.trim()) yield JSON.parse(pending) as T;
  }

  /** Saved workflows (`/workspaces/...`), versioned on the server. */
  readonly workflows = {
    workspaces: () => this.request<{ workspaces: Array<{ name: string; workflows: number }> }>('GET', '/workspaces'),
    list: (workspace: string) => this.request<unknown>('GET', `/workspaces/${enc(workspace)}/workflows`),
    get: (workspace: string, id: string, version?: number | string) =>
      this.request<SavedWorkflow>(
        'GET',
        `/workspaces/${enc(workspace)}/workflows/${enc(id)}${version === undefined ? '' : `?version=${enc(String(version))}`}`,
      ),
    save: (workspace: string, id: string, body: SaveWorkflowBody) =>
      this.request<SavedWorkflow>('PUT', `/workspaces/${enc(workspace)}/workflows/${enc(id)}`, body),
    delete: (workspace: string, id: string) =>
      this.request<unknown>('DELETE', `/workspaces/${enc(workspace)}/workflows/${enc(id)}`),
    versions: (workspace: string, id: string) =>
      this.request<{ versions: WorkflowVersion[] }>(
        'GET',
        `/workspaces/${enc(workspace)}/workflows/${enc(id)}/versions`,
      ),
    restore: (workspace: string, id: string, version: number | string) =>
      this.request<SavedWorkflow>(
        'POST',
        `/workspaces/${enc(workspace)}/workflows/${enc(id)}/versions/${enc(String(version))}/restore`,
      ),
  };
}

export function createClient(options: ClientOptions = {}): SightlineClient {
  return new SightlineClient(options);
}
