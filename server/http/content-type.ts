// A JSON endpoint sent a body in another content type (curl's default form type, text/plain) used to answer
// 422 "Field required", as if nothing had been sent. Say what is wrong instead: 415 naming the type received.
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export class UnsupportedContentTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedContentTypeError';
  }
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** After the JSON parser: a body it did not read (wrong content type) on a route that `skip` does not exempt. */
export function requireJsonBodies(skip: (path: string) => boolean): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!WITH_BODY.has(req.method) || req.body !== undefined || skip(req.path)) return next();
    const type = req.get('content-type');
    const length = Number(req.get('content-length') ?? 0);
    const hasBody = length > 0 || req.get('transfer-encoding') !== undefined;
    if (!type || !hasBody || /[/+]json\b/i.test(type)) return next();
    next(
      new UnsupportedContentTypeError(
        `The request body was sent as '${type.split(';')[0]!.trim().slice(0, 80)}', but this endpoint reads JSON: ` +
          'send it with the header Content-Type: application/json.',
      ),
    );
  };
}
