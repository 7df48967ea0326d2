// API key precedence (spec §6): `api_key` query > `Authorization: Bearer` header > body `api_key` > server config.
import type { Request } from 'express';

export function bearerKey(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return match?.[1]?.trim() || undefined;
}

export function requestApiKey(req: Request, bodyKey: unknown, fallback: string | undefined): string | undefined {
  const query = req.query.api_key;
  if (typeof query === 'string' && query) return query;
  return bearerKey(req) ?? (typeof bodyKey === 'string' && bodyKey ? bodyKey : undefined) ?? fallback;
}
