// API key precedence (docs/roboflow-compatibility.md#http-endpoints): `api_key` query > `Authorization: Bearer` header > body `api_key` > server config.
import type { Request } from 'express';

export function bearerKey(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match?.[1]?.trim() || undefined;
}

export function requestApiKey(req: Request, bodyKey: unknown, fallback: string | undefined): string | undefined {
  // The server's own access key (SIGHTLINE_API_KEY) is not a Roboflow key: it is never sent on to Roboflow's API.
  const accessKey = req.res?.locals.accessKey as string | undefined;
  const usable = (key: unknown): string | undefined =>
    typeof key === 'string' && key && key !== accessKey ? key : undefined;
  return usable(req.query.api_key) ?? usable(bearerKey(req)) ?? usable(bodyKey) ?? fallback;
}
