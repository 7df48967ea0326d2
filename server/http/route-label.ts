// The route a request matched, as a bounded label for metrics and logs: the route template (`/workspaces/:workspace
// /workflows/:workflowId`), never the raw URL, so workflow ids and image names do not become label values.
import type { Request } from 'express';

export function routeLabel(req: Request, status: number): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl ?? ''}${route.path}`;
  // Static files under a mount (/assets, /docs): the mount point.
  if (req.baseUrl) return req.baseUrl;
  return status === 404 ? 'unmatched' : 'other';
}
