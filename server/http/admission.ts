// Admission control for requests that run workflows or models: at most `limit` in the server at once, counted
// from the moment their headers arrive (before the body is read) until their answer is sent or their client
// hangs up. Beyond it the answer is an immediate 503 + Retry-After, so under overload clients learn to come back
// instead of queueing invisibly behind a busy event loop past any time limit. Per-model queues (the model
// scheduler) bound the model stage; this bounds everything in front of it.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export class ServerBusyError extends Error {
  readonly retryAfterS = 1;
  constructor(message: string) {
    super(message);
    this.name = 'ServerBusyError';
  }
}

export interface Admission {
  readonly inFlight: number;
  readonly limit: number;
  readonly middleware: RequestHandler;
}

/** Routes whose requests run a workflow or a model. */
export function isRunRequest(method: string, pathname: string, isLegacyModelPath: (p: string) => boolean): boolean {
  if (method !== 'POST' && method !== 'GET') return false;
  if (method === 'GET') return isLegacyModelPath(pathname);
  return (
    pathname === '/workflows/run' ||
    pathname.startsWith('/infer/') ||
    pathname === '/doctr/ocr' ||
    /^\/[^/]+\/workflows\/[^/]+\/?$/.test(pathname) ||
    isLegacyModelPath(pathname)
  );
}

export function admission(limit: number, isLegacyModelPath: (p: string) => boolean): Admission {
  let inFlight = 0;
  const middleware = (req: Request, res: Response, next: NextFunction) => {
    if (limit <= 0 || !isRunRequest(req.method, req.path, isLegacyModelPath)) return next();
    if (inFlight >= limit) {
      next(
        new ServerBusyError(
          `The server is busy: ${inFlight} requests are running (limit ${limit}, MAX_CONCURRENT_RUNS); retry shortly.`,
        ),
      );
      return;
    }
    inFlight++;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      inFlight--;
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
  return {
    get inFlight() {
      return inFlight;
    },
    limit,
    middleware,
  };
}
