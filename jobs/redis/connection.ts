// Redis connections for queue mode (ioredis, as BullMQ uses). The API side fails fast while Redis is away (its
// queue routes answer 503); workers wait and retry forever, so a Redis restart only pauses them.
import { Redis } from 'ioredis';
import { QueueUnavailableError } from '../errors.ts';

export const QUEUE_NAME = 'sightline-jobs';
export const KEY_PREFIX = 'sightline';

/** Redis URLs can hold a password: show only scheme, host and port. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}`;
  } catch {
    return 'the configured REDIS_URL';
  }
}

/** ioredis reports every failed reconnect as an 'error' event; callers see failures per call instead. */
function quiet(redis: Redis): Redis {
  redis.on('error', () => {});
  return redis;
}

export function apiConnection(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 3000,
    // Keep trying in the background so the API recovers by itself once Redis is back.
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: true,
  });
  return quiet(redis);
}

export function workerConnection(url: string): Redis {
  return quiet(new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(times * 200, 2000) }));
}

/** Connect and ping once, turning a refusal into one clear sentence (start-up must not hang on a dead Redis). */
export async function connectOrFail(redis: Redis, url: string): Promise<void> {
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref()),
    ]);
  } catch (error) {
    redis.disconnect();
    throw new QueueUnavailableError(
      `Queue mode: cannot reach Redis at ${describeRedisUrl(url)} (${(error as Error).message}). ` +
        'Start redis-server or unset REDIS_URL to run jobs in-process.',
    );
  }
}

/** Run a Redis call for an API route; connection failures become QueueUnavailableError (503 + Retry-After). */
export async function queueCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof QueueUnavailableError) throw error;
    const message = (error as Error).message ?? '';
    if (
      /enableOfflineQueue|Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable|max retries|ETIMEDOUT/i.test(
        message,
      )
    )
      throw new QueueUnavailableError('The job queue (Redis) is unreachable right now; retry shortly.');
    throw error;
  }
}

export const jobKeys = (id: string) => ({
  meta: `${KEY_PREFIX}:job:${id}`,
  results: `${KEY_PREFIX}:job:${id}:results`,
  errors: `${KEY_PREFIX}:job:${id}:errors`,
  workers: `${KEY_PREFIX}:job:${id}:workers`,
});

export const PIPELINE_QUEUE_NAME = 'sightline-pipelines';

export const pipelineKeys = (id: string) => ({
  /** Latest status report (JSON), refreshed by the owning worker. */
  status: `${KEY_PREFIX}:pipeline:${id}:status`,
  /** Serialized results waiting for consume (a bounded list, oldest first). */
  results: `${KEY_PREFIX}:pipeline:${id}:results`,
  /** Last frame id handed to Redis per source: where a new owner resumes a file. */
  progress: `${KEY_PREFIX}:pipeline:${id}:progress`,
  /** pause / resume / terminate, taken by the owner. */
  command: `${KEY_PREFIX}:pipeline:${id}:command`,
  /** The owner's name, for status. */
  owner: `${KEY_PREFIX}:pipeline:${id}:owner`,
});
export const PIPELINES_SET = `${KEY_PREFIX}:pipelines`;

/** Jobs and their results expire a week after submission. */
export const JOB_TTL_S = 7 * 24 * 3600;

/**
 * Record one input's result exactly once: HSETNX makes a re-run of a stalled chunk a no-op for inputs already
 * done, and the counters move only when the line is new. Returns 1 when the line was new.
 * KEYS: results, meta, errors. ARGV: index, line, error JSON or '', now (ms), max errors kept, TTL (s).
 */
export const RECORD_RESULT_LUA = `
local added = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
if added == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[6])
  if ARGV[3] ~= '' then
    redis.call('HINCRBY', KEYS[2], 'failed', 1)
    if redis.call('LLEN', KEYS[3]) < tonumber(ARGV[5]) then
      redis.call('RPUSH', KEYS[3], ARGV[3])
      redis.call('EXPIRE', KEYS[3], ARGV[6])
    end
  end
  if redis.call('HLEN', KEYS[1]) >= tonumber(redis.call('HGET', KEYS[2], 'total')) then
    redis.call('HSETNX', KEYS[2], 'finished_at', ARGV[4])
  end
end
return added`;
