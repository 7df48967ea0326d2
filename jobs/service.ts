// The jobs API's logic, the same with or without Redis: turn a request into a plan (definition resolved and
// compiled, inputs expanded, the image input chosen), hand it to the backend, report status and results.
import { randomUUID } from 'node:crypto';
import type { ExecutionEngine } from '../engine/index.ts';
import { JobNotFoundError, JobRequestError } from './errors.ts';
import { statusOf, type JobBackend, type JobItem, type JobPlan, type JobStatus } from './types.ts';

/** Roboflow's image input types (the definition was compiled already, so these are well-formed). */
const IMAGE_INPUT_TYPES = new Set(['WorkflowImage', 'InferenceImage']);

export interface JobRequest {
  specification?: Record<string, unknown>;
  workspace_name?: string;
  workflow_id?: string;
  workflow_version_id?: string;
  inputs?: Array<Record<string, unknown>>;
  folder?: string;
  parameters?: Record<string, unknown>;
  image_input?: string;
  chunk_size?: number;
  api_key?: string;
}

export interface JobServiceDeps {
  engine: ExecutionEngine;
  backend: JobBackend;
  defaultChunkSize: number;
  /** A saved workflow's definition (local store first, then Roboflow's API with a key). */
  resolveSaved(
    workspace: string,
    id: string,
    versionId: string | undefined,
    apiKey?: string,
  ): Promise<Record<string, unknown>>;
  /** Image files of a folder or glob, checked against the media folders. */
  listFolder(folder: string, field: string): Promise<string[]>;
}

export class JobService {
  constructor(private readonly deps: JobServiceDeps) {}

  get mode(): JobBackend['mode'] {
    return this.deps.backend.mode;
  }

  async submit(request: JobRequest, apiKey?: string): Promise<string> {
    const definition = await this.#definition(request, apiKey);
    // Compile now so a broken workflow is the submitter's 400, not an error on every input.
    this.deps.engine.compile(definition);
    const items = await this.#items(request);
    const plan: JobPlan = {
      id: randomUUID(),
      definition,
      parameters: request.parameters ?? {},
      imageInput: items.some((i) => 'file' in i) ? this.#imageInput(definition, request.image_input) : '',
      items,
      chunkSize: request.chunk_size ?? this.deps.defaultChunkSize,
      createdAt: Date.now(),
    };
    await this.deps.backend.submit(plan);
    return plan.id;
  }

  async #definition(request: JobRequest, apiKey?: string): Promise<Record<string, unknown>> {
    const saved = request.workspace_name !== undefined || request.workflow_id !== undefined;
    if (request.specification && saved)
      throw new JobRequestError('Give either specification or workspace_name + workflow_id, not both.');
    if (request.specification) return request.specification;
    if (!request.workspace_name || !request.workflow_id)
      throw new JobRequestError('A job needs a workflow: specification, or workspace_name + workflow_id.');
    return this.deps.resolveSaved(request.workspace_name, request.workflow_id, request.workflow_version_id, apiKey);
  }

  async #items(request: JobRequest): Promise<JobItem[]> {
    const given = (['inputs', 'folder'] as const).filter((k) => request[k] !== undefined);
    if (given.length !== 1)
      throw new JobRequestError(
        'A job needs exactly one source of inputs: inputs (a list of input dicts) or folder (a folder or glob of images).',
      );
    if (request.inputs) {
      if (request.inputs.length === 0) throw new JobRequestError('inputs: the list is empty.');
      return request.inputs.map((inputs) => ({ inputs }));
    }
    const files = await this.deps.listFolder(request.folder!, 'folder');
    return files.map((file) => ({ file }));
  }

  /** The workflow input a folder's images fill: the one named, or the workflow's only image input. */
  #imageInput(definition: Record<string, unknown>, named: string | undefined): string {
    const declared = Array.isArray(definition.inputs) ? (definition.inputs as Array<Record<string, unknown>>) : [];
    const imageInputs = declared
      .filter((input) => IMAGE_INPUT_TYPES.has(String(input.type)))
      .map((input) => String(input.name));
    if (named !== undefined) {
      if (!imageInputs.includes(named))
        throw new JobRequestError(
          `image_input: the workflow has no image input '${named}' (its image inputs: ${imageInputs.join(', ') || 'none'}).`,
        );
      return named;
    }
    if (imageInputs.length === 1) return imageInputs[0]!;
    throw new JobRequestError(
      imageInputs.length === 0
        ? 'folder: the workflow has no image input to put the images in.'
        : `image_input: the workflow has several image inputs (${imageInputs.join(', ')}); name the one the folder's images fill.`,
    );
  }

  async status(id: string): Promise<JobStatus> {
    const progress = await this.deps.backend.progress(id);
    if (!progress) throw new JobNotFoundError(`No job '${id}'.`);
    return statusOf(id, progress);
  }

  /** Result lines in input order from `from`; with `follow`, waits for the rest until the job ends. */
  async *results(id: string, from = 0, follow = false, signal?: AbortSignal): AsyncIterable<string> {
    let next = from;
    for (;;) {
      const status = await this.status(id);
      for await (const line of this.deps.backend.results(id, next)) {
        next++;
        yield line;
      }
      if (!follow || status.status === 'completed' || status.status === 'cancelled' || signal?.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async cancel(id: string): Promise<JobStatus> {
    if (!(await this.deps.backend.cancel(id))) throw new JobNotFoundError(`No job '${id}'.`);
    return this.status(id);
  }

  close(): Promise<void> {
    return this.deps.backend.close();
  }
}
