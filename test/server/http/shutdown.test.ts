// Graceful shutdown of the real `npm start` process: SIGTERM during a slow request finishes it and exits 0;
// readiness fails during the drain while health still answers; then the listener closes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';
import sharp from 'sharp';
import { REPO_ROOT } from '../../helpers/shared.ts';

const SLOW_MS = 2000;

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
  const imagePort = (images.address() as { port: number }).port;

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
      ALLOW_PRIVATE_URL_INPUT: 'true',
      SHUTDOWN_DRAIN_MS: '600',
      SHUTDOWN_TIMEOUT_MS: '10000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => {
    child.kill('SIGKILL');
    images.closeAllConnections();
    images.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  const lines = readline.createInterface({ input: child.stdout! });
  let url = '';
  for await (const line of lines) {
    const entry = JSON.parse(line) as { url?: string; msg: string };
    if (entry.msg.startsWith('Sightline listening')) {
      url = entry.url!;
      break;
    }
  }
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
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
