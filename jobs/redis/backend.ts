// Queue mode, API side: a job is a Redis hash (its plan and counters) plus BullMQ chunk jobs holding the inputs;
// any number of workers (server/worker.ts) take the chunks. Results live in a Redis hash keyed by input index.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_TTL_S, QUEUE_NAME, KEY_PREFIX, apiConnection, connectOrFail, jobKeys, queueCall } from './connection.ts';
import type { JobBackend, JobInputError, JobPlan, JobProgress } from '../types.ts';

const RESULTS_READ_BATCH = 256;

export class RedisJobBackend implements JobBackend {
  readonly mode = 'redis' as const;
  private constructor(
    private readonly redis: Redis,
    private readonly queue: Queue,
  ) {}

  static async connect(url: string): Promise<RedisJobBackend> {
    const redis = apiConnection(url);
    await connectOrFail(redis, url);
    const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: KEY_PREFIX, skipWaitingForReady: true });
    queue.on('error', () => {}); // connection errors surface per call as 503s
    return new RedisJobBackend(redis, queue);
  }

  async submit(plan: JobPlan): Promise<void> {
    const { items, ...rest } = plan;
    const keys = jobKeys(plan.id);
    await queueCall(async () => {
      await this.redis
        .multi()
        .hset(keys.meta, { plan: JSON.stringify(rest), total: items.length, failed: 0, created_at: plan.createdAt })
        .expire(keys.meta, JOB_TTL_S)
        .exec();
      const chunks = [];
      for (let start = 0, n = 0; start < items.length; start += plan.chunkSize, n++) {
        const chunkItems = items.slice(start, start + plan.chunkSize);
        chunks.push({
          name: 'chunk',
          data: { jobId: plan.id, start, items: chunkItems },
          // Deterministic ids: a chunk can be found (and removed on cancel) without listing the queue.
          opts: { jobId: `${plan.id}-${n}`, removeOnComplete: true, removeOnFail: 1000, attempts: 3 },
        });
      }
      if (chunks.length) await this.queue.addBulk(chunks);
    });
  }

  async progress(id: string): Promise<JobProgress | undefined> {
    const keys = jobKeys(id);
    return queueCall(async () => {
      const [meta, done, errors, workers] = await Promise.all([
        this.redis.hgetall(keys.meta),
        this.redis.hlen(keys.results),
        this.redis.lrange(keys.errors, 0, -1),
        this.redis.smembers(keys.workers),
      ]);
      if (!meta.total) return undefined;
      const num = (v: string | undefined) => (v === undefined ? null : Number(v));
      return {
        total: Number(meta.total),
        done,
        failed: Number(meta.failed ?? 0),
        createdAt: Number(meta.created_at),
        startedAt: num(meta.started_at),
        finishedAt: num(meta.finished_at),
        cancelled: meta.cancelled === '1' && done < Number(meta.total),
        errors: errors.map((e) => JSON.parse(e) as JobInputError),
        workers: workers.sort(),
      };
    });
  }

  async *results(id: string, from: number): AsyncIterable<string> {
    const keys = jobKeys(id);
    const total = Number(await queueCall(() => this.redis.hget(keys.meta, 'total')));
    for (let start = from; start < total; start += RESULTS_READ_BATCH) {
      const fields: string[] = [];
      for (let i = start; i < Math.min(total, start + RESULTS_READ_BATCH); i++) fields.push(String(i));
      const lines = await queueCall(() => this.redis.hmget(keys.results, ...fields));
      for (const line of lines) {
        if (line === null) return;
        yield line;
      }
    }
  }

  async cancel(id: string): Promise<boolean> {
    const keys = jobKeys(id);
    return queueCall(async () => {
      const total = await this.redis.hget(keys.meta, 'total');
      if (total === null) return false;
      await this.redis.hset(keys.meta, 'cancelled', '1');
      const plan = JSON.parse((await this.redis.hget(keys.meta, 'plan')) ?? '{}') as { chunkSize?: number };
      const chunks = Math.ceil(Number(total) / (plan.chunkSize ?? 1));
      // Waiting chunks go now; a running one stops at its next input (workers read the flag).
      for (let n = 0; n < chunks; n++) await this.queue.remove(`${id}-${n}`).catch(() => 0);
      return true;
    });
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => {});
    this.redis.disconnect();
  }
}
