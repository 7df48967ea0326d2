// Each request's abort signal (aborted when the client disconnects before the answer is sent) and time limit,
// kept in AsyncLocalStorage so the engine picks them up for any run a route starts (EngineOptions.runDefaults)
// without every route threading them through.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RunAbortedError } from '../../engine/index.ts';

export interface RequestLimits {
  signal: AbortSignal;
  timeoutMs: number;
}

const storage = new AsyncLocalStorage<RequestLimits>();

/** The limits of the request being handled, if any. */
export function currentRequestLimits(): RequestLimits | undefined {
  return storage.getStore();
}

export function requestLimits(timeoutMs: number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished)
        controller.abort(new RunAbortedError('The client closed the connection before the answer was ready.'));
    });
    storage.run({ signal: controller.signal, timeoutMs }, next);
  };
}
