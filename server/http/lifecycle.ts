// Graceful shutdown: readiness fails first (a load balancer stops sending), then after SHUTDOWN_DRAIN_MS the listener
// closes, in-flight requests finish (up to SHUTDOWN_TIMEOUT_MS, then their connections are cut), and the hooks
// registered by long-lived parts (video pipelines, job runners, WebSocket channels) run before the process exits.
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** /readiness while the server is shutting down (a row of server/error-map.ts: 503). */
export class ServerShuttingDownError extends Error {
  constructor() {
    super('The server is shutting down: it finishes the requests in flight and accepts no new work.');
    this.name = 'ServerShuttingDownError';
  }
}

export class Lifecycle {
  #shuttingDown = false;
  #done: Promise<void> | undefined;

  /** `hooks`: what to stop once the listener is closed (AppDeps.shutdownHooks: pipelines, job queues...). */
  constructor(private readonly hooks: Array<() => Promise<void>>) {}

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Runs once; later calls return the same promise. */
  shutdown(
    server: Server,
    options: { drainMs: number; timeoutMs: number; log?: (msg: string, extra?: object) => void },
  ): Promise<void> {
    this.#done ??= this.#shutdown(server, options);
    return this.#done;
  }

  async #shutdown(
    server: Server,
    { drainMs, timeoutMs, log }: { drainMs: number; timeoutMs: number; log?: (msg: string, extra?: object) => void },
  ): Promise<void> {
    this.#shuttingDown = true;
    if (drainMs > 0) await sleep(drainMs);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections with no request in flight would hold close() open.
    server.closeIdleConnections?.();
    const timer = setTimeout(() => {
      log?.('shutdown timeout: closing connections with requests still in flight', { timeout_ms: timeoutMs });
      server.closeAllConnections?.();
    }, timeoutMs);
    // A connection that finished its request during shutdown is idle again: close those as they appear.
    const sweep = setInterval(() => server.closeIdleConnections?.(), 100);
    // Pipelines and WebSocket channels stop meanwhile (an upgraded socket would otherwise hold close() open).
    const hooks = Promise.all(
      [...this.hooks].reverse().map(async (hook) => {
        try {
          await hook();
        } catch (error) {
          log?.(`shutdown hook failed: ${(error as Error).message}`);
        }
      }),
    );
    const giveUp = sleep(timeoutMs + 1000, 'gave-up', { ref: false });
    try {
      if ((await Promise.race([Promise.all([closed, hooks]), giveUp])) === 'gave-up') {
        log?.('shutdown: connections still open after the timeout; exiting anyway');
      }
    } finally {
      clearTimeout(timer);
      clearInterval(sweep);
    }
  }
}
