// Bounded overload: 64 clients send a detection request at once and half of them hang up shortly after. The rest
// must be answered — 200, or 503 + Retry-After from the model's full queue, or 504 from the time limit — and none
// may wait past the time limit; aborted runs must not hold the server up afterwards (recovery is measured), and
// the server is ready again. Figures (p50/p99, recovery, peak RSS) are printed as test diagnostics.
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, TEST_MODEL_ID, type RunningServer } from '../helpers/server.ts';
import { needsShared, sharedImage } from '../helpers/shared.ts';

const CLIENTS = 64;
const TIME_LIMIT_MS = 6000;

let server: RunningServer;
let image = '';
before(async () => {
  if (needsShared) return;
  server = await startTestServer({
    config: { requestTimeoutMs: TIME_LIMIT_MS },
  });
  image = fs.readFileSync(sharedImage('bus.jpg')).toString('base64');
});
after(async () => {
  await server?.close();
});

function detect(signal?: AbortSignal): Promise<{ status: number; retryAfter: string | null; ms: number }> {
  const started = performance.now();
  return fetch(`${server.url}/infer/object_detection`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model_id: TEST_MODEL_ID, image: { type: 'base64', value: image } }),
    signal,
  }).then(async (response) => {
    await response.arrayBuffer();
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      ms: performance.now() - started,
    };
  });
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

test(
  '64 clients, half aborting: answered within the time limit, some 503, quick recovery',
  { skip: needsShared },
  async (t) => {
    // Warm the model so the burst measures serving, not loading.
    const warm = await detect();
    assert.equal(warm.status, 200);
    const idle = (await detect()).ms;

    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const burstStarted = performance.now();
    const answers = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        if (i % 2 === 1) {
          const controller = new AbortController();
          setTimeout(() => controller.abort(), 150);
          return detect(controller.signal).catch(() => null);
        }
        return detect();
      }),
    );
    const burstMs = performance.now() - burstStarted;
    clearInterval(sampler);

    const kept = answers.filter((a): a is NonNullable<typeof a> => a !== null && a !== undefined);
    const statuses = new Map<number, number>();
    for (const a of kept) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    const served = kept.filter((a) => a.status === 200).map((a) => a.ms);
    t.diagnostic(
      `clients ${CLIENTS} (${CLIENTS / 2} aborting at 150 ms); answered ${kept.length}: ` +
        `${JSON.stringify(Object.fromEntries(statuses))}; 200s p50 ${Math.round(percentile(served, 50))} ms ` +
        `p99 ${Math.round(percentile(served, 99))} ms; all answered p99 ` +
        `${Math.round(
          percentile(
            kept.map((a) => a.ms),
            99,
          ),
        )} ms; burst ${Math.round(burstMs)} ms; ` +
        `idle request ${Math.round(idle)} ms; peak RSS ${Math.round(peakRss / 2 ** 20)} MiB`,
    );
    t.diagnostic(JSON.stringify(kept.map((a) => [a.status, Math.round(a.ms)])));
    for (const status of statuses.keys()) assert.ok([200, 503, 504].includes(status), `unexpected status ${status}`);
    assert.ok((statuses.get(503) ?? 0) > 0, `no 503 under overload: ${JSON.stringify([...statuses])}`);
    for (const a of kept.filter((a) => a.status === 503)) assert.ok(a.retryAfter, '503 without Retry-After');
    const slowest = Math.max(...kept.map((a) => a.ms));
    assert.ok(slowest < TIME_LIMIT_MS + 1500, `a client waited ${Math.round(slowest)} ms, past the time limit`);

    // Recovery: time until a lone request is served about as fast as when idle and readiness is back.
    const recoveryStarted = performance.now();
    let recoveredMs = Infinity;
    while (performance.now() - recoveryStarted < 15_000) {
      const one = await detect();
      const ready = (await fetch(`${server.url}/readiness`)).status === 200;
      if (one.status === 200 && one.ms < Math.max(3 * idle, idle + 300) && ready) {
        recoveredMs = performance.now() - recoveryStarted;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(recoveredMs < 10_000, `not recovered after ${Math.round(recoveredMs)} ms`);

    t.diagnostic(`recovery ${(recoveredMs / 1000).toFixed(2)} s`);
  },
);
