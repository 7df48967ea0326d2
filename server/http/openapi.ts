// /openapi.json, generated: paths from the routes registered on the live app (so nothing the server answers is
// missing), request bodies from schemas/requests (the files validateBody checks), summaries and examples from
// route-docs.ts, saved-workflow operations from schemas/openapi-base.json. Nothing here is written by hand twice.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type express from 'express';
import { HOW_TO_AUTHENTICATE } from './access.ts';
import { ROUTE_DOCS, WEBSOCKET_DOCS, type RouteDoc } from './route-docs.ts';

const SCHEMAS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schemas');
const ANY_METHOD = ['get', 'post', 'put', 'patch', 'delete'];

export interface LiveRoute {
  /** Lower-case HTTP method, or '*' for `router.all`. */
  method: string;
  /** Express path as registered (`/jobs/:id`). */
  path: string;
}

interface ListedRoute {
  path: string | RegExp;
  methods?: string[];
  router?: { listRoutes(): ListedRoute[] };
}

/** Every (method, path) registered on the app, through mounted routers (router's listRoutes). HEAD is implied. */
export function listAppRoutes(app: express.Express): LiveRoute[] {
  const out: LiveRoute[] = [];
  const walk = (entries: ListedRoute[], prefix: string) => {
    for (const entry of entries) {
      if (typeof entry.path !== 'string') continue;
      const full = joinPath(prefix, entry.path);
      if (entry.router) walk(entry.router.listRoutes(), full);
      for (const method of entry.methods ?? []) {
        if (method === 'HEAD' || method === 'OPTIONS') continue;
        out.push({ method: method.toLowerCase(), path: full });
      }
    }
  };
  walk((app as unknown as { router: { listRoutes(): ListedRoute[] } }).router.listRoutes(), '');
  const seen = new Set<string>();
  return out.filter((r) => !seen.has(`${r.method} ${r.path}`) && !!seen.add(`${r.method} ${r.path}`));
}

function joinPath(prefix: string, tail: string): string {
  if (!prefix || prefix === '/') return tail;
  return tail === '/' ? prefix : `${prefix}${tail}`;
}

/** `/jobs/:id/files/*rest` → `/jobs/{id}/files/{rest}` and the parameter names. */
export function toOpenApiPath(expressPath: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = expressPath.replace(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: converted, params };
}

type Json = Record<string, any>;

function readJson(file: string): Json {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
}

/** Request schemas as components, named by their title; `x.json` references become component references. */
function requestComponents(): { schemas: Json; refOf: Map<string, string> } {
  const dir = path.join(SCHEMAS_DIR, 'requests');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const refOf = new Map<string, string>();
  const raw = new Map<string, Json>();
  for (const file of files) {
    const schema = readJson(path.join(dir, file));
    const name = String(schema.title ?? file.replace(/\.json$/, '')).replace(/[^A-Za-z0-9_.-]/g, '_');
    refOf.set(file, `#/components/schemas/${name}`);
    raw.set(name, schema);
  }
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      // $id/$schema belong to the standalone files; tsType is json-schema-to-typescript's.
      if (key === '$id' || key === '$schema' || key === 'tsType') continue;
      if (key === '$ref' && typeof value === 'string' && refOf.has(value)) out.$ref = refOf.get(value);
      else out[key] = rewrite(value);
    }
    return out;
  };
  const schemas: Json = {};
  for (const [name, schema] of raw) schemas[name] = rewrite(schema);
  return { schemas, refOf };
}

function jsonContent(schema: Json, example?: unknown): Json {
  return { 'application/json': example === undefined ? { schema } : { schema, example } };
}

function operationFor(route: LiveRoute, doc: RouteDoc | undefined, refOf: Map<string, string>, params: string[]) {
  const op: Json = {
    operationId: operationId(route),
    summary: doc?.summary ?? `${route.method.toUpperCase()} ${route.path}`,
    tags: [doc?.tag ?? 'other'],
  };
  if (doc?.description) op.description = doc.description;
  if (params.length > 0) {
    op.parameters = params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  }
  if (doc?.body) {
    const ref = refOf.get(doc.body);
    if (!ref) throw new Error(`route-docs: ${route.method} ${route.path} names unknown schema ${doc.body}`);
    op.requestBody = { required: true, content: jsonContent({ $ref: ref }, doc.bodyExample) };
  }
  const ok: Json = { description: 'Success' };
  if (doc?.produces) ok.content = { [doc.produces]: { schema: { type: 'string' } } };
  else ok.content = jsonContent({}, doc?.responseExample);
  op.responses = { '200': ok };
  return op;
}

