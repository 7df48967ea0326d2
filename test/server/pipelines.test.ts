// /inference_pipelines/* over a real server and real ffmpeg, without models: a generated moving-box video,
// consume / WebSocket / MJPEG, lifecycle commands, and the refusals of bad inputs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocket } from 'ws';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { movingBoxVideo, redPixelsWorkflow, tempDir, waitFor } from '../helpers/video.ts';
import { get, post } from './http.ts';

const IMAGE_WORKFLOW = redPixelsWorkflow();

function initialiseBody(
  videoReference: unknown,
  extra: Record<string, unknown> = {},
  workflow: unknown = IMAGE_WORKFLOW,
) {
  return {
    api_key: null,
    video_configuration: {
      type: 'VideoConfiguration',
      video_reference: videoReference,
      max_fps: null,
      source_buffer_filling_strategy: null,
      source_buffer_consumption_strategy: null,
      video_source_properties: null,
      batch_collection_timeout: null,
      ...extra,
    },
    processing_configuration: {
      type: 'WorkflowConfiguration',
      workflow_specification: workflow,
      workspace_name: null,
      workflow_id: null,
      image_input_name: 'image',
      workflows_parameters: null,
      workflows_thread_pool_workers: 4,
      cancel_thread_pool_tasks_on_exit: true,
      video_metadata_input_name: 'video_metadata',
    },
    sink_configuration: { type: 'MemorySinkConfiguration', results_buffer_size: 64 },
  };
}

let server: RunningServer;
let media: string;
let video: string;

before(async () => {
  media = tempDir();
  video = movingBoxVideo(path.join(media, 'box.mp4'), { seconds: 2, fps: 10 });
  server = await startTestServer({
    env: { SIGHTLINE_MEDIA_DIRS: media, SIGHTLINE_PIPELINE_KEEP_S: '60' },
    config: { urlAllowList: ['127.0.0.1'] },
  });
});

after(async () => {
  await server.pipelines.terminateAll();
  await server.close();
  fs.rmSync(media, { recursive: true, force: true });
});

