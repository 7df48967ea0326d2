// Access control in front of every route (and WebSocket upgrade): Host header check against DNS rebinding, Origin
// check and CORS (cors package, ALLOW_ORIGINS), refusal of cross-site form posts, the SIGHTLINE_API_KEY check
// (constant-time) and the read-only switch for write routes.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import cors from 'cors';
import type { RequestHandler } from 'express';
import ipaddr from 'ipaddr.js';
import type { ServerConfig } from '../config.ts';
import {
  CrossSiteFormPostError,
  HostNotAllowedError,
  InvalidAccessKeyError,
  MissingAccessKeyError,
  OriginNotAllowedError,
  ReadOnlyServerError,
} from './access-errors.ts';

type AccessSettings = Pick<ServerConfig, 'host' | 'accessKey' | 'allowedHosts' | 'allowOrigins' | 'readOnly'>;

export const HOW_TO_AUTHENTICATE =
  'This server requires its API key (SIGHTLINE_API_KEY). Send it as an `Authorization: Bearer <key>` header, ' +
  'as `?api_key=<key>` in the URL, or as an `api_key` field of a JSON body (as Roboflow clients do).';

/** Open without the key: probes, the editor's static files (it asks for the key itself) and the API docs. */
const EXEMPT = /^\/(healthz|readiness|docs(\/.*)?|openapi\.json|assets\/.*|favicon\.ico)?$/;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Content types a page can send cross-site without a CORS preflight (a plain HTML form or fetch no-cors). */
const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;
/** Write routes for SIGHTLINE_READ_ONLY: saved workflows, the model registry, pipelines. */
const WRITE_ROUTES = [/^\/workspaces\//, /^\/model\/(add|remove|clear)$/, /^\/inference_pipelines\//];

function hostnameOf(hostHeader: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return hostHeader.replace(/:\d+$/, '').toLowerCase();
}

function normalizedIp(name: string): string | undefined {
  if (!ipaddr.isValid(name)) return undefined;
  return ipaddr.process(name).toString();
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export class AccessControl {
  readonly #settings: AccessSettings;
  readonly #names = new Set<string>();
  readonly #ips = new Set<string>();
  readonly #anyHost: boolean;
  readonly #anyIpLiteral: boolean;
  readonly #keyDigest: Buffer | undefined;
  readonly cors: RequestHandler;

  constructor(settings: AccessSettings) {
    this.#settings = settings;
    this.#keyDigest = settings.accessKey ? digest(settings.accessKey) : undefined;
    this.#anyHost = settings.allowedHosts.includes('*');
    const bound = settings.host.toLowerCase();
    const wildcard = bound === '0.0.0.0' || bound === '::' || bound === '';
    // An IP literal cannot be rebound by DNS; on all interfaces, any address the client reached us by is fine.
    this.#anyIpLiteral = wildcard;
    for (const name of ['localhost', ...settings.allowedHosts]) this.#names.add(name.toLowerCase());
    for (const ip of ['127.0.0.1', '::1']) this.#ips.add(normalizedIp(ip)!);
    const boundIp = normalizedIp(bound);
    if (boundIp) this.#ips.add(boundIp);
    else if (!wildcard) this.#names.add(bound);
    if (wildcard) {
      this.#names.add(os.hostname().toLowerCase());
      for (const list of Object.values(os.networkInterfaces()))
        for (const info of list ?? []) this.#ips.add(normalizedIp(info.address.split('%')[0]!) ?? info.address);
    }
    this.cors = cors({
      origin: (origin, callback) => callback(null, !!origin && this.#originAllowed(origin)),
      allowedHeaders: ['Content-Type', 'Authorization', 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id'],
      maxAge: 600,
      // Bearer keys, not cookies: no credentialed CORS.
      credentials: false,
    });
  }

  get keyRequired(): boolean {
    return this.#keyDigest !== undefined;
  }

  #hostAllowed(hostHeader: string | undefined): boolean {
    if (this.#anyHost || !hostHeader) return true;
    const name = hostnameOf(hostHeader);
    const ip = normalizedIp(name);
    if (ip) return this.#anyIpLiteral || this.#ips.has(ip);
    if (this.#names.has(name)) return true;
    // `.example.com` in ALLOWED_HOSTS allows example.com and its subdomains.
    for (const allowed of this.#names) if (allowed.startsWith('.') && `.${name}`.endsWith(allowed)) return true;
    return false;
  }

  #originAllowed(origin: string): boolean {
    const allowed = this.#settings.allowOrigins;
    return allowed.includes('*') || allowed.includes(origin.replace(/\/$/, ''));
  }

  /** Same origin: the page's origin names the host the request was sent to. */
  #sameOrigin(req: IncomingMessage, origin: string): boolean {
    try {
      return new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
    } catch {
      return false;
    }
  }

  /** Host and Origin checks; shared by HTTP requests and WebSocket upgrades. Throws an AccessError. */
  checkSite(req: IncomingMessage): void {
    const host = req.headers.host;
    if (!this.#hostAllowed(host)) {
      throw new HostNotAllowedError(
        `Host ${JSON.stringify(host)} is not one of this server's addresses. To reach it by that name, add it to ` +
          'ALLOWED_HOSTS (comma-separated; `.example.com` allows subdomains).',
      );
    }
    const origin = req.headers.origin;
    if (origin && !this.#sameOrigin(req, origin) && !this.#originAllowed(origin)) {
      throw new OriginNotAllowedError(
        `Requests from pages on ${origin} are not allowed. To let that site call this server, add it to ` +
          'ALLOW_ORIGINS (comma-separated origins such as https://app.example.com, or * for any).',
      );
    }
    if (STATE_CHANGING.has(req.method ?? '') && FORM_TYPES.test(req.headers['content-type'] ?? '')) {
      const site = req.headers['sec-fetch-site'];
      const crossSite = site === 'cross-site' || site === 'same-site' || (!!origin && !this.#sameOrigin(req, origin));
      if (crossSite) {
        throw new CrossSiteFormPostError(
          'Form-encoded or text/plain requests from another site are refused: send JSON ' +
            '(Content-Type: application/json) from an origin listed in ALLOW_ORIGINS.',
        );
      }
    }
  }

  /** The access key from ?api_key=, Authorization: Bearer, or a JSON body's api_key; checked in constant time. */
  checkKey(req: IncomingMessage & { body?: unknown; query?: unknown }, path: string): string | undefined {
    if (!this.#keyDigest) return undefined;
    if ((req.method === 'GET' || req.method === 'HEAD') && EXEMPT.test(path)) return undefined;
    const given = givenKey(req);
    if (given === undefined) throw new MissingAccessKeyError(HOW_TO_AUTHENTICATE);
    if (!timingSafeEqual(digest(given), this.#keyDigest)) {
      throw new InvalidAccessKeyError(`The API key sent is not this server's key. ${HOW_TO_AUTHENTICATE}`);
    }
    return given;
  }

  checkWritable(method: string, path: string): void {
    if (!this.#settings.readOnly || !STATE_CHANGING.has(method)) return;
    if (WRITE_ROUTES.some((route) => route.test(path))) {
      throw new ReadOnlyServerError(
        `This server is read-only (SIGHTLINE_READ_ONLY): saving or deleting workflows, adding or removing models ` +
          `and changing pipelines are refused. ${method} ${path} was not done.`,
      );
    }
  }

  /** Host/Origin/form checks, before the body is read. */
  siteMiddleware(): RequestHandler {
    return (req, _res, next) => {
      this.checkSite(req);
      next();
    };
  }

  /** Key and read-only checks, after the JSON body is parsed (a Roboflow client sends api_key in it). */
  keyMiddleware(): RequestHandler {
    return (req, res, next) => {
      let key: string | undefined;
      try {
        key = this.checkKey(req, req.path);
      } catch (error) {
        res.set('WWW-Authenticate', 'Bearer realm="sightline"');
        throw error;
      }
      // The access key is ours: it must not be forwarded to Roboflow's API as the caller's Roboflow key.
      if (key !== undefined) res.locals.accessKey = key;
      this.checkWritable(req.method, req.path);
      next();
    };
  }

  /** For WebSocket upgrades: Host, Origin and the key (query or Bearer; browsers cannot set headers there). */
  checkUpgrade(req: IncomingMessage): void {
    this.checkSite(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.checkKey(req, path);
  }
}

function givenKey(req: IncomingMessage & { body?: unknown; query?: unknown }): string | undefined {
  const url = new URL(req.url ?? '/', 'http://x');
  const query = url.searchParams.get('api_key');
  if (query) return query;
  const header = req.headers.authorization;
  const bearer = header ? /^Bearer\s+(.+)$/i.exec(header.trim())?.[1]?.trim() : undefined;
  if (bearer) return bearer;
  const body = req.body;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const field = (body as Record<string, unknown>).api_key;
    if (typeof field === 'string' && field) return field;
  }
  return undefined;
}
