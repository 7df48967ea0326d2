// (obs) Detection end to end over HTTP with metrics and request logging on ÷ off (goal ≤ 1.02): two real servers in
// this process, requests alternated between them so drift on a shared machine hits both; medians compared.
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
    const once = async (url: string): Promise<number> => {
      const started = performance.now();
      const res = await fetch(`${url}/infer/object_detection`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`detection answered ${res.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 3; i++) await Promise.all([once(on.url), once(off.url)]);
    const onMs: number[] = [];
    const offMs: number[] = [];
    const pairs = Math.max(10, ctx.iterations * 3);
    for (let i = 0; i < pairs; i++) {
      // Alternate which goes first so neither always follows the other's garbage.
      if (i % 2) {
        onMs.push(await once(on.url));
        offMs.push(await once(off.url));
      } else {
        offMs.push(await once(off.url));
        onMs.push(await once(on.url));
      }
    }
    const onMedian = median(onMs);
    const offMedian = median(offMs);
    ctx.rows.push({ name: 'detection end to end, metrics + logs on (median)', value: onMedian, unit: 'ms' });
    ctx.rows.push({ name: 'detection end to end, metrics + logs off (median)', value: offMedian, unit: 'ms' });
    ctx.ratios.push({
      name: '(obs) detection: metrics+logging on ÷ off (goal ≤ 1.02)',
      value: onMedian / offMedian,
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
