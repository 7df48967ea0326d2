// Error classes with Roboflow's stable names (docs/roboflow-compatibility.md#errors). The HTTP status of each lives in one table in
// server/error-map.ts; nothing here knows about HTTP.

export interface BlockError {
  block_id: string;
  block_type: string | null;
  block_details: string | null;
  property_name: string | null;
  property_details: string | null;
  block_traceback: Record<string, unknown> | null;
}

export interface WorkflowErrorOptions {
  context?: string;
  innerError?: unknown;
  blocksErrors?: Array<Partial<BlockError> & { block_id: string }>;
}

export class WorkflowError extends Error {
  readonly context: string;
  readonly innerError: unknown;
  readonly blocksErrors: BlockError[];
  constructor(message: string, options: WorkflowErrorOptions = {}) {
    super(message);
    this.name = new.target.name;
    this.context = options.context ?? 'workflow';
    this.innerError = options.innerError;
    this.blocksErrors = (options.blocksErrors ?? []).map((e) => ({
      block_id: e.block_id,
      block_type: e.block_type ?? null,
      block_details: e.block_details ?? null,
      property_name: e.property_name ?? null,
      property_details: e.property_details ?? null,
      block_traceback: e.block_traceback ?? null,
    }));
  }
  get publicMessage(): string {
    return this.message;
  }
}

export class WorkflowEnvironmentConfigurationError extends WorkflowError {}
export class WorkflowCompilerError extends WorkflowError {}
export class PluginLoadingError extends WorkflowCompilerError {}
export class PluginInterfaceError extends WorkflowCompilerError {}
export class BlockInterfaceError extends WorkflowCompilerError {}
export class DynamicBlockError extends WorkflowCompilerError {}
export class WorkflowDefinitionError extends WorkflowCompilerError {}
export class WorkflowSyntaxError extends WorkflowDefinitionError {}
export class DuplicatedNameError extends WorkflowDefinitionError {}
export class ExecutionGraphStructureError extends WorkflowCompilerError {}
export class InvalidReferenceTargetError extends WorkflowCompilerError {}
export class ReferenceTypeError extends WorkflowCompilerError {}
export class UnknownManifestType extends WorkflowCompilerError {}
export class BlockInitParameterNotProvidedError extends WorkflowCompilerError {}
export class StepInputDimensionalityError extends WorkflowCompilerError {}
export class StepInputLineageError extends WorkflowCompilerError {}
export class StepOutputLineageError extends WorkflowCompilerError {}
export class ControlFlowDefinitionError extends WorkflowCompilerError {}
export class InnerWorkflowError extends WorkflowCompilerError {}
export class InnerWorkflowCompositionCycleError extends InnerWorkflowError {}
export class InnerWorkflowInvalidStepEntryError extends InnerWorkflowError {}
export class InnerWorkflowNestingDepthError extends InnerWorkflowError {}
export class InnerWorkflowTotalCountError extends InnerWorkflowError {}
export class InnerWorkflowParameterBindingsError extends InnerWorkflowError {}
export class AssumptionError extends WorkflowError {}
export class WorkflowExecutionEngineError extends WorkflowError {}
export class DynamicBlockCodeError extends WorkflowExecutionEngineError {}
export class NotSupportedExecutionEngineError extends WorkflowExecutionEngineError {}
export class InvalidBlockBehaviourError extends WorkflowExecutionEngineError {}
export class ExecutionEngineRuntimeError extends WorkflowExecutionEngineError {}
export class ExecutionEngineNotImplementedError extends WorkflowExecutionEngineError {}
export class RuntimeInputError extends WorkflowExecutionEngineError {}
export class WorkflowExecutionEngineVersionError extends WorkflowError {}

/** A block raised something that is not a WorkflowError. */
export class StepExecutionError extends WorkflowExecutionEngineError {
  constructor(
    message: string,
    readonly blockId: string,
    readonly blockType: string,
    options: WorkflowErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** A block failed because of what the client asked for (bad model id, missing key...); see innerError for what. */
export class ClientCausedStepExecutionError extends WorkflowExecutionEngineError {
  constructor(
    message: string,
    readonly blockId: string,
    options: WorkflowErrorOptions = {},
  ) {
    super(message, options);
  }
}

export class RuntimeLimitsCausedStepExecutionError extends ClientCausedStepExecutionError {}

// UQL errors (Roboflow's query language).
export class InvalidInputTypeError extends WorkflowError {}
export class OperationTypeNotRecognisedError extends WorkflowError {}
export class UndeclaredSymbolError extends WorkflowError {}

/**
 * Errors raised outside the workflow machinery (model loading, image decoding, API access). `blame` says who has to
 * act, which is all the engine needs to know: a 'client' error raised inside a step becomes a
 * ClientCausedStepExecutionError (Roboflow's `extended_roboflow_errors` handler), a 'busy' one (retry later) passes
 * through unchanged, anything else is that step's failure. The HTTP status of each class is in server/error-map.ts.
 */
export type ErrorBlame = 'client' | 'busy' | 'server';

export class PlatformError extends Error {
  readonly blame: ErrorBlame = 'server';
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
export class InputImageLoadError extends PlatformError {
  override readonly blame = 'client';
}
export class InvalidModelIDError extends PlatformError {
  override readonly blame = 'client';
}
export class ModelInputError extends PlatformError {
  override readonly blame = 'client';
}
export class ContentTypeMissing extends PlatformError {
  override readonly blame = 'client';
}
export class ContentTypeInvalid extends PlatformError {
  override readonly blame = 'client';
}
export class RequestDataContradiction extends PlatformError {
  override readonly blame = 'client';
}
export class MissingApiKeyError extends PlatformError {
  override readonly blame = 'client';
}
export class RoboflowAPINotAuthorizedError extends PlatformError {
  override readonly blame = 'client';
}
export class ModelNotFoundError extends PlatformError {
  override readonly blame = 'client';
}
export class RoboflowAPINotNotFoundError extends PlatformError {
  override readonly blame = 'client';
}
/** The Roboflow API refused the key for this resource (HTTP 403 upstream). */
export class RoboflowAPIForbiddenError extends PlatformError {
  override readonly blame = 'client';
}
export class ModelArtefactError extends PlatformError {}
export class MalformedRoboflowAPIResponseError extends PlatformError {}
export class RoboflowAPIUnsuccessfulRequestError extends PlatformError {}
export class MalformedWorkflowResponseError extends PlatformError {}
export class RoboflowAPIConnectionError extends PlatformError {}
/** A model is still loading past the request's budget: retry later (503 + Retry-After). */
export class ModelManagerLockAcquisitionError extends PlatformError {
  override readonly blame = 'busy';
}
/** A model's queue of waiting runs is full (back-pressure): retry after details.retry_after_s (503 + Retry-After). */
export class ModelQueueFullError extends PlatformError {
  override readonly blame = 'busy';
}
export class InferenceModelNotFound extends PlatformError {
  override readonly blame = 'busy';
}
export class RoboflowAPITimeoutError extends PlatformError {}
/** A workflow asked for something this server does not allow (a file outside the write root, a secret not allowed). */
export class AccessNotAllowedError extends PlatformError {
  override readonly blame = 'client';
}
/** A run went past the request's time limit (REQUEST_TIMEOUT_MS); the message names the step that was running. */
export class RunTimeLimitError extends PlatformError {
  override readonly blame = 'busy';
}
/** A run stopped because its request was cancelled (the client disconnected). */
export class RunAbortedError extends PlatformError {
  override readonly blame = 'busy';
}
