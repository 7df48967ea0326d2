// The one table from error classes to HTTP statuses and response bodies (Roboflow's `with_route_exceptions`, see
// docs/roboflow-compatibility.md). Nowhere else names an error status: the engine and blocks raise typed errors,
// routes throw them. Every exported error class has its own row (test/server/error-map.test.ts walks them all);
// a class without one answers with the row of its nearest ancestor that has one.
import type { ErrorRequestHandler, Response } from 'express';
import * as engine from '../engine/index.ts';
import { ClientCausedStepExecutionError, PlatformError, StepExecutionError, WorkflowError } from '../engine/index.ts';
import { QrCapacityError } from '../blocks/common/qr/encoder.ts';
import { PyFormatError } from '../blocks/common/py-format.ts';
import { ModelPackageRequiredError } from '../blocks/models/semantic_segmentation/semantic-segmentation.ts';
import { SmtpError } from '../blocks/sinks/smtp.ts';
import { ConfigError } from './config.ts';
import { RequestBodyTooDeepError } from './json-depth.ts';
import { ServerNotReadyError } from './http/load-monitor.ts';
import { scrubErrorBody } from './http/scrub.ts';
import { UnsupportedContentTypeError } from './http/content-type.ts';
import { ServerBusyError } from './http/admission.ts';
import { RouteNotFoundError } from './respond.ts';
import { FeatureNotServedError } from './routes/unsupported.ts';
import * as store from './store/errors.ts';
import * as jobs from '../jobs/errors.ts';
import * as video from '../video/errors.ts';
import * as runChannel from './ws/errors.ts';
import { RequestValidationError } from './validation.ts';
import * as access from './http/access-errors.ts';
import { requestIdOf } from './http/request-id.ts';
import { ServerShuttingDownError } from './http/lifecycle.ts';

/**
 * Body shapes. Workflow errors: `compile` and `workflow-full` carry every key (blocks_errors, output streams),
 * `workflow` the short form, `workflow-internal` a 500 with streams; `step`/`client-step` build blocks_errors
 * for a failed step. `message` is `{message}` (+ error.details); `detail` FastAPI's `{detail}`; `validation`
 * FastAPI's 422; `internal` is logged and answers 500 `Internal error.` without details.
 */
export type BodyShape =
  | 'compile'
  | 'workflow-full'
  | 'workflow'
  | 'workflow-internal'
  | 'step'
  | 'client-step'
  | 'message'
  | 'detail'
  | 'validation'
  | 'internal';

export interface ErrorRow {
  status: number;
  body: BodyShape;
}

type ErrorClass = abstract new (...args: any[]) => Error;

const row = (status: number, body: BodyShape): ErrorRow => ({ status, body });

