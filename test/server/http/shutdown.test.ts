// Graceful shutdown of the real `npm start` process: SIGTERM during a slow request finishes it and exits 0;
// readiness fails during the drain while health still answers; then the listener closes. Running video pipelines
// are terminated and their ffmpeg processes gone.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';
import sharp from 'sharp';
import { REPO_ROOT } from '../../helpers/shared.ts';
import { freePort, pidAlive, serveLiveStream, stopProcess, waitFor } from '../../helpers/video.ts';

const SLOW_MS = 2000;
const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** `npm start`'s entry point on an ephemeral port; resolves with its URL once it logs that it listens. */
async function startMain(
  t: TestContext,
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; exited: Promise<[number | null, string | null]>; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-shutdown-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SIGHTLINE_DATA_DIR: dataDir,
      SIGHTLINE_SERVE_EDITOR: 'false',
      SIGHTLINE_SEED_EXAMPLES: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  for await (const line of readline.createInterface({ input: child.stdout! })) {
    const entry = JSON.parse(line) as { url?: string; msg: string };
    if (entry.msg.startsWith('Sightline listening')) {
      assert.match(entry.url!, /^http:\/\/127\.0\.0\.1:\d+$/);
      // Keep draining its output so the child never blocks on a full pipe.
      child.stdout!.resume();
      return { url: entry.url!, child, exited, dataDir };
    }
  }
  throw new Error('server exited before listening');
}

test('SIGTERM during a slow request: readiness fails, the request finishes, exit code 0', async (t) => {
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
  // An image server that answers slowly: the run waits on it, so the request is in flight during shutdown.
  let imageRequested!: () => void;
  const requested = new Promise<void>((resolve) => (imageRequested = resolve));
  const images = http.createServer((_req, res) => {
    imageRequested();
    setTimeout(() => res.end(png), SLOW_MS);
  });
  images.listen(0, '127.0.0.1');
  await once(images, 'listening');
  t.after(() => {
    images.closeAllConnections();
    images.close();
  });
  const imagePort = (images.address() as { port: number }).port;
  const { url, child, exited } = await startMain(t, {
    ALLOW_PRIVATE_URL_INPUT: 'true',
    SHUTDOWN_DRAIN_MS: '600',
    SHUTDOWN_TIMEOUT_MS: '10000',
  });
  assert.equal((await fetch(`${url}/readiness`)).status, 200);

  const definition = {
    version: '1.0',
    inputs: [{ type: 'InferenceImage', name: 'image' }],
    steps: [
      {
        type: 'roboflow_core/property_definition@v1',
        name: 'w',
        data: '$inputs.image',
        operations: [{ type: 'ExtractImageProperty', property_name: 'width' }],
      },
    ],
    outputs: [{ type: 'JsonField', name: 'width', selector: '$steps.w.output' }],
  };
  const slow = fetch(`${url}/workflows/run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      specification: definition,
      inputs: { image: { type: 'url', value: `http://127.0.0.1:${imagePort}/slow.png` } },
    }),
  });
  await requested;
  child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 150));
  // Draining: not ready for new work, still alive.
  const readiness = await fetch(`${url}/readiness`);
  assert.equal(readiness.status, 503);
  assert.match(((await readiness.json()) as { message: string }).message, /shutting down/);
  assert.equal((await fetch(`${url}/healthz`)).status, 200);

  const response = await slow;
  assert.equal(response.status, 200);
  assert.deepEqual(((await response.json()) as { outputs: unknown }).outputs, [{ width: 40 }]);
  // After the drain the listener is closed.
  await assert.rejects(fetch(`${url}/healthz`));
  const [code] = await exited;
  assert.equal(code, 0);
});

test(
  'SIGTERM with a live-stream pipeline running: the pipeline and its ffmpeg stop, exit code 0',
  { skip: hasFfmpeg ? false : 'needs ffmpeg' },
  async (t) => {
    // A live stream (ffmpeg serving MPEG-TS on 127.0.0.1) keeps the pipeline's own ffmpeg decoding until stopped.
    const port = await freePort();
    const stream = serveLiveStream(port);
    t.after(() => stopProcess(stream));
    const { url, child, exited } = await startMain(t, { URL_INPUT_ALLOW_LIST: '127.0.0.1' });
    const workflow = {
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [
        {
          type: 'roboflow_core/property_definition@v1',
          name: 'w',
          data: '$inputs.image',
          operations: [{ type: 'ExtractImageProperty', property_name: 'width' }],
        },
      ],
      outputs: [{ type: 'JsonField', name: 'width', selector: '$steps.w.output' }],
    };
    const init = await fetch(`${url}/inference_pipelines/initialise`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        video_configuration: { type: 'VideoConfiguration', video_reference: `tcp://127.0.0.1:${port}` },
        processing_configuration: {
          type: 'WorkflowConfiguration',
          workflow_specification: workflow,
          image_input_name: 'image',
        },
        sink_configuration: { type: 'MemorySinkConfiguration', results_buffer_size: 64 },
      }),
    });
    const body = (await init.json()) as { context?: { pipeline_id?: string } };
    assert.equal(init.status, 200, JSON.stringify(body));
    const id = body.context!.pipeline_id!;
    // Running and decoding.
    const ffmpegPids = await waitFor(
      'the pipeline to decode',
      async () => {
        const status = (await (await fetch(`${url}/inference_pipelines/${id}/status`)).json()) as {
          report?: { state?: string };
        };
        if (status.report?.state !== 'running') return undefined;
        let listed = '';
        try {
          // The server's decoder (ffmpeg under a small sh watchdog) reads the stream: `-i tcp://...`.
          listed = execFileSync('pgrep', ['-f', '--', `-i tcp://127.0.0.1:${port}`], { encoding: 'utf8' });
        } catch {
          // pgrep exits 1 when none matches yet
        }
        const pids = listed
          .trim()
          .split('\n')
          .map(Number)
          .filter((pid) => pid > 0);
        return pids.length > 0 ? pids : undefined;
      },
      20_000,
      200,
    );

    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0);
    // ffmpeg's guard kills it as the server's pipe closes; give that kill (and init's reaping) a moment to land.
    const alive = () => ffmpegPids!.filter(pidAlive);
    for (const until = Date.now() + 2000; alive().length > 0 && Date.now() < until;)
      await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(alive(), [], 'ffmpeg left running');
  },
);
