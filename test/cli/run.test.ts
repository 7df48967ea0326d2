// `sightline run` as a user runs it: the bin script in a child process over a folder of images and a generated
// video, checking the JSON Lines and the written video with ffprobe; errors and Ctrl-C.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/shared.ts';
import { movingBoxVideo, probeFrames, tempDir } from '../helpers/video.ts';

const BIN = path.join(REPO_ROOT, 'cli/sightline.mjs');
const WORKFLOW = {
  version: '1.0',
  inputs: [
    { type: 'WorkflowImage', name: 'image' },
    { type: 'WorkflowParameter', name: 'kernel', default_value: 5 },
  ],
  steps: [{ type: 'roboflow_core/image_blur@v1', name: 'blur', image: '$inputs.image', kernel_size: '$inputs.kernel' }],
  outputs: [
    { type: 'JsonField', name: 'blurred', selector: '$steps.blur.image' },
    { type: 'JsonField', name: 'kernel', selector: '$inputs.kernel' },
  ],
};

let dir: string;
let workflow: string;
let video: string;
let folder: string;
const env = { ...process.env, SIGHTLINE_DATA_DIR: '' };

before(() => {
  dir = tempDir('sightline-cli-');
  env.SIGHTLINE_DATA_DIR = path.join(dir, 'data');
  workflow = path.join(dir, 'workflow.json');
  fs.writeFileSync(workflow, JSON.stringify(WORKFLOW));
  video = movingBoxVideo(path.join(dir, 'box.mp4'), { seconds: 2, fps: 10 });
  folder = path.join(dir, 'frames');
  fs.mkdirSync(folder);
  execFileSync('ffmpeg', ['-loglevel', 'error', '-i', video, '-frames:v', '4', path.join(folder, 'f%02d.png')]);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', stdio: 'pipe' });
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { status: number | null; stdout: string; stderr: string };
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

test('a folder of images: one JSON line per image, in name order, with --param applied', () => {
  const r = run(['run', workflow, folder, '--param', 'kernel=3']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 4);
  assert.deepEqual(
    lines.map((l) => path.basename(l.file)),
    ['f01.png', 'f02.png', 'f03.png', 'f04.png'],
  );
  assert.deepEqual(
    lines.map((l) => l.frame_id),
    [1, 2, 3, 4],
  );
  assert.equal(lines[0].outputs.kernel, 3);
  assert.deepEqual(lines[0].outputs.blurred, { type: 'image', width: 320, height: 240 });
});

test('a video: JSONL to --out, an annotated video (ffprobe: every frame, same size), images to a folder', () => {
  const out = path.join(dir, 'results.jsonl');
  const outVideo = path.join(dir, 'annotated.mp4');
  const outImages = path.join(dir, 'images');
  const r = run(['run', workflow, video, '--out', out, '--out-video', outVideo, '--out-images', outImages]);
  assert.equal(r.status, 0, r.stderr);
  const lines = fs
    .readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => l.frame_id),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  assert.deepEqual(probeFrames(outVideo), { frames: 20, width: 320, height: 240 });
  assert.equal(fs.readdirSync(outImages).length, 20);
  assert.ok(fs.existsSync(lines[0].outputs.blurred.path));
});

test('errors exit non-zero with a one-line reason', () => {
  const missing = run(['run', workflow, path.join(dir, 'nope.mp4')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^sightline: .*does not exist\n$/);
  const badWorkflow = run(['run', path.join(dir, 'nope.json'), video]);
  assert.equal(badWorkflow.status, 1);
  assert.match(badWorkflow.stderr, /neither a JSON file nor workspace\/workflow_id/);
  const noImage = run(['run', workflow, video, '--out-video', path.join(dir, 'x.mp4'), '--video-output', 'kernel']);
  assert.equal(noImage.status, 1);
  assert.match(noImage.stderr, /output 'kernel' is not an image/);
});

test('Ctrl-C stops cleanly and keeps what was written', async () => {
  const out = path.join(dir, 'partial.jsonl');
  const outVideo = path.join(dir, 'partial.mp4');
  const child = spawn(
    process.execPath,
    [BIN, 'run', workflow, video, '--out', out, '--out-video', outVideo, '--max-fps', '4'],
    {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const until = Date.now() + 30_000;
  while (!(fs.existsSync(out) && fs.readFileSync(out, 'utf8').split('\n').length > 3) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /stopped after \d+ frames/);
  const lines = fs
    .readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(lines.length >= 3 && lines.length < 20, `${lines.length} lines`);
  const probed = probeFrames(outVideo);
  assert.equal(probed.frames, lines.length, 'the video holds exactly the frames written');
});