// prettier-ignore
export const ERROR_TABLE = new Map<ErrorClass, ErrorRow>([
  // Workflow errors (engine/errors.ts).
  [engine.WorkflowError, row(500, 'workflow-internal')],
  [engine.WorkflowEnvironmentConfigurationError, row(500, 'workflow-internal')],
  [engine.WorkflowCompilerError, row(500, 'workflow-internal')],
  [engine.PluginLoadingError, row(500, 'workflow-internal')],
  [engine.PluginInterfaceError, row(500, 'workflow-internal')],
  [engine.BlockInterfaceError, row(500, 'workflow-internal')],
  [engine.DynamicBlockError, row(400, 'workflow')],
  [engine.WorkflowDefinitionError, row(400, 'workflow')],
  [engine.WorkflowSyntaxError, row(400, 'compile')],
  [engine.DuplicatedNameError, row(400, 'workflow')],
  [engine.ExecutionGraphStructureError, row(400, 'compile')],
  [engine.InvalidReferenceTargetError, row(400, 'compile')],
  [engine.ReferenceTypeError, row(400, 'workflow')],
  [engine.UnknownManifestType, row(500, 'workflow-internal')],
  [engine.BlockInitParameterNotProvidedError, row(500, 'workflow-internal')],
  [engine.StepInputDimensionalityError, row(400, 'compile')],
  [engine.StepInputLineageError, row(500, 'workflow-internal')],
  [engine.StepOutputLineageError, row(500, 'workflow-internal')],
  [engine.ControlFlowDefinitionError, row(500, 'workflow-internal')],
  [engine.InnerWorkflowError, row(400, 'workflow')],
  [engine.InnerWorkflowCompositionCycleError, row(400, 'workflow')],
  [engine.InnerWorkflowInvalidStepEntryError, row(400, 'workflow')],
  [engine.InnerWorkflowNestingDepthError, row(400, 'workflow')],
  [engine.InnerWorkflowTotalCountError, row(400, 'workflow')],
  [engine.InnerWorkflowParameterBindingsError, row(400, 'workflow')],
  [engine.AssumptionError, row(500, 'workflow-internal')],
  [engine.WorkflowExecutionEngineError, row(500, 'workflow-internal')],
  [engine.DynamicBlockCodeError, row(400, 'workflow-full')],
  [engine.NotSupportedExecutionEngineError, row(400, 'workflow')],
  [engine.InvalidBlockBehaviourError, row(500, 'workflow-internal')],
  [engine.ExecutionEngineRuntimeError, row(500, 'workflow-internal')],
  [engine.ExecutionEngineNotImplementedError, row(500, 'workflow-internal')],
  [engine.RuntimeInputError, row(400, 'workflow')],
  [engine.WorkflowExecutionEngineVersionError, row(400, 'workflow')],
  [engine.StepExecutionError, row(500, 'step')],
  // Status of the inner error when it has a row, else this one.
  [engine.ClientCausedStepExecutionError, row(400, 'client-step')],
  [engine.RuntimeLimitsCausedStepExecutionError, row(400, 'client-step')],
  // Roboflow's query language (UQL).
  [engine.InvalidInputTypeError, row(400, 'workflow')],
  [engine.OperationTypeNotRecognisedError, row(400, 'workflow')],
  [engine.UndeclaredSymbolError, row(400, 'workflow')],
  // Platform errors (engine/errors.ts): models, images, the Roboflow API.
  [engine.PlatformError, row(500, 'message')],
  [engine.InputImageLoadError, row(400, 'message')],
  [engine.InvalidModelIDError, row(400, 'message')],
  [engine.ModelInputError, row(400, 'message')],
  [engine.ContentTypeMissing, row(400, 'message')],
  [engine.ContentTypeInvalid, row(400, 'message')],
  [engine.RequestDataContradiction, row(400, 'message')],
  [engine.MissingApiKeyError, row(400, 'message')],
  [engine.RoboflowAPINotAuthorizedError, row(401, 'message')],
  [engine.ModelNotFoundError, row(404, 'message')],
  [engine.RoboflowAPINotNotFoundError, row(404, 'message')],
  [engine.RoboflowAPIForbiddenError, row(403, 'message')],
  [engine.ModelArtefactError, row(500, 'message')],
  [engine.MalformedRoboflowAPIResponseError, row(502, 'message')],
  [engine.RoboflowAPIUnsuccessfulRequestError, row(502, 'message')],
  [engine.MalformedWorkflowResponseError, row(502, 'message')],
  [engine.RoboflowAPIConnectionError, row(503, 'message')],
  [engine.ModelManagerLockAcquisitionError, row(503, 'message')],
  [engine.ModelQueueFullError, row(503, 'message')],
  [engine.InferenceModelNotFound, row(503, 'message')],
  [engine.RoboflowAPITimeoutError, row(504, 'message')],
  // A run stopped by its request's time limit (names the running step) or because the client went away.
  [engine.RunTimeLimitError, row(504, 'message')],
  [engine.RunAbortedError, row(499, 'message')],
  [engine.AccessNotAllowedError, row(403, 'message')],
  // URL image inputs (engine/net): a refused address, a body over the size limit.
  [engine.AddressNotAllowedError, row(400, 'message')],
  [engine.ResponseTooLargeError, row(400, 'message')],
  // Saved-workflow store (server/store/errors.ts).
  [store.InvalidStoreIdError, row(400, 'message')],
  [store.InvalidStoreRequestError, row(400, 'message')],
  [store.SavedWorkflowNotFoundError, row(404, 'message')],
  [store.WorkflowVersionConflictError, row(409, 'message')],
  [store.StorageFullError, row(507, 'message')],
  // Server.
  [RequestValidationError, row(422, 'validation')],
  // Access control (server/http/access-errors.ts).
  [access.AccessError, row(403, 'message')],
  [access.MissingAccessKeyError, row(401, 'message')],
  [access.InvalidAccessKeyError, row(401, 'message')],
  [access.HostNotAllowedError, row(403, 'message')],
  [access.OriginNotAllowedError, row(403, 'message')],
  [access.CrossSiteFormPostError, row(403, 'message')],
  [access.ReadOnlyServerError, row(403, 'message')],
  [ServerShuttingDownError, row(503, 'message')],
  // Jobs API (jobs/errors.ts).
  [jobs.JobRequestError, row(400, 'message')],
  [jobs.JobNotFoundError, row(404, 'message')],
  [jobs.QueueUnavailableError, row(503, 'message')],
  // Video pipelines (video/errors.ts).
  [video.PipelineError, row(500, 'message')],
  [video.PipelineNotFoundError, row(404, 'message')],
  [video.PipelineInvalidPayloadError, row(400, 'message')],
  [video.VideoSourceError, row(400, 'message')],
  [runChannel.RunChannelMessageError, row(400, 'message')],
  [runChannel.RunChannelBusyError, row(409, 'message')],
  [video.PipelineOperationError, row(500, 'message')],
  [RequestBodyTooDeepError, row(400, 'message')],
  [ServerNotReadyError, row(503, 'message')],
  [UnsupportedContentTypeError, row(415, 'message')],
  [ServerBusyError, row(503, 'message')],
  [RouteNotFoundError, row(404, 'detail')],
  [FeatureNotServedError, row(501, 'message')],
  // A task (semantic segmentation) whose model packages this server cannot load.
  [ModelPackageRequiredError, row(501, 'message')],
  [ConfigError, row(500, 'internal')],
  // Raised inside blocks only, where the executor turns them into StepExecutionError.
  [QrCapacityError, row(500, 'internal')],
  [SmtpError, row(500, 'internal')],
  // string_template turns these into its ValueError step failures; one reaching here is a bug.
  [PyFormatError, row(500, 'internal')],
]);

