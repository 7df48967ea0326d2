// Detect → ByteTrack → line counter → bounding boxes + traces over a generated pan across street.jpg, through
// /inference_pipelines on a real server with the real yolov8n: every frame processed, tracker ids stable, the
// line counter's counts equal the crossings seen in the tracks, the annotated frames as big as the video.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { startTestServer, TEST_MODEL_ID, type RunningServer } from '../helpers/server.ts';
import { needsShared, sharedImage } from '../helpers/shared.ts';
import { detectTrackDrawWorkflow, panVideo, tempDir } from '../helpers/video.ts';

const LINE_X = 320;
const WORKFLOW = detectTrackDrawWorkflow(TEST_MODEL_ID, {
  classFilter: ['car', 'person', 'bus', 'truck', 'bicycle'],
  lineX: LINE_X,
});

let server: RunningServer;
let media: string;
let video: string;

before(async () => {
  if (needsShared) return;
  media = tempDir();
  video = panVideo(sharedImage('street.jpg'), path.join(media, 'pan.mp4'), { seconds: 3, fps: 10 });
  server = await startTestServer({ env: { SIGHTLINE_MEDIA_DIRS: media, LOG_LEVEL: 'silent' } });
});
after(async () => {
  await server?.close();
  if (media) fs.rmSync(media, { recursive: true, force: true });
});

function consume(id: string): Promise<any> {
  const body = Buffer.from(JSON.stringify({ excluded_fields: [] }));
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.url}/inference_pipelines/${id}/consume`,
      { method: 'GET', headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('tracking and line counting over a video, every frame', { skip: needsShared }, async () => {
  const init = await fetch(`${server.url}/inference_pipelines/initialise`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      video_configuration: {
        type: 'VideoConfiguration',
        video_reference: video,
        source_buffer_filling_strategy: 'WAIT',
        source_buffer_consumption_strategy: 'LAZY',
      },
      processing_configuration: { type: 'WorkflowConfiguration', workflow_specification: WORKFLOW },
      sink_configuration: { type: 'MemorySinkConfiguration', results_buffer_size: 100 },
    }),
  });
  const { context } = (await init.json()) as { context: { pipeline_id: string } };
  const id = context.pipeline_id;
  const results: any[] = [];
  for (;;) {
    const r = await consume(id);
    if (r.outputs.length > 0) {
      results.push(r);
      continue;
    }
    const status = (await (await fetch(`${server.url}/inference_pipelines/${id}/status`)).json()) as any;
    if (status.report.state !== 'running' && status.report.buffered_results === 0) {
      assert.equal(status.report.state, 'ended', JSON.stringify(status.report.last_error));
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(
    results.map((r) => r.frames_metadata[0].frame_id),
    Array.from({ length: 30 }, (_, i) => i + 1),
    'every frame of the file, in order',
  );

  // Tracks: where each tracker id is seen, and on which side of the line its centre is, frame after frame.
  const tracks = new Map<number, Array<{ frame: number; x: number }>>();
  let detections = 0;
  for (const r of results) {
    for (const p of r.outputs[0].tracked.predictions) {
      detections++;
      assert.ok(Number.isInteger(p.tracker_id), 'every tracked detection has a tracker id');
      const list = tracks.get(p.tracker_id) ?? [];
      list.push({ frame: r.frames_metadata[0].frame_id, x: p.x });
      tracks.set(p.tracker_id, list);
    }
  }
  assert.ok(detections >= 60, `objects detected across the pan: ${detections}`);
  const long = [...tracks.values()].filter((t) => t.length >= 5);
  const inLongTracks = long.reduce((n, t) => n + t.length, 0);
  assert.ok(
    inLongTracks / detections >= 0.8,
    `ids are stable: ${inLongTracks}/${detections} detections in tracks of 5+ frames`,
  );
  // The camera pans right, so the scene moves left: a tracked object's x only decreases (within noise).
  for (const t of long) assert.ok(t.at(-1)!.x < t[0]!.x, 'a track follows its object leftwards');

  let crossings = 0;
  for (const t of tracks.values()) {
    for (let i = 1; i < t.length; i++) if (t[i - 1]!.x >= LINE_X !== t[i]!.x >= LINE_X) crossings++;
  }
  const last = results.at(-1)!.outputs[0];
  assert.ok(crossings > 0, 'objects crossed the line');
  assert.equal(last.count_in + last.count_out, crossings, 'the line counter counts the crossings in the tracks');

  const annotated = Buffer.from(results[15].outputs[0].annotated.value, 'base64');
  const meta = await sharp(annotated).metadata();
  assert.deepEqual([meta.width, meta.height], [640, 480]);
  if (process.env.SIGHTLINE_KEEP_TEST_OUTPUT)
    fs.writeFileSync(path.join('test-output', 'tracking-frame16.jpg'), annotated);
  await fetch(`${server.url}/inference_pipelines/${id}/terminate`, { method: 'POST' });
});
