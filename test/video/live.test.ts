// A live stream served by ffmpeg on 127.0.0.1: the pipeline keeps up by dropping stale frames, reconnects when
// the stream goes away and comes back (and when its own ffmpeg crashes), terminates while reconnecting, and
// leaves no ffmpeg behind (checked by pid).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionEngine } from '../../engine/index.ts';
import { coreBlocks } from '../../blocks/index.ts';
import { PipelineManager } from '../../video/manager.ts';
import type { Pipeline, PipelineResult } from '../../video/pipeline.ts';
import { freePort, pidAlive, serveLiveStream, stopProcess, waitFor } from '../helpers/video.ts';

// Slow on purpose (about 50 ms of blurring per frame against a 25 fps stream), so keeping up means dropping.
const SLOW_WORKFLOW = {
  version: '1.0',
  inputs: [{ type: 'WorkflowImage', name: 'image' }],
  steps: [{ type: 'roboflow_core/image_blur@v1', name: 'blur', image: '$inputs.image', kernel_size: 15 }],
  outputs: [{ type: 'JsonField', name: 'blurred', selector: '$steps.blur.image' }],
};

let manager: PipelineManager;
let stream: ReturnType<typeof serveLiveStream> | undefined;

before(() => {
  const engine = new ExecutionEngine({ blocks: coreBlocks, services: {} });
  manager = new PipelineManager({
    engine,
    sourcePolicy: { mediaDirs: [], network: { allowList: ['127.0.0.1'] } },
    // ffmpeg's TCP server serves one client and exits when it leaves: a stall restart would end the stream.
    defaults: { reconnectDelayMs: 100, maxReconnectDelayMs: 400, stallTimeoutMs: 20_000 },
  });
});

after(async () => {
  await manager.close();
  await stopProcess(stream);
});

const processed = (p: Pipeline) => p.sourceStats()[0]!.frames_processed;

test('live stream: drops stale frames, reconnects after the stream restarts, terminates while reconnecting', async () => {
  const port = await freePort();
  stream = serveLiveStream(port);
  const pipeline = await manager.initialise({
    definition: SLOW_WORKFLOW,
    videoReference: `tcp://127.0.0.1:${port}`,
    settings: { filling: null, consumption: null },
  });
  const frames: number[] = [];
  pipeline.subscribe((r: PipelineResult) => frames.push(r.frames[0]!.frame_id));
  await waitFor('frames from the live stream', () => processed(pipeline) >= 8, 60_000);
  const [firstPid] = await pipeline.ffmpegPids();
  assert.ok(firstPid && pidAlive(firstPid));
  const stats = pipeline.sourceStats()[0]!;
  assert.equal(pipeline.report().sources_metadata[0]!.buffer_filling_strategy, 'ADAPTIVE_DROP_OLDEST');
  assert.ok(stats.frames_dropped > 0, `a slow workflow on a 25 fps stream drops frames: ${JSON.stringify(stats)}`);
  for (let i = 1; i < frames.length; i++) assert.ok(frames[i]! > frames[i - 1]!, 'frame ids only grow');

  // The stream goes away: the source reconnects (with backoff) and reports it; the old ffmpeg is gone.
  await stopProcess(stream);
  await waitFor('reconnecting state', () => pipeline.sourceStats()[0]!.reconnects >= 2, 30_000);
  assert.ok(['ERROR', 'RESTARTING', 'INITIALISING'].includes(pipeline.sources[0]!.state));
  assert.equal(pidAlive(firstPid), false, 'the ffmpeg of the lost connection exited');
  assert.ok(
    pipeline.report().video_source_status_updates.some((u) => u.event_type === 'SOURCE_ERROR'),
    'the outage is in the status report',
  );

  // The stream comes back on the same address: frames flow again, ids keep counting.
  const before = processed(pipeline);
  const lastId = frames.at(-1)!;
  stream = serveLiveStream(port);
  await waitFor('frames after the restart', () => processed(pipeline) >= before + 5, 30_000);
  assert.ok(frames.at(-1)! > lastId, 'frame ids continue across the reconnection');
  assert.equal(pipeline.sources[0]!.state, 'RUNNING');

  // Our ffmpeg crashes: the source reconnects on its own. (ffmpeg's TCP server serves one client and exits when
  // it leaves, so the test starts a new one.)
  const [crashPid] = await pipeline.ffmpegPids();
  const reconnects = pipeline.sourceStats()[0]!.reconnects;
  process.kill(crashPid!, 'SIGKILL');
  await waitFor('the crash noticed', () => pipeline.sourceStats()[0]!.reconnects > reconnects, 30_000);
  await stopProcess(stream);
  stream = serveLiveStream(port);
  const afterCrash = processed(pipeline);
  await waitFor('frames after an ffmpeg crash', () => processed(pipeline) >= afterCrash + 3, 30_000);

  // Stream gone again; terminate while the source is reconnecting.
  await stopProcess(stream);
  await waitFor('reconnecting again', () => pipeline.sources[0]!.reconnecting, 30_000);
  const pids = await pipeline.ffmpegPids();
  const started = Date.now();
  await manager.terminate(pipeline.id);
  assert.ok(Date.now() - started < 5000, 'terminate during reconnect is prompt');
  assert.equal(pipeline.state, 'terminated');
  assert.deepEqual(manager.list(), []);
  for (const pid of [...pids, crashPid!, firstPid]) assert.equal(pidAlive(pid), false, `ffmpeg ${pid} is gone`);
  assert.deepEqual(await pipeline.ffmpegPids(), []);
});

test('terminate works while the first connection is still failing (nothing listening)', async () => {
  const port = await freePort();
  const pipeline = await manager.initialise({
    definition: SLOW_WORKFLOW,
    videoReference: `tcp://127.0.0.1:${port}`,
    settings: {},
  });
  await waitFor('a failed attempt', () => pipeline.sources[0]!.reconnects >= 1, 30_000);
  assert.equal(pipeline.state, 'running', 'a live source that cannot connect keeps the pipeline alive');
  await manager.terminate(pipeline.id);
  assert.equal(pipeline.state, 'terminated');
  assert.deepEqual(await pipeline.ffmpegPids(), []);
});
