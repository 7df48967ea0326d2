// Load generation shared by the benches: clients looping over a request, latency percentiles, mean times, and
// a JSON POST to a running server that fails loudly on anything but 200.
import type { RunningServer } from '../server/app.ts';

export interface Load {
  count: number;
  perSecond: number;
  latencies: number[];
}

/** `clients` loops calling fn until `seconds` pass. */
export async function load(clients: number, seconds: number, fn: () => Promise<unknown>): Promise<Load> {
  const latencies: number[] = [];
  let count = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await fn();
        latencies.push(performance.now() - t);
        count++;
      }
    }),
  );
  return { count, perSecond: count / ((performance.now() - started) / 1000), latencies };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Past each model's first lone runs, which the model workers time both ways (session-pool.ts). */
export async function warmUp(fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 12; i++) await fn();
}

export async function meanMs(iterations: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return (performance.now() - started) / iterations;
}

export function poster(server: RunningServer, route: string, body: Record<string, unknown>) {
  const text = JSON.stringify(body);
  return async () => {
    const res = await fetch(server.url + route, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text,
    });
    if (res.status !== 200) throw new Error(`${route} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
}
