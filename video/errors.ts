// Errors of the video runtime. Statuses live in server/error-map.ts; each class names the request field at fault.

/** Base: `field` is the request field the problem is about (e.g. `video_configuration.video_reference`). */
export class PipelineError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** Extra body keys (server/error-map.ts merges them): Roboflow's error_type names, the field at fault. */
  get details(): Record<string, unknown> {
    return {
      error_type: ROBOFLOW_TYPES[this.name] ?? 'ProcessesManagerClientError',
      inner_error_type: this.name,
      field: this.field ?? null,
    };
  }
}

/** The stream manager error classes Roboflow's stream manager answers with for each situation. */
const ROBOFLOW_TYPES: Record<string, string> = {
  PipelineNotFoundError: 'ProcessesManagerNotFoundError',
  PipelineInvalidPayloadError: 'ProcessesManagerInvalidPayload',
  VideoSourceError: 'ProcessesManagerInvalidPayload',
  PipelineOperationError: 'ProcessesManagerOperationError',
};

/** No pipeline with that id (Roboflow: ProcessesManagerNotFoundError). */
export class PipelineNotFoundError extends PipelineError {}

/** The initialise payload is unusable: unknown image input, a workflow that is missing, ... */
export class PipelineInvalidPayloadError extends PipelineError {}

/** A video reference the server refuses or cannot read: missing/unreadable file, not a video, unknown device,
 *  a path outside the media folders, a private address. */
export class VideoSourceError extends PipelineError {}

/** A command the pipeline's state does not allow (pause when not running, resume when not paused). */
export class PipelineOperationError extends PipelineError {}
