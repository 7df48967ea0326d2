// X-Request-Id: a caller's id is kept (so a proxy's or client's id follows the request through our logs), else one
// is generated; it is returned on every response and put into logs and error bodies.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Ids are echoed into headers and logs: only short, header-safe tokens are accepted from callers. */
const ACCEPTED = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The request's id (set by requestId()); undefined before it ran. */
export function requestIdOf(req: IncomingMessage): string | undefined {
  return (req as IncomingMessage & { id?: string }).id;
}

/** The caller's X-Request-Id when acceptable, else a new one (also for WebSocket upgrades, which have no res). */
export function requestIdFor(req: IncomingMessage): string {
  const existing = requestIdOf(req);
  if (existing) return existing;
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && ACCEPTED.test(given) ? given : randomUUID();
  (req as IncomingMessage & { id?: string }).id = id;
  return id;
}

export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const id = requestIdFor(req);
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

export function requestId(): RequestHandler {
  return (req, res, next) => {
    assignRequestId(req, res);
    next();
  };
}
