// Refuses JSON bodies nested deeper than any workflow needs: the compiler, the store and error messages walk
// values recursively, and a 20000-level array would overflow the stack there (a 500) instead of a clear 400.
import type { RequestHandler } from 'express';

/** Real definitions (inner workflows, nested UQL statement groups included) stay far below this. */
export const MAX_JSON_DEPTH = 256;

/** Depth of a parsed JSON value (a scalar is 0), walked without recursion; stops counting past `limit`. */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const inner = depth + 1;
    if (inner > deepest) deepest = inner;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push([child, inner]);
    }
  }
  return deepest;
}

/** A JSON body nested deeper than the server walks. */
export class RequestBodyTooDeepError extends Error {
  override name = 'RequestBodyTooDeepError';
}

export function rejectDeepJson(limit = MAX_JSON_DEPTH): RequestHandler {
  return (req, _res, next) => {
    if (req.body !== null && typeof req.body === 'object' && jsonDepth(req.body, limit) > limit) {
      next(
        new RequestBodyTooDeepError(
          `Request body is nested more than ${limit} levels deep; at most ${limit} are accepted.`,
        ),
      );
      return;
    }
    next();
  };
}
