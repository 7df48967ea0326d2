// Structured logs with pino / pino-http: one line per request (method, route, status, duration, request id) and
// errors with their class and step. Pretty on a terminal, JSON lines otherwise. Request bodies, headers and query
// values that carry keys are never written: a line holds only the fields picked here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Request } from 'express';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import pretty from 'pino-pretty';
import { mapError } from '../error-map.ts';
import { assignRequestId } from './request-id.ts';
import { routeLabel } from './route-label.ts';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Append JSON lines here instead of stdout. */
  file?: string;
  /** Values that must never appear in a line (API keys): replaced wherever they occur in messages. */
  secrets?: Array<string | undefined>;
}

/** Query parameters whose values are credentials. */
const SECRET_PARAM = /^(api_?key|key|token|access_token|secret|password)$/i;
const SECRET_IN_TEXT = /((?:api_?key|access_token|token)=)[^&\s"']+/gi;

export function createLogger(options: LoggerOptions): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 4);
  const scrub = (text: string): string => {
    let out = text.replace(SECRET_IN_TEXT, '$1[redacted]');
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out;
  };
  const base: pino.LoggerOptions = {
    level: options.level,
    base: { service: 'sightline' },
    serializers: { err: (error: unknown) => serializeError(error, scrub) },
    hooks: {
      // Free-text messages (start-up lines, third-party errors) are scrubbed too.
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as typeof args;
        return method.apply(this, scrubbed);
      },
    },
  };
  if (options.file) return pino(base, pino.destination({ dest: options.file, sync: true, append: true, mkdir: true }));
  if (process.stdout.isTTY) return pino(base, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l' }));
  return pino(base);
}

/** Class, message, the failing step (engine errors carry it) and, for internal errors, the stack. */
function serializeError(error: unknown, scrub: (text: string) => string): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error, message: scrub(String(error)) };
  const e = error as Error & { blockId?: string; blockType?: string };
  const out: Record<string, unknown> = {
    type: e.name && e.name !== 'Error' ? e.name : e.constructor.name,
    message: scrub(e.message),
  };
  // The failing step: engine step errors carry it; others name it in their context ("... | step: det | ...").
  const context = (e as { context?: unknown }).context;
  const step = e.blockId ?? (typeof context === 'string' ? /\bstep: ([^\s|]+)/.exec(context)?.[1] : undefined);
  if (step) out.step = step;
  if (e.blockType) out.block_type = e.blockType;
  const inner = (e as { innerError?: unknown }).innerError;
  if (inner instanceof Error) out.inner = { type: inner.name || inner.constructor.name, message: scrub(inner.message) };
  // A stack only for internal errors: a 4xx is the caller's mistake, its class and message say enough.
  const status = mapError(error)?.status;
  if (!(typeof status === 'number' && status < 500) && e.stack) out.stack = scrub(e.stack);
  return out;
}

/** The path and query with credential values replaced: a request line never carries a key. */
export function safeUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of [...params.keys()]) if (SECRET_PARAM.test(name)) params.set(name, '[redacted]');
  // Long query values (a base64 image on the legacy route's ?image=) are cut.
  for (const [name, value] of params)
    if (value.length > 200) params.set(name, `${value.slice(0, 32)}…(${value.length})`);
  return `${url.slice(0, q)}?${params.toString()}`;
}

function line(req: IncomingMessage, res: ServerResponse, responseTime: number): Record<string, unknown> {
  return {
    method: req.method,
    url: safeUrl((req as Request).originalUrl ?? req.url),
    route: routeLabel(req as Request, res.statusCode),
    status: res.statusCode,
    duration_ms: responseTime,
  };
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    // Ours (class, step, scrubbed message) on the Error itself, not on pino-http's pre-serialized copy.
    wrapSerializers: false,
    // pino-http binds req and res to a child logger on every request even when it never writes them: keep those
    // bindings tiny (serializing the whole IncomingMessage cost ~100 µs a request).
    serializers: {
      err: (logger as unknown as Record<symbol, { err: (e: unknown) => unknown }>)[pino.symbols.serializersSym].err,
      req: (req: IncomingMessage) => ({ method: req.method }),
      res: (res: ServerResponse) => ({ status: res.statusCode }),
    },
    genReqId: (req, res) => assignRequestId(req, res),
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'request_id' },
    customLogLevel: (_req, res, error) =>
      res.statusCode >= 500 || (error && !res.statusCode) ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    customSuccessObject: (req, res, value: { responseTime: number }) => line(req, res, value.responseTime),
    customErrorObject: (req, res, error, value: { responseTime: number }) => ({
      ...line(req, res, value.responseTime),
      err: error,
    }),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
  });
}

/** Hands the error a route answered with to the request log (then the error table answers it). */
export const recordError: ErrorRequestHandler = (error, _req, res, next) => {
  (res as ServerResponse & { err?: unknown }).err = error;
  next(error);
};
