// Queue mode on a real redis-server with real worker processes (npm run worker's entry point): chunks spread over
// workers, a worker killed with -9 loses nothing, Redis lost mid-job pauses queue routes (503) but not in-process
// ones, and jobs continue when Redis is back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { TestRedis, hasRedis, NO_REDIS } from '../helpers/redis.ts';
import { startWorker, stopWorker, type TestWorker } from '../helpers/worker.ts';
import { BLUR_WORKFLOW, colourPng, imageInputs, resultLines, waitForJob } from './workflow-fixtures.ts';

describe('queue mode (Redis + workers)', { skip: hasRedis ? false : NO_REDIS }, () => {
  let redis: TestRedis;
  let server: RunningServer;
  let workerEnv: Record<string, string>;
  const workers: TestWorker[] = [];

  before(async () => {
    redis = await TestRedis.start();
    server = await startTestServer({ env: { REDIS_URL: redis.url } });
    workerEnv = {
      REDIS_URL: redis.url,
      SIGHTLINE_DATA_DIR: server.config.dataDir,
      MODEL_CACHE_DIR: server.config.modelCacheDir,
      SIGHTLINE_JOB_LOCK_MS: '1500',
    };
    workers.push(...(await Promise.all([startWorker(workerEnv), startWorker(workerEnv)])));
  });

  after(async () => {
    await Promise.all(workers.map((w) => stopWorker(w, 'SIGKILL')));
    await server?.close();
    await redis?.stop();
  });

  async function submit(body: unknown): Promise<string> {
    const response = await fetch(`${server.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { job_id: string; mode: string };
    assert.equal(response.status, 202, JSON.stringify(answer));
    assert.equal(answer.mode, 'redis');
    return answer.job_id;
  }

  test('a 40-image job is split across both workers; results complete and in input order', async () => {
    const inputs = await imageInputs(40, 128);
    const jobId = await submit({ specification: BLUR_WORKFLOW, inputs, chunk_size: 2 });
    const status = await waitForJob(server.url, jobId);
    assert.equal(status.status, 'completed');
    assert.equal(status.done, 40);
    assert.equal(status.failed, 0);
    assert.equal(status.workers.length, 2, `both workers took chunks: ${JSON.stringify(status.workers)}`);
    const lines = await resultLines(server.url, jobId);
    assert.deepEqual(
      lines.map((l) => l.index),
      [...Array(40).keys()],
    );
    assert.deepEqual(
      lines.map((l) => l.outputs[0].label),
      inputs.map((i) => i.label),
    );
    const file = await fetch(`${server.url}${lines[39]!.outputs[0].blurred.url}`);
    assert.equal(file.status, 200, 'image outputs written by a worker are served by the API');
  });

  test('kill -9 of a worker mid-job: the other finishes it, every input exactly once', async () => {
    const inputs = await imageInputs(48, 512);
    const jobId = await submit({ specification: BLUR_WORKFLOW, inputs, chunk_size: 4 });
    await waitForJob(server.url, jobId, (s) => s.done >= 4);
    const victim = workers.shift()!;
    await stopWorker(victim, 'SIGKILL');
    const status = await waitForJob(server.url, jobId, undefined, 90_000);
    assert.equal(status.status, 'completed');
    assert.equal(status.done, 48);
    const lines = await resultLines(server.url, jobId);
    assert.equal(lines.length, 48);
    assert.deepEqual(
      lines.map((l) => l.index),
      [...Array(48).keys()],
      'each input once, in order',
    );
    assert.ok(
      lines.every((l) => l.outputs),
      'no input failed',
    );
    workers.push(await startWorker(workerEnv));
  });

  test('Redis lost mid-job: queue routes answer 503, in-process routes work; Redis back: the job completes', async () => {
    const inputs = await imageInputs(40, 512);
    const jobId = await submit({ specification: BLUR_WORKFLOW, inputs, chunk_size: 2 });
    await waitForJob(server.url, jobId, (s) => s.done >= 2);
    await redis.kill();

    const status = await fetch(`${server.url}/jobs/${jobId}`);
    assert.equal(status.status, 503);
    assert.ok(Number(status.headers.get('retry-after')) > 0, 'Retry-After set');
    assert.match(((await status.json()) as { message: string }).message, /queue \(Redis\) is unreachable/);

    const png = (await colourPng(1)).toString('base64');
    const run = await fetch(`${server.url}/workflows/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ specification: BLUR_WORKFLOW, inputs: { image: { type: 'base64', value: png } } }),
    });
    assert.equal(run.status, 200, 'in-process routes do not need Redis');

    await redis.restart();
    const done = await waitForJob(server.url, jobId, (s) => s.status === 'completed', 90_000).catch(async (error) => {
      throw new Error(`${(error as Error).message}\nworkers: ${workers.map((w) => w.output.join('')).join('\n')}`);
    });
    assert.equal(done.done, 40);
    const lines = await resultLines(server.url, jobId);
    assert.deepEqual(
      lines.map((l) => l.index),
      [...Array(40).keys()],
    );
  });

  test('SIGTERM: a worker finishes the chunk in hand and exits 0', async () => {
    const inputs = await imageInputs(8, 512);
    const jobId = await submit({ specification: BLUR_WORKFLOW, inputs, chunk_size: 8 });
    await waitForJob(server.url, jobId, (s) => s.status === 'running');
    const codes = await Promise.all(workers.splice(0).map((w) => stopWorker(w, 'SIGTERM')));
    assert.deepEqual(codes, [0, 0]);
    const status = (await (await fetch(`${server.url}/jobs/${jobId}`)).json()) as Record<string, any>;
    assert.equal(status.done, 8, 'the chunk that was running finished before the worker left');
  });

  test('Redis down at start: a clear error, for the server and for a worker', async () => {
    const dead = `redis://127.0.0.1:${redis.port + 1}`;
    await assert.rejects(startTestServer({ env: { REDIS_URL: dead } }), /cannot reach Redis at redis:\/\/127\.0\.0\.1/);
    const worker = await startWorker({ ...workerEnv, REDIS_URL: dead }).then(
      () => assert.fail('worker started without Redis'),
      (error: Error) => error.message,
    );
    assert.match(worker, /exited \(1\).*cannot reach Redis/s);
  });
});
