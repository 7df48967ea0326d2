// The one table from error classes to HTTP statuses and bodies (spec §6.9, Roboflow's with_route_exceptions).
// Body shapes: A = full workflow error (all keys), B = short workflow error, C = plain {message}.
import type { ErrorRequestHandler, Response } from 'express';
import { ClientCausedStepExecutionError, PlatformError, StepExecutionError, WorkflowError } from '../engine/index.ts';
import { RequestValidationError } from './validation.ts';

type WorkflowBody = 'A-compile' | 'A' | 'B' | 'B-500';

/** WorkflowError classes answered 400; the nearest class name up the prototype chain decides. */
const WORKFLOW_ERROR_TABLE: Record<string, { status: number; body: WorkflowBody }> = {
  WorkflowSyntaxError: { status: 400, body: 'A-compile' },
  InvalidReferenceTargetError: { status: 400, body: 'A-compile' },
  ExecutionGraphStructureError: { status: 400, body: 'A-compile' },
  StepInputDimensionalityError: { status: 400, body: 'A-compile' },
  DynamicBlockCodeError: { status: 400, body: 'A' },
  WorkflowDefinitionError: { status: 400, body: 'B' },
  DuplicatedNameError: { status: 400, body: 'B' },
  ReferenceTypeError: { status: 400, body: 'B' },
  RuntimeInputError: { status: 400, body: 'B' },
  InvalidInputTypeError: { status: 400, body: 'B' },
  OperationTypeNotRecognisedError: { status: 400, body: 'B' },
  UndeclaredSymbolError: { status: 400, body: 'B' },
  DynamicBlockError: { status: 400, body: 'B' },
  InnerWorkflowError: { status: 400, body: 'B' },
  WorkflowExecutionEngineVersionError: { status: 400, body: 'B' },
  NotSupportedExecutionEngineError: { status: 400, body: 'B' },
};

/** Roboflow answers these platform errors with a fixed message; ours adds the specific reason after it. */
const PLATFORM_MESSAGES: Record<string, string> = {
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

export interface MappedError {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

function classChain(error: object): string[] {
  const names: string[] = [];
  for (
    let proto = Object.getPrototypeOf(error);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const name = (proto.constructor as { name?: string } | undefined)?.name;
    if (name) names.push(name);
  }
  return names;
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

function mapWorkflowError(error: WorkflowError): MappedError {
  const chain = classChain(error);
  const entry =
    chain.map((name) => WORKFLOW_ERROR_TABLE[name]).find(Boolean) ??
    // InnerWorkflow* classes the engine may add later share one row.
    (chain.some((n) => n.startsWith('InnerWorkflow')) ? WORKFLOW_ERROR_TABLE.InnerWorkflowError : undefined);
  const base = { message: error.message, error_type: errorTypeName(error), context: error.context };
  const inner = error.innerError;
  const streams = { python_blocks_output_streams: null, python_blocks_debug_traces: null };

  if (error instanceof ClientCausedStepExecutionError) {
    const blockErrors = error.blocksErrors.length > 0 ? error.blocksErrors : [blockError(error.blockId)];
    return {
      status: error.statusCode,
      body: {
        ...base,
        inner_error_type: innerType(inner),
        inner_error_message: innerMessage(inner),
        blocks_errors: blockErrors,
        ...streams,
      },
    };
  }
  if (error instanceof StepExecutionError) {
    const blockErrors =
      error.blocksErrors.length > 0
        ? error.blocksErrors
        : [
            {
              ...blockError(error.blockId),
              block_type: error.blockType,
              property_details: innerMessage(inner),
              block_traceback: inner instanceof Error && inner.stack ? { traceback: inner.stack } : null,
            },
          ];
    return {
      status: 500,
      body: {
        ...base,
        inner_error_type: innerType(inner),
        inner_error_message: innerMessage(inner),
        blocks_errors: blockErrors,
        ...streams,
      },
    };
  }
  if (entry?.body === 'A-compile') {
    return {
      status: entry.status,
      body: {
        ...base,
        inner_error_type: String(innerType(inner) ?? 'None'),
        inner_error_message: innerMessage(inner),
        blocks_errors: error.blocksErrors,
        ...streams,
      },
    };
  }
  if (entry?.body === 'A') {
    return {
      status: entry.status,
      body: {
        ...base,
        inner_error_type: innerType(inner),
        inner_error_message: innerMessage(inner),
        blocks_errors: error.blocksErrors,
        ...streams,
      },
    };
  }
  if (entry) {
    return {
      status: entry.status,
      body: { ...base, inner_error_type: innerType(inner), inner_error_message: innerMessage(inner) },
    };
  }
  return {
    status: 500,
    body: { ...base, inner_error_type: innerType(inner), inner_error_message: innerMessage(inner), ...streams },
  };
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

function mapPlatformError(error: PlatformError): MappedError {
  const name = errorTypeName(error);
  const fixed = PLATFORM_MESSAGES[name];
  const message =
    fixed && fixed !== error.message && error.message ? `${fixed} ${error.message}` : (fixed ?? error.message);
  const status = error.status;
  const body: Record<string, unknown> = { message };
  if (error.details) Object.assign(body, error.details);
  if (status === 410 || status === 429) body.error_type = name;
  return status === 503 ? { status, body, headers: { 'Retry-After': '1' } } : { status, body };
}

interface HttpishError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  limit?: number;
  message?: string;
}

/** Map anything thrown while handling a request; undefined means "internal error". */
export function mapError(error: unknown): MappedError | undefined {
  if (error instanceof RequestValidationError) return { status: 422, body: { detail: error.detail } };
  if (error instanceof WorkflowError) return mapWorkflowError(error);
  if (error instanceof PlatformError) return mapPlatformError(error);
  const http = error as HttpishError | null;
  if (http && typeof http === 'object') {
    if (http.type === 'entity.parse.failed') {
      return { status: 400, body: { message: `Malformed JSON in request body: ${http.message ?? 'could not parse'}` } };
    }
    if (http.type === 'entity.too.large') {
      return {
        status: 413,
        body: { message: `Request body too large: the limit is ${http.limit ?? 'unknown'} bytes.` },
      };
    }
    const status = http.status ?? http.statusCode;
    // body-parser / http-errors client errors (unsupported charset, aborted request...) say what went wrong.
    if (http.expose && typeof status === 'number' && status >= 400 && status < 500) {
      return { status, body: { message: http.message ?? 'Bad request.' } };
    }
  }
  return undefined;
}

export function sendError(res: Response, error: unknown): void {
  const mapped = mapError(error);
  if (!mapped) {
    console.error('[sightline] internal error:', error);
    if (!res.headersSent) res.status(500).json({ message: 'Internal error.' });
    else res.end();
    return;
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  if (mapped.headers) res.set(mapped.headers);
  res.status(mapped.status).json(mapped.body);
}

export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  sendError(res, error);
};
