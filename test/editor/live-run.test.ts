// The live run in headless Chromium against a real server: detect → crop → visualize on bus.jpg over the run
// channel. Every node reaches "done" with a duration, the crop node's outputs show its crops, and after changing
// the visualization's colour a second run re-runs only the visualization (the UI's message and the server's
// events agree). Screenshots go to test-output/editor/ (live-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { needsChromium, openBrowserPage, runOnImage } from './browser.ts';
import { needsShared, sharedImage } from '../helpers/shared.ts';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { watchRunFrames, type RunFrames } from './run-frames.ts';

const skip = needsChromium || needsShared;

let server: RunningServer;
let browser: Browser;
let page: Page;
let frames: RunFrames;
let shot: (name: string) => Promise<unknown>;

const STEPS = ['detect', 'crop', 'visualize'];
const definition = {
  version: '1.0',
  inputs: [{ type: 'WorkflowImage', name: 'image' }],
  steps: [
    {
      type: 'roboflow_core/roboflow_object_detection_model@v2',
      name: 'detect',
      images: '$inputs.image',
      model_id: 'yolov8n-640',
      confidence: 0.5,
    },
    {
      type: 'roboflow_core/dynamic_crop@v1',
      name: 'crop',
      images: '$inputs.image',
      predictions: '$steps.detect.predictions',
    },
    {
      type: 'roboflow_core/bounding_box_visualization@v1',
      name: 'visualize',
      image: '$inputs.image',
      predictions: '$steps.detect.predictions',
      color_palette: 'DEFAULT',
    },
  ],
  outputs: [
    { type: 'JsonField', name: 'crops', selector: '$steps.crop.crops' },
    { type: 'JsonField', name: 'annotated', selector: '$steps.visualize.image' },
  ],
};

