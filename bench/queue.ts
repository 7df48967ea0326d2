// Queue mode throughput: a 200-image job run in-process, by 1 worker and by 2 workers (each its own process, all
// on this machine), timed from submission to the last result. Needs redis-server; skipped with a message otherwise.
import { startTestServer } from '../test/helpers/server.ts';
import { TestRedis, hasRedis, NO_REDIS } from '../test/helpers/redis.ts';
import { startWorker, stopWorker, type TestWorker } from '../test/helpers/worker.ts';
import { BLUR_WORKFLOW, imageInputs, waitForJob } from '../test/jobs/workflow-fixtures.ts';

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
}

const IMAGES = Number(process.env.BENCH_QUEUE_IMAGES ?? 200);

async function timeJob(url: string, inputs: unknown[]): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ specification: BLUR_WORKFLOW, inputs, chunk_size: 8 }),
  });
  const { job_id: jobId } = (await response.json()) as { job_id: string };
  const status = await waitForJob(url, jobId, undefined, 600_000);
  if (status.done !== inputs.length || status.failed) throw new Error(`job ended ${JSON.stringify(status)}`);
  return (performance.now() - started) / 1000;
}

export async function queueBench(): Promise<{ rows: BenchRow[]; ratios: BenchRow[] }> {
  if (!hasRedis) {
    console.log(`(queue) skipped: ${NO_REDIS}`);
    return { rows: [], ratios: [] };
  }
  const inputs = await imageInputs(IMAGES, 320);
  const rows: BenchRow[] = [];
  const local = await startTestServer();
  let localS: number;
  try {
    await timeJob(local.url, inputs.slice(0, 16)); // warm-up
    localS = await timeJob(local.url, inputs);
  } finally {
    await local.close();
  }
  const redis = await TestRedis.start();
  const server = await startTestServer({ env: { REDIS_URL: redis.url } });
  const env = { REDIS_URL: redis.url, SIGHTLINE_DATA_DIR: server.config.dataDir };
  const workers: TestWorker[] = [];
  try {
    workers.push(await startWorker(env));
    await timeJob(server.url, inputs.slice(0, 16));
    const oneS = await timeJob(server.url, inputs);
    workers.push(await startWorker(env));
    await timeJob(server.url, inputs.slice(0, 16));
    const twoS = await timeJob(server.url, inputs);
    rows.push({ name: `${IMAGES}-image job, in-process`, value: IMAGES / localS, unit: 'img/s' });
    rows.push({ name: `${IMAGES}-image job, 1 worker`, value: IMAGES / oneS, unit: 'img/s' });
    rows.push({ name: `${IMAGES}-image job, 2 workers`, value: IMAGES / twoS, unit: 'img/s' });
    rows.push({
      name: 'queue overhead per image (1 worker − in-process)',
      value: ((oneS - localS) / IMAGES) * 1000,
      unit: 'ms',
    });
    return {
      rows,
      ratios: [
        { name: '(q) 2 workers ÷ 1 worker, images/s', value: oneS / twoS, unit: 'x' },
        { name: '(q) 1 worker ÷ in-process, images/s', value: localS / oneS, unit: 'x' },
      ],
    };
  } finally {
    await Promise.all(workers.map((w) => stopWorker(w, 'SIGKILL')));
    await server.close();
    await redis.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows, ratios } = await queueBench();
  for (const r of [...rows, ...ratios])
    console.log(`  ${r.name.padEnd(52)} ${r.value.toFixed(2).padStart(9)} ${r.unit}`);
}
