// Small response helpers shared by the route modules.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** No route answers this path (FastAPI's `{"detail": "Not Found"}`). */
export class RouteNotFoundError extends Error {
  constructor() {
    super('Not Found');
    this.name = 'RouteNotFoundError';
  }
}

export function acceptsGzip(req: Request): boolean {
  return /\bgzip\b/i.test(req.get('accept-encoding') ?? '');
}

/** Express 5 forwards rejected promises, but wrapping keeps every handler's errors on one path explicitly. */
export function handler(fn: (req: Request, res: Response) => Promise<void> | void): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve()
      .then(() => fn(req, res))
      .catch(next);
  };
}
