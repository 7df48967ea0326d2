// `npm start`: the server with its editor on port 9001 (PORT to change).
import { startServer } from './app.ts';

const running = await startServer();
const log = running.ops.logger;

// A bug in one request must not take the server down: log it and keep serving.
process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
process.on('uncaughtException', (error) => log.error({ err: error }, 'uncaught exception'));

// SIGTERM/SIGINT: graceful (readiness fails, requests in flight finish, pipelines stop), then exit 0.
// A second signal exits at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down: finishing requests in flight');
    process.once(signal, () => process.exit(1));
    void running.shutdown().then(() => {
      log.info('shut down');
      process.exit(0);
    });
  });
}
