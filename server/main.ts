// `npm start`: the server with its editor on port 9001 (PORT to change).
import { startServer } from './app.ts';

// A bug in one request must not take the server down: log it and keep serving.
process.on('unhandledRejection', (reason) => console.error('[sightline] unhandled rejection:', reason));
process.on('uncaughtException', (error) => console.error('[sightline] uncaught exception:', error));

const running = await startServer();
console.log(`Sightline listening on ${running.url.replace('127.0.0.1', 'localhost')} (editor at /)`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void running.close().then(() => process.exit(0));
  });
}
