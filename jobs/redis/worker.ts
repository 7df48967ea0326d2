// Queue mode, worker side: a BullMQ Worker that takes chunks and runs their inputs. A worker that dies mid-chunk
// loses its lock; BullMQ's stalled-job check hands the chunk to another worker, which skips the inputs already
// recorded (results are keyed by input index and written once), so every input appears exactly once.
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { runJobItem, type ItemRunner } from '../run-item.ts';
import { MAX_REPORTED_ERRORS, type JobItem, type JobPlan } from '../types.ts';
import { JOB_TTL_S, KEY_PREFIX, QUEUE_NAME, RECORD_RESULT_LUA, jobKeys, workerConnection } from './connection.ts';

export interface JobWorkerOptions {
  redisUrl: string;
  /** Chunks run at once by this worker. */
  concurrency: number;
  /** How long a chunk's lock lives without renewal; a dead worker's chunk moves on after about this long. */
  lockDurationMs: number;
  /** Reported in a job's status (`workers`), e.g. host:pid. */
  name: string;
}

interface ChunkData {
  jobId: string;
  start: number;
  items: JobItem[];
}

type RecordingRedis = Redis & {
  recordResult(...args: Array<string | number>): Promise<number>;
};

export class JobWorker {
  readonly #redis: RecordingRedis;
  readonly #worker: Worker<ChunkData>;
  readonly #plans = new Map<string, JobPlan>();
  readonly #name: string;

  constructor(
    private readonly runner: ItemRunner,
    options: JobWorkerOptions,
  ) {
    this.#name = options.name;
    this.#redis = workerConnection(options.redisUrl) as RecordingRedis;
    this.#redis.defineCommand('recordResult', { numberOfKeys: 3, lua: RECORD_RESULT_LUA });
    this.#worker = new Worker<ChunkData>(QUEUE_NAME, (job) => this.#runChunk(job), {
      connection: workerConnection(options.redisUrl),
      prefix: KEY_PREFIX,
      concurrency: Math.max(1, options.concurrency),
      lockDuration: options.lockDurationMs,
      stalledInterval: Math.max(500, Math.floor(options.lockDurationMs / 2)),
      maxStalledCount: 5,
    });
    this.#worker.on('error', (error) => console.error(`[sightline worker] ${error.message}`));
  }

  async #plan(jobId: string): Promise<JobPlan | undefined> {
    let plan = this.#plans.get(jobId);
    if (!plan) {
      const raw = await this.#redis.hget(jobKeys(jobId).meta, 'plan');
      if (!raw) return undefined;
      plan = { ...(JSON.parse(raw) as Omit<JobPlan, 'items'>), items: [] };
      if (this.#plans.size > 64) this.#plans.clear();
      this.#plans.set(jobId, plan);
    }
    return plan;
  }

  async #runChunk(job: Job<ChunkData>): Promise<void> {
    const { jobId, start, items } = job.data;
    const plan = await this.#plan(jobId);
    if (!plan) return; // expired or removed job
    const keys = jobKeys(jobId);
    await this.#redis.hsetnx(keys.meta, 'started_at', Date.now());
    await this.#redis.multi().sadd(keys.workers, this.#name).expire(keys.workers, JOB_TTL_S).exec();
    for (let k = 0; k < items.length; k++) {
      const index = start + k;
      if ((await this.#redis.hget(keys.meta, 'cancelled')) === '1') return;
      if (await this.#redis.hexists(keys.results, String(index))) continue;
      const result = await runJobItem(plan, index, items[k]!, this.runner);
      const error = result.error ? JSON.stringify({ index, ...result.error }) : '';
      await this.#redis.recordResult(
        keys.results,
        keys.meta,
        keys.errors,
        index,
        result.line,
        error,
        Date.now(),
        MAX_REPORTED_ERRORS,
        JOB_TTL_S,
      );
      await job.updateProgress(Math.round(((k + 1) / items.length) * 100));
    }
  }

  /** Resolves once the worker takes jobs. */
  waitUntilReady(): Promise<unknown> {
    return this.#worker.waitUntilReady();
  }

  /** Graceful: finishes the chunks in hand, takes no new ones. */
  async close(): Promise<void> {
    await this.#worker.close();
    this.#redis.disconnect();
  }
}
