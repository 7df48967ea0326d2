// Queue mode, API side of pipelines: initialise enqueues a pipeline job that one worker will own; status, consume
// and the commands go through Redis, so any API replica answers for any pipeline.
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { PipelineNotFoundError } from '../../video/errors.ts';
import type { InitialiseRequest } from '../../video/manager.ts';
import type { PipelineService, ConsumeResult } from '../../video/service.ts';
import {
  KEY_PREFIX,
  PIPELINES_SET,
  PIPELINE_QUEUE_NAME,
  apiConnection,
  connectOrFail,
  pipelineKeys,
  queueCall,
} from './connection.ts';
import type { PipelineJobData } from './pipeline-owner.ts';

export class RedisPipelines implements PipelineService {
  readonly mode = 'redis' as const;
  private constructor(
    private readonly redis: Redis,
    private readonly queue: Queue<PipelineJobData>,
  ) {}

  static async connect(url: string): Promise<RedisPipelines> {
    const redis = apiConnection(url);
    await connectOrFail(redis, url);
    const queue = new Queue<PipelineJobData>(PIPELINE_QUEUE_NAME, {
      connection: redis,
      prefix: KEY_PREFIX,
      skipWaitingForReady: true,
    });
    queue.on('error', () => {});
    return new RedisPipelines(redis, queue);
  }

  async list(): Promise<string[]> {
    return queueCall(async () => {
      const ids = await this.redis.smembers(PIPELINES_SET);
      const listed: string[] = [];
      for (const id of ids) {
        // A pipeline with neither a status nor a job left has expired (finished a day ago): forget it.
        if ((await this.redis.exists(pipelineKeys(id).status)) || (await this.queue.getJob(id))) listed.push(id);
        else await this.redis.srem(PIPELINES_SET, id);
      }
      return listed;
    });
  }

  async initialise(request: InitialiseRequest): Promise<string> {
    const id = randomUUID();
    const { id: _ignored, ...rest } = request;
    await queueCall(async () => {
      await this.redis.sadd(PIPELINES_SET, id);
      // Many attempts, no backoff: a worker shutting down hands the pipeline on by failing its attempt.
      await this.queue.add(
        'pipeline',
        { id, request: rest },
        { jobId: id, attempts: 1_000_000, removeOnComplete: true, removeOnFail: true },
      );
    });
    return id;
  }

  async #known(id: string): Promise<void> {
    if (!(await queueCall(() => this.redis.sismember(PIPELINES_SET, id))))
      throw new PipelineNotFoundError(`Could not find InferencePipeline with id=${id}.`);
  }

  async report(id: string): Promise<Record<string, unknown>> {
    await this.#known(id);
    const [status, owner] = await queueCall(() =>
      Promise.all([this.redis.get(pipelineKeys(id).status), this.redis.get(pipelineKeys(id).owner)]),
    );
    // No fresh status: queued, or between owners (the previous one died and its lock has not lapsed yet).
    const report = status ? (JSON.parse(status) as Record<string, unknown>) : { state: 'initialising' };
    return { ...report, owner };
  }

  async command(id: string, command: 'pause' | 'resume' | 'terminate'): Promise<void> {
    await this.#known(id);
    await queueCall(async () => {
      await this.redis.set(pipelineKeys(id).command, command, 'EX', 3600);
      if (command !== 'terminate') return;
      await this.redis.srem(PIPELINES_SET, id);
      // Not yet owned: nobody would read the command, so remove the job itself.
      await this.queue.remove(id).catch(() => 0);
    });
  }

  async consume(id: string, excluded: readonly string[]): Promise<ConsumeResult> {
    await this.#known(id);
    const raw = await queueCall(() => this.redis.lpop(pipelineKeys(id).results));
    if (!raw) return { outputs: [], frames_metadata: [] };
    const result = JSON.parse(raw) as ConsumeResult;
    if (excluded.length)
      result.outputs = result.outputs.map((o) =>
        o ? Object.fromEntries(Object.entries(o).filter(([k]) => !excluded.includes(k))) : o,
      );
    return result;
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => {});
    this.redis.disconnect();
  }
}