/** The row of the error's class, else of its nearest ancestor with one. */
export function errorRow(error: unknown): ErrorRow | undefined {
  if (!(error instanceof Error)) return undefined;
  for (
    let proto = Object.getPrototypeOf(error);
    proto && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const found = ERROR_TABLE.get(proto.constructor as ErrorClass);
    if (found) return found;
  }
  return undefined;
}

/** Roboflow answers these platform errors with a fixed message; ours adds the specific reason after it. */
const FIXED_MESSAGES: Record<string, string> = {
  MissingApiKeyError:
    'Required Roboflow API key is missing. Visit https://docs.roboflow.com/api-reference/authentication#retrieve-an-api-key to learn how to retrieve one.',
  InvalidModelIDError: 'Invalid Model ID sent in request.',
  RoboflowAPINotAuthorizedError:
    'Unauthorized access to roboflow API - check API key and make sure the key is valid for workspace you use.',
  RoboflowAPINotNotFoundError:
    'Requested Roboflow resource not found. Make sure that workspace, project or model you referred in request exists.',
  ModelNotFoundError:
    'Requested Roboflow resource not found. Make sure that workspace, project or model you referred in request exists.',
  MalformedRoboflowAPIResponseError: 'Internal error. Request to Roboflow API failed.',
  RoboflowAPIUnsuccessfulRequestError: 'Internal error. Request to Roboflow API failed.',
  MalformedWorkflowResponseError: 'Internal error. Request to Roboflow API failed.',
  RoboflowAPIConnectionError: 'Internal error. Could not connect to Roboflow API.',
  InferenceModelNotFound: 'Model is temporarily not ready - retry request.',
};

/** Statuses whose body also names the error type (Roboflow's 410/429 answers do). */
const TYPED_STATUSES = new Set([410, 429]);
const RETRY_LATER = 503;
const INTERNAL = 500;

