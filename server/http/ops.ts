// The production shell around the routes: request ids, request logs, metrics, access control, API docs and graceful
// shutdown, created once per server from its config and mounted by server/app.ts.
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type express from 'express';
import type { ServerConfig } from '../config.ts';
import { mapError } from '../error-map.ts';
import { AccessControl } from './access.ts';
import { Lifecycle } from './lifecycle.ts';
import { createLogger, recordError, requestLogger, type Logger } from './logging.ts';
import { Metrics } from './metrics.ts';
import { requestId, requestIdFor } from './request-id.ts';

export interface Ops {
  logger: Logger;
  /** Absent when SIGHTLINE_METRICS=false. */
  metrics: Metrics | undefined;
  access: AccessControl;
  lifecycle: Lifecycle;
}

export function createOps(
  config: ServerConfig,
  shutdownHooks: Array<() => Promise<void>>,
  loadedModels: () => number,
): Ops {
  return {
    logger: createLogger({ level: config.logLevel, file: config.logFile, secrets: [config.accessKey, config.apiKey] }),
    metrics: config.metricsEnabled ? new Metrics({ loadedModels }) : undefined,
    access: new AccessControl(config),
    lifecycle: new Lifecycle(shutdownHooks),
  };
}

/** Before the body parser: id, log, metrics, Host/Origin/form checks, CORS (answers preflights). */
export function mountFront(app: express.Express, ops: Ops): void {
  app.use(requestId());
  // LOG_LEVEL=silent: no request logger at all (ids are still assigned and returned).
  if (ops.logger.level !== 'silent') app.use(requestLogger(ops.logger));
  if (ops.metrics) app.use(ops.metrics.httpMiddleware());
  app.use(ops.access.siteMiddleware());
  app.use(ops.access.cors);
}

/** After the body parser: the access key (it may be a JSON field) and read-only; then /metrics. */
export function mountAccess(app: express.Express, ops: Ops): void {
  app.use(ops.access.keyMiddleware());
  if (ops.metrics) app.use(ops.metrics.routes());
}

/** Last, before the error table: the request log records the error class and step. */
export function mountErrorLog(app: express.Express): void {
  app.use(recordError);
}

/** WebSocket upgrades skip Express: the same Host/Origin/key checks run here, before any upgrade listener. */
export function guardUpgrades(server: Server, ops: Ops): void {
  server.prependListener('upgrade', (req, socket: Duplex) => {
    try {
      ops.access.checkUpgrade(req);
      // Only this guard listens: nobody serves WebSockets here, and Node would leave the socket hanging.
      if (server.listenerCount('upgrade') === 1) socket.destroy();
    } catch (error) {
      const mapped = mapError(error);
      const status = mapped?.status ?? 403;
      const body = JSON.stringify({ ...(mapped?.body ?? { message: 'Refused.' }), request_id: requestIdFor(req) });
      socket.end(
        `HTTP/1.1 ${status} Refused\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}` +
          `\r\nConnection: close\r\n\r\n${body}`,
      );
      socket.destroy();
      ops.logger.warn({ url: req.url, err: error }, 'websocket upgrade refused');
    }
  });
}

/** Start-up lines: where it listens, and a warning when it is reachable from the network without a key. */
export function logStart(ops: Ops, config: ServerConfig, url: string): void {
  ops.logger.info({ url, host: config.host }, `Sightline listening on ${url} (editor at /, API docs at /docs)`);
  const exposed = !['127.0.0.1', 'localhost', '::1'].includes(config.host);
  if (exposed && !config.accessKey) {
    ops.logger.warn(
      `HOST=${config.host} exposes this server to the network with no access key: anyone who can reach it can run, ` +
        'save and delete workflows. Set SIGHTLINE_API_KEY (and ALLOW_ORIGINS / ALLOWED_HOSTS as needed).',
    );
  }
}

/** SIGTERM: readiness fails, the listener closes, requests in flight finish, pipelines and queues stop. */
export function gracefulShutdown(server: Server, ops: Ops, config: ServerConfig): Promise<void> {
  return ops.lifecycle.shutdown(server, {
    drainMs: config.shutdownDrainMs,
    timeoutMs: config.shutdownTimeoutMs,
    log: (msg, extra) => ops.logger.warn(extra ?? {}, msg),
  });
}
