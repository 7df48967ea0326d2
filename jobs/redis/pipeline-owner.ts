// Queue mode, worker side of pipelines: each pipeline is a long-running BullMQ job, so exactly one worker holds it
// (its lock). The owner runs it with the local PipelineManager, moves every result into a bounded Redis list for
// consume on any API replica, records the last frame handed over per source, publishes the status and obeys
// commands. If the owner dies, its lock lapses and another worker takes the job: files resume after the last
// frame handed over, live streams from now, under the same pipeline id.
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PipelineManager, InitialiseRequest } from '../../video/manager.ts';
import type { Pipeline } from '../../video/pipeline.ts';
import { KEY_PREFIX, PIPELINE_QUEUE_NAME, pipelineKeys, workerConnection } from './connection.ts';

export interface PipelineJobData {
  id: string;
  request: Omit<InitialiseRequest, 'id'>;
}

const TICK_MS = 100;
const STATUS_EVERY_MS = 500;
/** A status not refreshed for this long means no worker holds the pipeline right now. */
export const STATUS_TTL_S = 5;
const FINAL_STATUS_TTL_S = 24 * 3600;

/** Thrown out of a processor to hand the pipeline to another worker (shutdown), not to end it. */
class HandOver extends Error {}

export class PipelineOwner {
  readonly #redis: Redis;
  readonly #worker: Worker<PipelineJobData>;
  #closing = false;

  constructor(
    private readonly manager: PipelineManager,
    options: { redisUrl: string; concurrency: number; lockDurationMs: number; name: string },
  ) {
    this.#redis = workerConnection(options.redisUrl);
    this.#worker = new Worker<PipelineJobData>(PIPELINE_QUEUE_NAME, (job) => this.#own(job, options.name), {
      connection: workerConnection(options.redisUrl),
      prefix: KEY_PREFIX,
      concurrency: Math.max(1, options.concurrency),
      lockDuration: options.lockDurationMs,
      stalledInterval: Math.max(500, Math.floor(options.lockDurationMs / 2)),
      maxStalledCount: 1000,
    });
    this.#worker.on('error', (error) => console.error(`[sightline worker] pipelines: ${error.message}`));
  }

  async #own(job: Job<PipelineJobData>, name: string): Promise<void> {
    const { id, request } = job.data;
    const keys = pipelineKeys(id);
    if ((await this.#redis.get(keys.command)) === 'terminate') return this.#finish(id, null, 'terminated');
    const progress = await this.#redis.hgetall(keys.progress);
    const sources = Array.isArray(request.videoReference) ? request.videoReference.length : 1;
    const startFrames = Array.from({ length: sources }, (_, i) => Number(progress[`source_${i}`] ?? 0));
    await this.#redis.set(keys.owner, name);
    let pipeline: Pipeline;
    try {
      pipeline = await this.manager.initialise({ ...request, id, settings: { ...request.settings, startFrames } });
    } catch (error) {
      // The API checked the request; a source that vanished since is this pipeline's failure, not a retry.
      return this.#finish(id, null, 'failed', (error as Error).message);
    }
    let lastStatus = 0;
    try {
      for (;;) {
        await this.#drain(pipeline, keys);
        const command = await this.#redis.getdel(keys.command);
        if (command === 'terminate') break;
        if (command === 'pause' && pipeline.state === 'running') pipeline.pause();
        if (command === 'resume' && pipeline.state === 'paused') pipeline.resume();
        // Checked before publishing: an 'ended' status must not reach consumers before the last results do (it
        // is published by #finish after the final drain).
        if (pipeline.finished) break;
        if (Date.now() - lastStatus >= STATUS_EVERY_MS) {
          await this.#publish(pipeline, STATUS_TTL_S);
          lastStatus = Date.now();
        }
        if (this.#closing) throw new HandOver(`worker ${name} is shutting down`);
        await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      }
      await this.#drain(pipeline, keys);
      await this.#finish(
        id,
        pipeline,
        pipeline.state === 'running' || pipeline.state === 'paused' ? 'terminated' : null,
      );
    } finally {
      await this.manager.terminate(id).catch(() => {});
    }
  }

  /** Move every buffered result to Redis; the list keeps the newest `resultsBufferSize`, as consume's buffer. */
  async #drain(pipeline: Pipeline, keys: ReturnType<typeof pipelineKeys>): Promise<void> {
    const limit = pipeline.settings.resultsBufferSize;
    while (pipeline.bufferedResults > 0) {
      const result = await pipeline.consume();
      const done: Record<string, number> = {};
      result.frames_metadata.forEach((f, i) => {
        if (f) done[`source_${i}`] = f.frame_id;
      });
      const multi = this.#redis.multi().rpush(keys.results, JSON.stringify(result)).ltrim(keys.results, -limit, -1);
      if (Object.keys(done).length) multi.hset(keys.progress, done);
      await multi.exec();
    }
  }

  async #publish(pipeline: Pipeline, ttlS: number, state?: string): Promise<void> {
    const report = { ...pipeline.report(), ...(state ? { state } : {}) };
    await this.#redis.set(pipelineKeys(pipeline.id).status, JSON.stringify(report), 'EX', ttlS);
  }

  async #finish(id: string, pipeline: Pipeline | null, state: string | null, error?: string): Promise<void> {
    const keys = pipelineKeys(id);
    if (pipeline) await this.#publish(pipeline, FINAL_STATUS_TTL_S, state ?? undefined);
    else
      await this.#redis.set(
        keys.status,
        JSON.stringify({ state, last_error: error ?? null }),
        'EX',
        FINAL_STATUS_TTL_S,
      );
    await this.#redis.multi().del(keys.command).expire(keys.results, FINAL_STATUS_TTL_S).exec();
  }

  /** Shutdown: pipelines held here go back to the queue for another worker (files resume where they were). */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#worker.close();
    this.#redis.disconnect();
  }
}
