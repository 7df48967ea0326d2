// The pipeline runtime without HTTP: buffer strategies on files, several sources in one batch, image folders and
// globs, max_fps, resuming a file from a frame offset, consumption_timeout, video_metadata reaching the blocks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ExecutionEngine } from '../../engine/index.ts';
import { coreBlocks } from '../../blocks/index.ts';
import { PipelineManager } from '../../video/manager.ts';
import type { Pipeline, PipelineResult, PipelineSettings } from '../../video/pipeline.ts';
import { movingBoxVideo, tempDir, waitFor } from '../helpers/video.ts';

const META_WORKFLOW = {
  version: '1.0',
  inputs: [
    { type: 'WorkflowImage', name: 'image' },
    { type: 'WorkflowVideoMetadata', name: 'video_metadata' },
  ],
  steps: [
    {
      type: 'roboflow_core/property_definition@v1',
      name: 'meta',
      data: '$inputs.video_metadata',
      operations: [],
    },
  ],
  outputs: [{ type: 'JsonField', name: 'meta', selector: '$steps.meta.output' }],
};
const SLOW_WORKFLOW = {
  version: '1.0',
  inputs: [{ type: 'WorkflowImage', name: 'image' }],
  steps: [{ type: 'roboflow_core/image_blur@v1', name: 'blur', image: '$inputs.image', kernel_size: 15 }],
  outputs: [{ type: 'JsonField', name: 'size', selector: '$steps.blur.image' }],
};

let media: string;
let video: string;
let manager: PipelineManager;

before(() => {
  media = tempDir();
  video = movingBoxVideo(path.join(media, 'box.mp4'), { seconds: 2, fps: 10 });
  fs.mkdirSync(path.join(media, 'frames'));
  execFileSync('ffmpeg', ['-loglevel', 'error', '-i', video, '-frames:v', '5', path.join(media, 'frames', 'f%d.png')]);
  manager = new PipelineManager({
    engine: new ExecutionEngine({ blocks: coreBlocks, services: {} }),
    sourcePolicy: { mediaDirs: [media], network: {} },
  });
});
after(async () => {
  await manager.close();
  fs.rmSync(media, { recursive: true, force: true });
});

async function runToEnd(reference: unknown, settings: Partial<PipelineSettings>, definition: object = META_WORKFLOW) {
  const pipeline = await manager.initialise({ definition: definition as any, videoReference: reference, settings });
  const results: PipelineResult[] = [];
  pipeline.subscribe((r) => results.push(r));
  await waitFor('the pipeline to end', () => pipeline.finished, 30_000);
  return { pipeline, results };
}

describe('pipeline runtime', () => {
  test('video_metadata reaches the blocks: identifier, consecutive frame numbers, fps, file flag', async () => {
    const { results } = await runToEnd(video, { filling: null, consumption: null });
    const metas = results.map((r) => r.outputs[0]!.meta as any);
    assert.equal(metas.length, 20);
    metas.forEach((m, i) => {
      assert.equal(m.video_identifier, '0');
      assert.equal(m.frame_number, i + 1);
      assert.equal(m.fps, 10);
      assert.equal(m.measured_fps, 10);
      assert.equal(m.comes_from_video_file, true);
    });
  });

  test("inference_sdk's DROP_OLDEST + EAGER on a file still gives every frame; an explicit DROP_LATEST drops", async () => {
    const sdk = await runToEnd(video, { filling: 'DROP_OLDEST', consumption: 'EAGER' }, SLOW_WORKFLOW);
    assert.equal(sdk.results.length, 20);
    const latest = await runToEnd(
      video,
      { filling: 'DROP_LATEST', consumption: 'EAGER', decodingBufferSize: 1 },
      SLOW_WORKFLOW,
    );
    const stats = latest.pipeline.sourceStats()[0]!;
    assert.ok(latest.results.length < 20, `${latest.results.length} frames processed`);
    assert.equal(stats.frames_processed + stats.frames_dropped, 20, JSON.stringify(stats));
  });

  test('several sources: one batch per tick, outputs aligned to sources, separate frame counters', async () => {
    const other = movingBoxVideo(path.join(media, 'short.mp4'), { seconds: 1, fps: 10 });
    const { results } = await runToEnd([video, other], { filling: null, consumption: null });
    const both = results.filter((r) => r.outputs[0] && r.outputs[1]);
    assert.equal(both.length, 10, 'the first 10 ticks carry a frame of each source');
    for (const r of both) {
      assert.equal((r.outputs[1]!.meta as any).video_identifier, '1');
      assert.equal(r.frames[0]!.frame_id, r.frames[1]!.frame_id);
    }
    const onlyFirst = results.filter((r) => r.outputs[0] && !r.outputs[1]);
    assert.equal(onlyFirst.length, 10, 'then the longer source alone, null for the ended one');
    assert.equal(results.at(-1)!.frames[0]!.frame_id, 20);
  });

  test('an image folder and a glob are sources too (name order)', async () => {
    const folder = await runToEnd(path.join(media, 'frames'), {});
    assert.equal(folder.results.length, 5);
    const glob = await runToEnd(path.join(media, 'frames', 'f[12].png'), {});
    assert.deepEqual(
      glob.results.map((r) => (r.outputs[0]!.meta as any).frame_number),
      [1, 2],
    );
  });

  test('max_fps throttles a file without dropping', async () => {
    const started = Date.now();
    const { results } = await runToEnd(video, { filling: null, consumption: null, maxFps: 20 });
    assert.equal(results.length, 20);
    assert.ok(Date.now() - started >= 900, 'about 1 s for 20 frames at 20 fps');
  });

  test('a file resumes from a frame offset (queue mode): frame ids continue from it', async () => {
    const { results } = await runToEnd(video, { filling: null, consumption: null, startFrames: [12] });
    const ids = results.map((r) => r.frames[0]!.frame_id);
    assert.equal(ids[0], 13);
    assert.equal(ids.at(-1), 20);
    assert.equal(ids.length, 8);
  });

  test('pausing a file loses no frame: it waits, then goes on where it stopped', async () => {
    const pipeline = await manager.initialise({
      definition: META_WORKFLOW,
      videoReference: video,
      settings: { filling: null, consumption: null, maxFps: 20 },
    });
    const ids: number[] = [];
    pipeline.subscribe((r) => ids.push(r.frames[0]!.frame_id));
    await waitFor('a few frames', () => ids.length >= 3);
    pipeline.pause();
    assert.equal(pipeline.state, 'paused');
    await new Promise((r) => setTimeout(r, 150));
    const during = ids.length;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(ids.length, during, 'nothing runs while paused');
    pipeline.resume();
    await waitFor('the end', () => pipeline.finished, 10_000);
    assert.deepEqual(
      ids,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  test('consumption_timeout terminates a pipeline nobody consumes', async () => {
    const pipeline: Pipeline = await manager.initialise({
      definition: META_WORKFLOW,
      videoReference: video,
      settings: { maxFps: 2, consumptionTimeoutS: 0.5 },
    });
    await waitFor('the timeout', () => pipeline.state === 'terminated', 5000);
    await pipeline.terminate(); // idempotent: resolves once its ffmpeg is gone
    assert.deepEqual(await pipeline.ffmpegPids(), []);
    assert.ok(pipeline.report().video_source_status_updates.some((u) => u.event_type === 'CONSUMPTION_TIMEOUT'));
  });
});
