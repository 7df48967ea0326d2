// Pipelines across queue workers: a pipeline on a generated video is owned by worker A; A is killed with -9;
// worker B takes it over under the same id and resumes the file after the last frame handed over, and consume on
// another API replica sees the frames continue with none lost or repeated.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { TestRedis, hasRedis, NO_REDIS } from '../helpers/redis.ts';
import { startWorker, stopWorker, type TestWorker } from '../helpers/worker.ts';
import { movingBoxVideo, redPixelsWorkflow, tempDir, waitFor } from '../helpers/video.ts';

const RED_PIXELS = redPixelsWorkflow({ frame: false });

const FRAMES = 100;

function initialiseBody(video: string) {
  return {
    api_key: null,
    // Paced at 10 fps so the pipeline is still running when its worker is killed.
    video_configuration: {
      type: 'VideoConfiguration',
      video_reference: video,
      max_fps: 10,
      // null: chosen by source type, so a file keeps every frame.
      source_buffer_filling_strategy: null,
      source_buffer_consumption_strategy: null,
    },
    processing_configuration: {
      type: 'WorkflowConfiguration',
      workflow_specification: RED_PIXELS,
      image_input_name: 'image',
      video_metadata_input_name: 'video_metadata',
      disable_sinks: false,
    },
    sink_configuration: { type: 'MemorySinkConfiguration', results_buffer_size: 1000 },
  };
}

async function call(server: RunningServer, method: string, route: string, body?: unknown): Promise<any> {
  const response = await fetch(`${server.url}${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = await response.json();
  assert.equal(response.status, 200, `${method} ${route}: ${JSON.stringify(answer)}`);
  return answer;
}

describe('pipelines in queue mode', { skip: hasRedis ? false : NO_REDIS }, () => {
  let redis: TestRedis;
  let apiA: RunningServer;
  let apiB: RunningServer;
  let media: string;
  let video: string;
  let env: Record<string, string>;
  const workers: TestWorker[] = [];

  before(async () => {
    media = tempDir();
    video = movingBoxVideo(path.join(media, 'box.mp4'), { seconds: FRAMES / 10, fps: 10 });
    redis = await TestRedis.start();
    const dataDir = path.join(media, 'data');
    fs.mkdirSync(dataDir);
    const serverEnv = { REDIS_URL: redis.url, SIGHTLINE_MEDIA_DIRS: media };
    [apiA, apiB] = await Promise.all([
      startTestServer({ dataDir, env: serverEnv }),
      startTestServer({ dataDir, env: serverEnv }),
    ]);
    env = { ...serverEnv, SIGHTLINE_DATA_DIR: dataDir, SIGHTLINE_JOB_LOCK_MS: '1500' };
  });

  after(async () => {
    await Promise.all(workers.map((w) => stopWorker(w, 'SIGKILL')));
    await Promise.all([apiA?.close(), apiB?.close()]);
    await redis?.stop();
    fs.rmSync(media, { recursive: true, force: true });
  });

  test('kill -9 of the owning worker: another takes over, frames continue on another replica', async () => {
    workers.push(await startWorker(env));
    const workerA = workers[0]!;
    const init = await call(apiA, 'POST', '/inference_pipelines/initialise', initialiseBody(video));
    const id = init.context.pipeline_id as string;
    assert.deepEqual((await call(apiB, 'GET', '/inference_pipelines/list')).pipelines, [id]);

    const frames: number[] = [];
    const consumeOnB = async () => {
      for (;;) {
        const r = await call(apiB, 'GET', `/inference_pipelines/${id}/consume`);
        if (r.outputs.length === 0) return;
        frames.push(r.frames_metadata[0].frame_id);
        assert.equal(typeof r.outputs[0].red_pixels, 'number');
      }
    };
    await waitFor('worker A to process 15 frames', async () => {
      await consumeOnB();
      return frames.length >= 15;
    }).catch(async (error: Error) => {
      const status = await call(apiB, 'GET', `/inference_pipelines/${id}/status`);
      const r = status.report;
      throw new Error(
        `${error.message}; state ${r.state} processed ${r.frames_processed} buffered ${r.buffered_results} error ${r.last_error} sources ${JSON.stringify(r.sources_stats)}; worker: ${workerA.output.join('')}`,
      );
    });
    const ownerA = (await call(apiB, 'GET', `/inference_pipelines/${id}/status`)).report.owner;
    assert.match(ownerA, new RegExp(`:${workerA.child.pid}$`));

    workers.push(await startWorker(env));
    await stopWorker(workerA, 'SIGKILL');
    const killedAt = frames.length;

    const report = await waitFor(
      'the pipeline to end on worker B',
      async () => {
        await consumeOnB();
        const status = (await call(apiB, 'GET', `/inference_pipelines/${id}/status`)).report;
        return status.state === 'ended' ? status : undefined;
      },
      60_000,
      200,
    );
    await consumeOnB();
    assert.match(report.owner, new RegExp(`:${workers[1]!.child.pid}$`), 'worker B owns it now');
    assert.ok(frames.length > killedAt, 'frames continued after the kill');
    assert.deepEqual(
      frames,
      Array.from({ length: FRAMES }, (_, i) => i + 1),
      'every frame of the file once, in order, across the takeover',
    );
  });

  test('terminate through any replica; a bad source is refused on the API before any worker sees it', async () => {
    const init = await call(apiB, 'POST', '/inference_pipelines/initialise', initialiseBody(video));
    const id = init.context.pipeline_id as string;
    await waitFor('the pipeline to run', async () => {
      const status = (await call(apiA, 'GET', `/inference_pipelines/${id}/status`)).report;
      return status.state === 'running';
    });
    await call(apiA, 'POST', `/inference_pipelines/${id}/terminate`);
    assert.ok(!(await call(apiB, 'GET', '/inference_pipelines/list')).pipelines.includes(id), 'not listed any more');
    const gone = await fetch(`${apiB.url}/inference_pipelines/${id}/status`);
    assert.equal(gone.status, 404);

    const refused = await fetch(`${apiA.url}/inference_pipelines/initialise`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(initialiseBody(path.join(media, 'missing.mp4'))),
    });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), /missing\.mp4/);
  });
});
