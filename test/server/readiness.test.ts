// /readiness says whether work can start here, not just that the process is up: it fails while the event loop
// lags, while the libuv thread pool (where image decodes run) is stuck, and recovers by itself afterwards.
// /healthz stays a liveness check.
import crypto from 'node:crypto';
import os from 'node:os';
import sharp from 'sharp';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { get, post } from './http.ts';

let server: RunningServer;
before(async () => {
  server = await startTestServer({
    config: { readinessMaxEventLoopDelayMs: 400, decodePixelBudget: 30_000_000, readinessMaxQueued: 2 },
  });
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
  // Occupy every libuv worker with long key derivations, as stalled decodes would, with two more rounds queued
  // behind them: the pool's queue is first in, first out, so a probe queued meanwhile waits for the backlog, not
  // just for the first task to end. Each task is sized to ~1 s here; a fixed count, or one round timed from a
  // sample, sometimes ended before the monitor's 1 s probe window plus the 400 ms limit on a loaded machine.
  const size = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const sample = 100_000;
  const sampleStarted = performance.now();
  await new Promise((resolve) => crypto.pbkdf2('x', 'y', sample, 32, 'sha256', resolve));
  const perIterationMs = Math.max(1e-6, (performance.now() - sampleStarted) / sample);
  const share = Math.min(1, os.availableParallelism() / size);
  const iterations = Math.ceil((1000 / perIterationMs) * share);
  const busy = Array.from(
    { length: size * 3 },
    () => new Promise((resolve) => crypto.pbkdf2('x', 'y', iterations, 32, 'sha256', resolve)),
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

test('decodes queued for the pixel budget past the limit make readiness fail', async () => {
  const big = await sharp({ create: { width: 5000, height: 5000, channels: 3, background: '#000' } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  const body = {
    specification: {
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [],
      outputs: [{ type: 'JsonField', name: 'image', selector: '$inputs.image' }],
    },
    inputs: { image: { type: 'base64', value: big.toString('base64') } },
  };
  let done = false;
  const runs = Promise.all([1, 2, 3, 4, 5].map(() => post(server, '/workflows/run', body))).finally(
    () => (done = true),
  );
  let answer = await get(server, '/readiness');
  while (answer.status === 200 && !done) {
    await sleep(20);
    answer = await get(server, '/readiness');
  }
  assert.equal(answer.status, 503, JSON.stringify(answer.body));
  assert.match(answer.body.message, /image decodes: \d+ waiting \(limit 2\)/);
  for (const run of await runs) assert.equal(run.status, 200);
  await readyAgain(3000);
});