export interface MappedError {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

function innerType(inner: unknown): string | null {
  if (inner === undefined || inner === null) return null;
  if (inner instanceof Error) return inner.name || inner.constructor.name;
  return (inner as object).constructor?.name ?? typeof inner;
}

/** Python's str(inner_error): "None" when absent. */
function innerMessage(inner: unknown): string {
  if (inner === undefined || inner === null) return 'None';
  if (inner instanceof Error) return inner.message;
  if (typeof inner === 'string') return inner;
  try {
    return JSON.stringify(inner);
  } catch {
    return String(inner);
  }
}

function errorTypeName(error: Error): string {
  return error.name && error.name !== 'Error' ? error.name : error.constructor.name;
}

function blockError(blockId: string) {
  return {
    block_id: blockId,
    block_type: null,
    block_details: null,
    property_name: null,
    property_details: null,
    block_traceback: null,
  };
}

const STREAMS = { python_blocks_output_streams: null, python_blocks_debug_traces: null };

function workflowBody(error: WorkflowError, shape: BodyShape): Record<string, unknown> {
  const inner = error.innerError;
  const base = {
    message: error.message,
    error_type: errorTypeName(error),
    context: error.context,
    inner_error_type: innerType(inner),
    inner_error_message: innerMessage(inner),
  };
  switch (shape) {
    case 'compile':
      return {
        ...base,
        inner_error_type: String(innerType(inner) ?? 'None'),
        blocks_errors: error.blocksErrors,
        ...STREAMS,
      };
    case 'workflow-full':
      return { ...base, blocks_errors: error.blocksErrors, ...STREAMS };
    case 'workflow':
      return base;
    case 'client-step': {
      const blockId = (error as ClientCausedStepExecutionError).blockId;
      const blocksErrors = error.blocksErrors.length > 0 ? error.blocksErrors : [blockError(blockId)];
      return { ...base, blocks_errors: blocksErrors, ...STREAMS };
    }
    case 'step': {
      const step = error as StepExecutionError;
      const blocksErrors =
        error.blocksErrors.length > 0
          ? error.blocksErrors
          : [
              {
                ...blockError(step.blockId),
                block_type: step.blockType,
                property_details: innerMessage(inner),
                block_traceback: inner instanceof Error && inner.stack ? { traceback: inner.stack } : null,
              },
            ];
      return { ...base, blocks_errors: blocksErrors, ...STREAMS };
    }
    default:
      return { ...base, ...STREAMS };
  }
}

function messageBody(error: Error, status: number): Record<string, unknown> {
  const name = errorTypeName(error);
  const fixed = FIXED_MESSAGES[name];
  const message =
    fixed && fixed !== error.message && error.message ? `${fixed} ${error.message}` : (fixed ?? error.message);
  const body: Record<string, unknown> = { message };
  const details = (error as PlatformError).details;
  if (details) Object.assign(body, details);
  if (TYPED_STATUSES.has(status)) body.error_type = name;
  return body;
}

function retryAfterSeconds(error: Error): number {
  const fromError = (error as { retryAfterS?: unknown }).retryAfterS;
  const fromDetails = (error as PlatformError).details?.retry_after_s;
  const seconds = Number(fromError ?? fromDetails ?? 1);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 1;
}

function mapClassified(error: Error, entry: ErrorRow): MappedError | undefined {
  let status = entry.status;
  // A client-caused step failure answers with the status of what the block raised (404 for an unknown model...).
  if (entry.body === 'client-step') status = errorRow((error as WorkflowError).innerError)?.status ?? status;
  let body: Record<string, unknown>;
  switch (entry.body) {
    case 'internal':
      return undefined;
    case 'validation':
      body = { detail: (error as RequestValidationError).detail };
      break;
    case 'detail':
      body = { detail: error.message };
      break;
    case 'message':
      body = messageBody(error, status);
      break;
    default:
      body = workflowBody(error as WorkflowError, entry.body);
  }
  return status === RETRY_LATER
    ? { status, body, headers: { 'Retry-After': String(retryAfterSeconds(error)) } }
    : { status, body };
}

interface HttpishError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  limit?: number;
  message?: string;
}

/** Errors of Express's body parser (http-errors objects): not our classes, they carry their own status. */
function mapBodyParserError(error: unknown): MappedError | undefined {
  const http = error as HttpishError | null;
  if (!http || typeof http !== 'object') return undefined;
  if (http.type === 'entity.parse.failed') {
    return { status: 400, body: { message: `Malformed JSON in request body: ${http.message ?? 'could not parse'}` } };
  }
  if (http.type === 'entity.too.large') {
    return { status: 413, body: { message: `Request body too large: the limit is ${http.limit ?? 'unknown'} bytes.` } };
  }
  const status = http.status ?? http.statusCode;
  // body-parser / http-errors client errors (unsupported charset, aborted request...) say what went wrong.
  if (http.expose && typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { message: http.message ?? 'Bad request.' } };
  }
  return undefined;
}

/** Map anything thrown while handling a request; undefined means "internal error". */
export function mapError(error: unknown): MappedError | undefined {
  const entry = errorRow(error);
  const mapped = entry ? mapClassified(error as Error, entry) : mapBodyParserError(error);
  // Bodies go to the client: no stack traces, no absolute paths (the log keeps them).
  return mapped && { ...mapped, body: scrubErrorBody(mapped.body) };
}

export function sendError(res: Response, error: unknown): void {
  const mapped = mapError(error);
  // The request id in every error body, so a user can quote it and an operator find the log line.
  const requestId = res.req ? requestIdOf(res.req) : undefined;
  const withId = (body: Record<string, unknown>) => (requestId ? { ...body, request_id: requestId } : body);
  if (!mapped) {
    // The request log has it (class, step, stack) when logging is on; stderr keeps it visible otherwise.
    if (!res.log) console.error('[sightline] internal error:', error);
    if (!res.headersSent) res.status(INTERNAL).json(withId({ message: 'Internal error.' }));
    else res.end();
    return;
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  if (mapped.headers) res.set(mapped.headers);
  res.status(mapped.status).json(withId(mapped.body));
}

export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  sendError(res, error);
};