function operationId(route: LiveRoute): string {
  const words = route.path
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return `${route.method === '*' ? 'any' : route.method}${words.join('')}`;
}

export interface OpenApiOptions {
  version: string;
  keyRequired: boolean;
}

export function buildOpenApi(routes: LiveRoute[], options: OpenApiOptions): Json {
  const base = readJson(path.join(SCHEMAS_DIR, 'openapi-base.json'));
  const { schemas, refOf } = requestComponents();
  const paths: Json = {};
  for (const route of routes) {
    const { path: apiPath, params } = toOpenApiPath(route.path);
    const doc = ROUTE_DOCS[`${route.method === '*' ? '*' : route.method.toUpperCase()} ${route.path}`];
    for (const method of route.method === '*' ? ANY_METHOD : [route.method]) {
      const fromBase = base.paths?.[apiPath]?.[method] as Json | undefined;
      const op = fromBase ? structuredClone(fromBase) : operationFor({ ...route, method }, doc, refOf, params);
      if (route.method === '*') op.operationId = `${method}${op.operationId.replace(/^any/, '')}`;
      const responses = (op.responses ??= {}) as Json;
      if (doc?.open) op.security = [];
      else if (options.keyRequired) responses['401'] ??= { $ref: '#/components/responses/Unauthorized' };
      responses['4XX'] ??= { $ref: '#/components/responses/Error' };
      responses['5XX'] ??= { $ref: '#/components/responses/Error' };
      (paths[apiPath] ??= {})[method] = op;
    }
  }
  for (const ws of WEBSOCKET_DOCS) {
    if (paths[ws.path]?.get) continue;
    const params = [...ws.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    (paths[ws.path] ??= {}).get = {
      operationId: `websocket${operationId({ method: '', path: ws.path })}`,
      summary: ws.summary,
      description: `${ws.description}\n\nA WebSocket upgrade (ws:// or wss://); a plain GET is not answered here.${
        options.keyRequired ? ' Give the access key as ?api_key=.' : ''
      }`,
      tags: [ws.tag],
      ...(params.length > 0
        ? { parameters: params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })) }
        : {}),
      responses: { '101': { description: 'Switching Protocols: the WebSocket is open' } },
    };
  }
  const tags = [
    { name: 'workflows', description: 'Compile, describe and run workflow definitions (Roboflow-compatible).' },
    { name: 'models', description: "Classic model routes and the model registry (Roboflow's /infer/*, v0 routes)." },
    ...(base.tags ?? []),
    { name: 'jobs', description: 'Batch jobs over many inputs.' },
    { name: 'pipelines', description: 'Video pipelines (Roboflow inference_pipelines API).' },
    { name: 'server', description: 'Health, readiness, version, metrics and documentation.' },
  ];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sightline API',
      version: options.version,
      description:
        'Sightline serves Roboflow-compatible workflow and model routes on local hardware. Generated at start-up ' +
        'from the routes the server registers and the JSON Schemas that validate requests.' +
        (options.keyRequired ? `\n\n${HOW_TO_AUTHENTICATE}` : ''),
    },
    tags,
    paths,
    components: {
      schemas: { ...(base.components?.schemas ?? {}), ...schemas },
      responses: {
        Error: {
          description: 'An error: `message` says what went wrong, `request_id` matches the X-Request-Id header.',
          content: jsonContent({ $ref: '#/components/schemas/ErrorMessage' }),
        },
        Unauthorized: {
          description: HOW_TO_AUTHENTICATE,
          content: jsonContent({ $ref: '#/components/schemas/ErrorMessage' }),
        },
      },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'SIGHTLINE_API_KEY as a Bearer token' },
        apiKeyQuery: { type: 'apiKey', in: 'query', name: 'api_key', description: 'SIGHTLINE_API_KEY in the URL' },
      },
    },
    ...(options.keyRequired ? { security: [{ bearer: [] }, { apiKeyQuery: [] }] } : {}),
  };
}

/** Paths of schemas/openapi-base.json that no live route matches (a renamed or removed route). */
export function staleBaseOperations(routes: LiveRoute[]): string[] {
  const base = readJson(path.join(SCHEMAS_DIR, 'openapi-base.json'));
  const live = new Set<string>();
  for (const r of routes)
    for (const m of r.method === '*' ? ANY_METHOD : [r.method]) live.add(`${m} ${toOpenApiPath(r.path).path}`);
  const stale: string[] = [];
  for (const [p, ops] of Object.entries(base.paths as Json))
    for (const m of Object.keys(ops as Json)) if (!live.has(`${m} ${p}`)) stale.push(`${m.toUpperCase()} ${p}`);
  return stale;
}
