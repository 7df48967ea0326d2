// `sightline run --server URL`: the bin script in a child process sends a folder of images to a real server as a
// batch job and writes the results as JSON Lines in input order; image outputs can be downloaded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/shared.ts';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { tempDir } from '../helpers/video.ts';
import { BLUR_WORKFLOW, colourPng } from '../jobs/workflow-fixtures.ts';

const BIN = path.join(REPO_ROOT, 'cli/sightline.mjs');

let server: RunningServer;
let dir: string;
let workflow: string;
let folder: string;

before(async () => {
  server = await startTestServer();
  dir = tempDir('sightline-cli-remote-');
  workflow = path.join(dir, 'workflow.json');
  fs.writeFileSync(workflow, JSON.stringify(BLUR_WORKFLOW));
  folder = path.join(dir, 'photos');
  fs.mkdirSync(folder);
  for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(folder, `p${i}.png`), await colourPng(i));
});
after(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

test('a folder runs on the server as a job: one JSON line per image, in order; images downloaded', async () => {
  const images = path.join(dir, 'out-images');
  const { status, stdout, stderr } = await run([
    'run',
    workflow,
    folder,
    '--server',
    server.url,
    '--param',
    'label=remote',
    '--out-images',
    images,
  ]);
  assert.equal(status, 0, stderr);
  const lines = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, any>);
  assert.deepEqual(
    lines.map((l) => l.index),
    [0, 1, 2, 3, 4],
  );
  assert.deepEqual(
    lines.map((l) => path.basename(l.file)),
    ['p0.png', 'p1.png', 'p2.png', 'p3.png', 'p4.png'],
  );
  assert.equal(lines[2]!.outputs[0].label, 'remote');
  const downloaded = lines[4]!.outputs[0].blurred.path as string;
  assert.ok(fs.existsSync(downloaded), 'the image output was downloaded');
  assert.equal(fs.readdirSync(images).length, 5);
});

test('--server refuses a video and names a bad server answer in one line', async () => {
  const notImage = path.join(dir, 'clip.mp4');
  fs.writeFileSync(notImage, 'not a video');
  const video = await run(['run', workflow, notImage, '--server', server.url]);
  assert.notEqual(video.status, 0);
  assert.match(video.stderr, /^sightline: /);

  const missing = await run(['run', 'ws/missing', folder, '--server', server.url]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^sightline: .*missing/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
});
