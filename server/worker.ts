// `npm run worker`: a queue-mode worker (REDIS_URL must be set). Any number of them, on any machine that sees the
// same Redis, model cache and data directory, take job chunks; SIGTERM/SIGINT finish the chunk in hand, then exit.
import os from 'node:os';
import { createDeps } from './app.ts';
import { jobItemRunner } from './routes/jobs.ts';
import { JobWorker } from '../jobs/redis/worker.ts';
import { PipelineOwner } from '../jobs/redis/pipeline-owner.ts';
import { apiConnection, connectOrFail, describeRedisUrl } from '../jobs/redis/connection.ts';

const deps = createDeps();
const { redisUrl, workerConcurrency, jobLockMs, workerPipelines } = deps.config;
if (!redisUrl) {
  console.error('[sightline worker] REDIS_URL is not set: a worker takes jobs from Redis (see README, "Queue mode").');
  process.exit(2);
}
try {
  const probe = apiConnection(redisUrl);
  await connectOrFail(probe, redisUrl);
  probe.disconnect();
} catch (error) {
  console.error(`[sightline worker] ${(error as Error).message}`);
  process.exit(1);
}

const worker = new JobWorker(jobItemRunner(deps), {
  redisUrl,
  concurrency: workerConcurrency,
  lockDurationMs: jobLockMs,
  name: `${os.hostname()}:${process.pid}`,
});
// Pipelines are long-running jobs of their own queue; 0 makes a worker that only runs job chunks.
const pipelines =
  workerPipelines > 0
    ? new PipelineOwner(deps.pipelines, {
        redisUrl,
        concurrency: workerPipelines,
        lockDurationMs: jobLockMs,
        name: `${os.hostname()}:${process.pid}`,
      })
    : undefined;
await worker.waitUntilReady();
console.log(
  `[sightline worker] ${os.hostname()}:${process.pid} taking jobs from ${describeRedisUrl(redisUrl)} ` +
    `(concurrency ${workerConcurrency})`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`[sightline worker] ${signal}: finishing the chunk in hand`);
    void Promise.all([worker.close(), pipelines?.close()])
      .then(() => deps.pipelines.close())
      .then(() => process.exit(0));
  });
}