before(async () => {
  if (skip) return;
  server = await startTestServer({ config: { serveEditor: true } });
  let shotAs: (name: string) => Promise<unknown>;
  ({ browser, page, shot: shotAs } = await openBrowserPage());
  shot = (name) => shotAs(`live-${name}`);
  frames = watchRunFrames(page);
  await page.goto(server.url);
  await page.getByTestId('open-files').click();
  await page.getByTestId('import-text').fill(JSON.stringify(definition));
  await page.getByTestId('import-button').click();
  await page.getByTestId('node-step-visualize').waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('every node reaches done with a duration; the crop node shows its crops', { skip }, async () => {
  const result = frames.next((m) => m.type === 'result');
  await runOnImage(page, sharedImage('bus.jpg'));
  const { run_id: runId } = await result;
  for (const step of STEPS) {
    const badge = page.getByTestId(`node-run-${step}`);
    await badge.waitFor();
    assert.equal(await badge.getAttribute('data-status'), 'done', step);
    assert.match(await page.getByTestId(`node-duration-${step}`).innerText(), /^(<1 ms|\d+ ms|\d+\.\d s)$/, step);
  }
  await page.getByTestId('node-thumb-visualize').waitFor();
  const crop = frames.ofRun(runId).find((m) => m.type === 'step_finished' && m.step === 'crop')!;
  assert.equal(crop.batch_size, 4, 'yolov8n finds 4 objects on bus.jpg at confidence 0.5');
  await shot('01-done');

  await page.getByTestId('node-step-crop').locator('.node-title').click();
  const outputs = page.getByTestId('step-outputs');
  await outputs.waitFor();
  assert.equal(await outputs.getByTestId('so-gallery').locator('img').count(), 4, 'a gallery of 4 crops');
  assert.match(await outputs.getByTestId('so-position').innerText(), /^1 of 4 · index \[0, 0\]$/);
  await outputs.getByTestId('so-scrubber').fill('2');
  assert.match(await outputs.getByTestId('so-position').innerText(), /^3 of 4 · index \[0, 2\]$/);
  await shot('02-crop-outputs');

  await page.getByTestId('node-step-detect').locator('.node-title').click();
  await page.getByTestId('so-detections').waitFor();
  assert.equal(await page.getByTestId('so-detections').locator('rect').count(), 4, 'boxes drawn on the image');
  await shot('03-detections');
});

test('changing the visualization colour re-runs only the visualization', { skip }, async () => {
  await page.getByTestId('node-step-visualize').locator('.node-title').click();
  await page.getByTestId('field-color_palette-input').selectOption('ROBOFLOW');
  const result = frames.next((m) => m.type === 'result');
  await page.getByTestId('run-button').click();
  const { run_id: runId, summary } = await result;
  assert.deepEqual(summary, { executed: 1, cached: 2, skipped: 0, total: 3 });
  const events = frames.ofRun(runId);
  assert.deepEqual(
    events.filter((m) => m.type === 'step_finished' && !m.cached).map((m) => m.step),
    ['visualize'],
    'the server ran only the visualization',
  );
  assert.deepEqual(
    events.filter((m) => m.type === 'step_started').map((m) => m.step),
    ['visualize'],
  );
  await page.getByTestId('run-message').waitFor();
  assert.match(await page.getByTestId('run-message').innerText(), /1 of 3 steps re-run/);
  assert.equal(await page.getByTestId('node-run-detect').getAttribute('data-status'), 'cached');
  assert.equal(await page.getByTestId('node-run-crop').getAttribute('data-status'), 'cached');
  assert.equal(await page.getByTestId('node-run-visualize').getAttribute('data-status'), 'done');
  await shot('04-rerun');
});

test('"Run to here" on the crop node runs only its ancestors', { skip }, async () => {
  const result = frames.next((m) => m.type === 'result');
  await page.getByTestId('node-step-crop').locator('.node-title').click();
  await page.getByTestId('run-to-here-crop').click();
  const { run_id: runId } = await result;
  const skipped = frames.ofRun(runId).filter((m) => m.type === 'step_skipped');
  assert.deepEqual(
    skipped.map((m) => [m.step, m.reason]),
    [['visualize', 'not_requested']],
  );
  assert.equal(await page.getByTestId('node-run-visualize').getAttribute('data-status'), 'skipped');
  await shot('05-run-to-here');
});

test('a video file as the input: frames run one after another, nodes update, pause and stop', { skip }, async () => {
  // bus.jpg held for 3 s as a VP8 video (what Chromium plays without proprietary codecs). libvpx's realtime
  // deadline: its default ("good") took 20 s of a loaded 2-core machine for these 30 frames, realtime 1 s.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-live-'));
  const video = path.join(dir, 'bus.webm');
  try {
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-loop',
      '1',
      '-framerate',
      '10',
      '-i',
      sharedImage('bus.jpg'),
      '-t',
      '3',
      '-r',
      '10',
      '-vf',
      'scale=640:-2',
      '-c:v',
      'libvpx',
      '-b:v',
      '1M',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-y',
      video,
    ]);
    const before = frames.messages.filter((m) => m.type === 'result').length;
    await page.getByTestId('live-file-image').setInputFiles(video);
    const status = page.getByTestId('live-status');
    await status.waitFor();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="live-status"]')?.getAttribute('data-frames')) >= 2,
      undefined,
      { timeout: 60_000 },
    );
    const results = frames.messages.filter((m) => m.type === 'result').slice(before);
    assert.ok(results.length >= 2, `${results.length} frames ran`);
    // Each frame is a new image: everything runs again (nothing from the cache), with video metadata.
    const last = frames.ofRun(results.at(-1)!.run_id);
    assert.deepEqual(
      last
        .filter((m) => m.type === 'step_finished' && !m.cached)
        .map((m) => m.step)
        .sort(),
      [...STEPS].sort(),
    );
    // Generous: on a loaded machine the page is busy decoding and drawing every frame's outputs.
    await page.getByTestId('live-pause').click({ timeout: 90_000 });
    assert.match(await status.innerText(), /paused/);
    // The frame in flight finishes; then every node shows it.
    await page.locator('[data-testid="run-progress"][data-running="no"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.getByTestId('node-run-visualize').getAttribute('data-status'), 'done');
    await page.getByTestId('node-thumb-visualize').waitFor();
    await shot('06-video');
    await page.getByTestId('live-stop').click();
    await status.waitFor({ state: 'detached' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
