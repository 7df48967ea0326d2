// Each request's abort signal (aborted when the client disconnects before the answer is sent) and time limit,
// counted from the request's arrival, kept in AsyncLocalStorage so the engine picks them up for any run a route
// starts (EngineOptions.runDefaults) without every route threading them through. Runs that start after the answer
// was sent (background work a route queued, e.g. a job) get neither.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RunAbortedError } from '../../engine/index.ts';

interface RequestLimits {
  signal: AbortSignal;
  /** performance.now() by which the request must be answered; Infinity without a limit. */
  deadline: number;
  limitMs: number;
  /** The answer has been sent: work still going in this async context (a job a route queued) is not the request's. */
  answered: boolean;
}

const storage = new AsyncLocalStorage<RequestLimits>();
const ARRIVED = Symbol('arrivedAt');

/** Stamps the request's arrival (first middleware, before its body is read): the time limit counts from here. */
export function markArrival(req: Request, _res: Response, next: NextFunction): void {
  (req as Request & { [ARRIVED]?: number })[ARRIVED] = performance.now();
  next();
}

/** The abort signal and the time left of the request being handled, if any. */
export function currentRequestLimits(): { signal: AbortSignal; timeoutMs: number; timeLimitMs: number } | undefined {
  const limits = storage.getStore();
  if (!limits || limits.answered) return undefined;
  const left = limits.deadline - performance.now();
  return {
    signal: limits.signal,
    timeoutMs: Number.isFinite(left) ? Math.max(1, Math.round(left)) : 0,
    timeLimitMs: limits.limitMs,
  };
}

export function requestLimits(timeoutMs: number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const controller = new AbortController();
    const arrived = (req as Request & { [ARRIVED]?: number })[ARRIVED] ?? performance.now();
    const deadline = timeoutMs > 0 ? arrived + timeoutMs : Infinity;
    const limits: RequestLimits = { signal: controller.signal, deadline, limitMs: timeoutMs, answered: false };
    res.once('finish', () => (limits.answered = true));
    res.once('close', () => {
      if (!res.writableFinished)
        controller.abort(new RunAbortedError('The client closed the connection before the answer was ready.'));
      limits.answered = true;
    });
    storage.run(limits, next);
  };
}
