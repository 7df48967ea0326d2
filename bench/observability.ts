// (obs) Detection end to end over HTTP with metrics and request logging on ÷ off (goal ≤ 1.02): two real servers in
// this process, requests alternated between them so drift on a shared machine hits both; CPU time and wall medians.
// "On" writes a JSON log line per request to /dev/null through pino and records every metric; "off" has
// SIGHTLINE_METRICS=false and LOG_LEVEL=silent. Skips without ../shared (the model and photo).
import fs from 'node:fs';
import { startTestServer, TEST_MODEL_ID } from '../test/helpers/server.ts';
import { hasShared, sharedImage } from '../test/helpers/shared.ts';

interface BenchRow {
  name: string;
  value: number;
  unit: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function observabilityBench(ctx: { rows: BenchRow[]; ratios: BenchRow[]; iterations: number }) {
  if (!hasShared) {
    console.log('(obs) skipped: needs ../shared (yolov8n model and bus.jpg)');
    return;
  }
  const body = JSON.stringify({
    model_id: TEST_MODEL_ID,
    image: { type: 'base64', value: fs.readFileSync(sharedImage('bus.jpg')).toString('base64') },
  });
  const on = await startTestServer({ env: { LOG_LEVEL: 'info', LOG_FILE: '/dev/null', SIGHTLINE_METRICS: 'true' } });
  const off = await startTestServer({ env: { LOG_LEVEL: 'silent', SIGHTLINE_METRICS: 'false' } });
  try {
    // Wall time, and CPU time of this process (servers, onnxruntime threads and the client alike): CPU time does not
    // grow when other processes take the cores, so its ratio holds on a shared machine where wall time does not.
    const measure = async (fn: () => Promise<void>): Promise<{ ms: number; cpuUs: number }> => {
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      await fn();
      const used = process.cpuUsage(cpuStart);
      return { ms: performance.now() - started, cpuUs: used.user + used.system };
    };
    const detect = (url: string) =>
      measure(async () => {
        const res = await fetch(`${url}/infer/object_detection`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`detection answered ${res.status}`);
      });
    for (let i = 0; i < 3; i++) await Promise.all([detect(on.url), detect(off.url)]);
    const runs = { on: [] as Array<{ ms: number; cpuUs: number }>, off: [] as Array<{ ms: number; cpuUs: number }> };
    const pairs = Math.max(10, ctx.iterations * 3);
    for (let i = 0; i < pairs; i++) {
      // Alternate which goes first so neither always follows the other's garbage.
      for (const which of i % 2 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        runs[which].push(await detect(which === 'on' ? on.url : off.url));
      }
    }
    // The same two servers on a route that does almost nothing (GET /info): what metrics + logging add to any request.
    const infoCpuUs = async (url: string) =>
      (
        await measure(async () => {
          for (let i = 0; i < 50; i++) await (await fetch(`${url}/info`)).arrayBuffer();
        })
      ).cpuUs / 50;
    const info = { on: [] as number[], off: [] as number[] };
    for (let i = 0; i < 20; i++) {
      info.off.push(await infoCpuUs(off.url));
      info.on.push(await infoCpuUs(on.url));
    }
    const addedUs = median(info.on) - median(info.off);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const cpuOn = sum(runs.on.map((r) => r.cpuUs));
    const cpuOff = sum(runs.off.map((r) => r.cpuUs));
    const wallOn = median(runs.on.map((r) => r.ms));
    const wallOff = median(runs.off.map((r) => r.ms));
    ctx.rows.push({ name: 'detection end to end, metrics + logs on (median wall)', value: wallOn, unit: 'ms' });
    ctx.rows.push({ name: 'detection end to end, metrics + logs off (median wall)', value: wallOff, unit: 'ms' });
    ctx.rows.push({
      name: 'detection end to end, off: CPU per request',
      value: cpuOff / runs.off.length / 1000,
      unit: 'ms',
    });
    ctx.rows.push({ name: 'GET /info: CPU added per request by metrics + logs', value: addedUs, unit: 'µs' });
    ctx.ratios.push({
      name: '(obs) detection: CPU time, metrics+logging on ÷ off (goal ≤ 1.02)',
      value: cpuOn / cpuOff,
      unit: 'x',
    });
    ctx.ratios.push({
      name: '(obs) detection: wall time (median), on ÷ off (noisy when shared)',
      value: wallOn / wallOff,
      unit: 'x',
    });
  } finally {
    await on.close();
    await off.close();
  }
}

// `npx tsx bench/observability.ts` runs this part alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const rows: BenchRow[] = [];
  const ratios: BenchRow[] = [];
  await observabilityBench({ rows, ratios, iterations: Number(process.env.BENCH_ITERATIONS ?? 20) });
  for (const r of [...rows, ...ratios]) console.log(`${r.name}: ${r.value.toFixed(3)} ${r.unit}`);
  process.exit(0);
}