/** A request with a JSON body, GET included (inference_sdk sends one on consume; fetch refuses to). */
function call(
  method: string,
  route: string,
  body: unknown = { api_key: null },
): Promise<{ status: number; body: any }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.url}${route}`,
      { method, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function drain(id: string, excluded: string[] = ['frame']) {
  const results: Array<{ outputs: any[]; frames_metadata: any[] }> = [];
  for (;;) {
    const r = await call('GET', `/inference_pipelines/${id}/consume`, { api_key: null, excluded_fields: excluded });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    if (r.body.outputs.length === 0) {
      const status = await get(server, `/inference_pipelines/${id}/status`);
      if (status.body.report.state !== 'running') {
        const last = await call('GET', `/inference_pipelines/${id}/consume`, { excluded_fields: excluded });
        if (last.body.outputs.length === 0) return results;
        results.push(last.body);
      }
      await new Promise((r) => setTimeout(r, 30));
      continue;
    }
    results.push(r.body);
  }
}

describe('inference pipelines over HTTP', () => {
  test('a file is processed frame by frame: consecutive frame ids and timestamps, Roboflow shapes', async () => {
    const list0 = await get(server, '/inference_pipelines/list');
    assert.equal(list0.status, 200);
    assert.deepEqual(Object.keys(list0.body).sort(), ['context', 'pipelines', 'status']);
    const init = await post(server, '/inference_pipelines/initialise', initialiseBody(video));
    assert.equal(init.status, 200, JSON.stringify(init.body));
    assert.equal(init.body.status, 'success');
    const id = init.body.context.pipeline_id as string;
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.ok((await get(server, '/inference_pipelines/list')).body.pipelines.includes(id));
    const results = await drain(id);
    const ids = results.map((r) => r.frames_metadata[0].frame_id);
    assert.deepEqual(
      ids,
      Array.from({ length: 20 }, (_, i) => i + 1),
      'every frame of the file, in order',
    );
    const times = results.map((r) => Date.parse(r.frames_metadata[0].frame_timestamp));
    for (let i = 1; i < times.length; i++)
      assert.ok(Math.abs(times[i]! - times[i - 1]! - 100) <= 1, 'timestamps 1/fps apart');
    assert.match(results[0]!.frames_metadata[0].frame_timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    assert.equal(results[0]!.frames_metadata[0].source_id, 0);
    assert.deepEqual(Object.keys(results[0]!.outputs[0]), ['red_pixels'], 'excluded_fields honoured');
    for (const r of results) assert.ok(r.outputs[0].red_pixels >= 1200, 'the red box is in every frame');
    const status = await get(server, `/inference_pipelines/${id}/status`);
    const report = status.body.report;
    assert.equal(report.state, 'ended');
    assert.equal(report.frames_processed, 20);
    assert.equal(report.sources_metadata[0].buffer_filling_strategy, 'WAIT');
    assert.equal(report.sources_metadata[0].buffer_consumption_strategy, 'LAZY');
    assert.equal(report.sources_metadata[0].source_properties.is_file, true);
    assert.equal(report.sources_stats[0].frames_dropped, 0);
    assert.ok(
      report.video_source_status_updates.some((u: any) => u.event_type === 'SOURCE_STATE_UPDATE' && u.severity === 20),
    );
    assert.ok(report.latency_reports[0].e2e_latency > 0);
    const term = await post(server, `/inference_pipelines/${id}/terminate`, { api_key: null });
    assert.equal(term.status, 200);
    const again = await post(server, `/inference_pipelines/${id}/terminate`, { api_key: null });
    assert.equal(again.status, 404, 'terminating twice: the pipeline is gone');
    assert.equal(again.body.error_type, 'ProcessesManagerNotFoundError');
  });

  test('the WebSocket pushes each frame with its image as a JPEG binary message; MJPEG preview serves JPEGs', async () => {
    const init = await post(server, '/inference_pipelines/initialise', initialiseBody(video, { max_fps: 10 }));
    const id = init.body.context.pipeline_id as string;
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/inference_pipelines/${id}/ws`);
    const frames: number[] = [];
    const jpegs: Buffer[] = [];
    let ended: any;
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data, binary) => {
        if (binary) return void jpegs.push(data as Buffer);
        const msg = JSON.parse(String(data));
        if (msg.type === 'end') ended = msg;
        else {
          frames.push(msg.frames_metadata[0].frame_id);
          assert.equal(msg.outputs[0].frame.type, 'jpeg');
          assert.equal(msg.outputs[0].frame.binary_index, 0);
          assert.equal(msg.outputs[0].frame.width, 320);
        }
      });
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    assert.equal(ended?.state, 'ended');
    assert.ok(frames.length >= 10, `got ${frames.length} frames`);
    for (let i = 1; i < frames.length; i++) assert.equal(frames[i], frames[i - 1]! + 1, 'consecutive frame numbers');
    assert.equal(frames.at(-1), 20);
    assert.equal(jpegs.length, frames.length);
    assert.deepEqual([...jpegs[0]!.subarray(0, 2)], [0xff, 0xd8]);
    await post(server, `/inference_pipelines/${id}/terminate`);

    const second = await post(server, '/inference_pipelines/initialise', initialiseBody(video, { max_fps: 10 }));
    const sid = second.body.context.pipeline_id as string;
    const response = await fetch(`${server.url}/inference_pipelines/${sid}/preview`);
    assert.equal(response.headers.get('content-type'), 'multipart/x-mixed-replace; boundary=frame');
    const body = Buffer.from(await response.arrayBuffer());
    const parts = body
      .toString('latin1')
      .split('--frame')
      .filter((p) => p.includes('image/jpeg'));
    assert.ok(parts.length >= 5, `MJPEG parts: ${parts.length}`);
    await post(server, `/inference_pipelines/${sid}/terminate`);
  });

  test('pause mutes, resume continues, wrong-state commands are refused, unknown ids are 404', async () => {
    const init = await post(server, '/inference_pipelines/initialise', initialiseBody(video, { max_fps: 5 }));
    const id = init.body.context.pipeline_id as string;
    await waitFor(
      'first frame',
      async () => (await get(server, `/inference_pipelines/${id}/status`)).body.report.frames_processed > 0,
    );
    assert.equal((await post(server, `/inference_pipelines/${id}/pause`)).status, 200);
    assert.equal((await get(server, `/inference_pipelines/${id}/status`)).body.report.state, 'paused');
    const twice = await post(server, `/inference_pipelines/${id}/pause`);
    assert.equal(twice.status, 500);
    assert.equal(twice.body.error_type, 'ProcessesManagerOperationError');
    assert.equal((await post(server, `/inference_pipelines/${id}/resume`)).status, 200);
    assert.equal((await post(server, `/inference_pipelines/${id}/resume`)).status, 500);
    assert.equal((await post(server, `/inference_pipelines/${id}/terminate`)).status, 200);
    for (const [method, route] of [
      ['POST', 'pause'],
      ['POST', 'resume'],
      ['POST', 'terminate'],
      ['GET', 'status'],
      ['GET', 'consume'],
    ] as const) {
      const r = await call(method, `/inference_pipelines/no-such-id/${route}`);
      assert.equal(r.status, 404, `${route}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, /no-such-id/);
    }
  });

  test('bad inputs get a 4xx naming the field', async () => {
    const listed = (await get(server, '/inference_pipelines/list')).body.pipelines.length;
    const write = (name: string, data: string | Buffer) => {
      const file = path.join(media, name);
      fs.writeFileSync(file, data);
      return file;
    };
    const full = fs.readFileSync(video);
    const cases: Array<[string, unknown, RegExp]> = [
      ['missing file', path.join(media, 'nope.mp4'), /does not exist/],
      ['non-video file', write('notes.mp4', 'hello, this is text'), /not a readable video/],
      ['0-byte file', write('empty.mp4', ''), /empty \(0 bytes\)/],
      ['truncated mp4', write('cut.mp4', full.subarray(0, Math.floor(full.length / 3))), /not a readable video/],
      ['unknown device path', '/dev/video97', /camera "(\/dev\/)?video97" not found/],
      ['unknown device index', 97, /camera 97 not found/],
      ['outside media folders', '/etc/hostname', /outside the media folders/],
      ['private address', 'rtsp://10.20.30.40:554/stream', /refusing stream URL/],
      ['loopback not allow-listed', 'http://127.0.0.2:9/live.ts', /refusing stream URL/],
      ['empty list', [], /empty/],
    ];
    for (const [what, reference, message] of cases) {
      const r = await post(server, '/inference_pipelines/initialise', initialiseBody(reference));
      assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, /video_configuration\.video_reference/, what);
      assert.match(r.body.message, message, what);
    }
    const noInput = await post(
      server,
      '/inference_pipelines/initialise',
      initialiseBody(video, {}, { ...IMAGE_WORKFLOW, inputs: [{ type: 'WorkflowImage', name: 'frame_in' }] }),
    );
    assert.equal(noInput.status, 400);
    assert.match(noInput.body.message, /image_input_name.*'image'.*frame_in/);
    const broken = await post(
      server,
      '/inference_pipelines/initialise',
      initialiseBody(video, {}, { ...IMAGE_WORKFLOW, steps: [{ type: 'NoSuchBlock', name: 'x' }] }),
    );
    assert.equal(broken.status, 400, JSON.stringify(broken.body));
    const missingType = initialiseBody(video) as any;
    delete missingType.video_configuration.type;
    const r422 = await post(server, '/inference_pipelines/initialise', missingType);
    assert.equal(r422.status, 422);
    assert.deepEqual(r422.body.detail[0].loc, ['body', 'video_configuration', 'type']);
    const neither = initialiseBody(video, {}, null);
    const rNeither = await post(server, '/inference_pipelines/initialise', neither);
    assert.equal(rNeither.status, 400);
    assert.match(rNeither.body.message, /workflow_specification or workspace_name and workflow_id/);
    assert.equal(
      (await get(server, '/inference_pipelines/list')).body.pipelines.length,
      listed,
      'no phantom pipelines',
    );
  });

  test('a saved workflow (workspace_name + workflow_id) from the local store', async () => {
    const saved = await server.workflows.save('default', 'red-count', { definition: IMAGE_WORKFLOW });
    assert.ok(saved);
    const body = initialiseBody(video, {}, null) as any;
    body.processing_configuration.workspace_name = 'default';
    body.processing_configuration.workflow_id = 'red-count';
    const init = await post(server, '/inference_pipelines/initialise', body);
    assert.equal(init.status, 200, JSON.stringify(init.body));
    const id = init.body.context.pipeline_id;
    const results = await drain(id);
    assert.equal(results.length, 20);
    await post(server, `/inference_pipelines/${id}/terminate`);
    body.processing_configuration.workflow_id = 'no-such-workflow';
    const missing = await post(server, '/inference_pipelines/initialise', body);
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /no saved workflow 'no-such-workflow'/);
  });

  test('ENABLE_STREAM_API=false removes the routes (404)', async () => {
    const off = await startTestServer({ env: { ENABLE_STREAM_API: 'false' } });
    try {
      const r = await get(off, '/inference_pipelines/list');
      assert.equal(r.status, 404);
    } finally {
      await off.close();
    }
  });
});
