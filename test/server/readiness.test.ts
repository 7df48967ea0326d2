// /readiness says whether work can start here, not just that the process is up: it fails while the event loop
// lags, while the libuv thread pool (where image decodes run) is stuck, and recovers by itself afterwards.
// /healthz stays a liveness check.
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { get } from './http.ts';

let server: RunningServer;
before(async () => {
  server = await startTestServer({ config: { readinessMaxEventLoopDelayMs: 400 } });
});
after(async () => {
  await server?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readyAgain(deadlineMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < deadlineMs) {
    if ((await get(server, '/readiness')).status === 200) return performance.now() - started;
    await sleep(100);
  }
  throw new Error(`still not ready after ${deadlineMs} ms`);
}

test('ready when idle', async () => {
  await sleep(1200);
  const answer = await get(server, '/readiness');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
});

test('a blocked event loop makes readiness fail, then it recovers', async () => {
  // The server runs in this process: blocking here blocks it.
  const until = performance.now() + 1200;
  while (performance.now() < until);
  await sleep(50);
  const answer = await get(server, '/readiness');
  assert.equal(answer.status, 503, JSON.stringify(answer.body));
  assert.match(answer.body.message, /event loop delayed \d+ ms \(limit 400 ms\)/);
  assert.equal(answer.body.status, 'not ready');
  assert.equal((await get(server, '/healthz')).status, 200);
  await readyAgain(3000);
});

test('a stuck worker thread pool (where decodes run) makes readiness fail', async () => {
  // Occupy every libuv worker with long key derivations, as four stalled decodes would.
  const size = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const busy = Array.from(
    { length: size },
    () => new Promise((resolve) => crypto.pbkdf2('x', 'y', 2_000_000, 32, 'sha256', resolve)),
  );
  let done = false;
  void Promise.all(busy).then(() => (done = true));
  let answer = await get(server, '/readiness');
  while (answer.status === 200 && !done) {
    await sleep(100);
    answer = await get(server, '/readiness');
  }
  assert.equal(answer.status, 503, JSON.stringify(answer.body));
  assert.match(answer.body.message, /worker thread pool busy/);
  await Promise.all(busy);
  await readyAgain(3000);
});
