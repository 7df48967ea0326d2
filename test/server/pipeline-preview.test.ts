// The MJPEG preview as a user sees it: a page in headless Chromium with <img src=".../preview"> shows the
// pipeline's image output, live, at the video's size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { startTestServer } from '../helpers/server.ts';
import { movingBoxVideo, tempDir } from '../helpers/video.ts';

const CHROMIUM = '/usr/bin/chromium';
const needsChromium = fs.existsSync(CHROMIUM) ? false : `needs Debian's chromium at ${CHROMIUM}`;

test('a browser <img> shows the MJPEG preview of an image output', { skip: needsChromium }, async () => {
  const media = tempDir();
  const video = movingBoxVideo(path.join(media, 'box.mp4'), { seconds: 3, fps: 10 });
  const server = await startTestServer({ env: { SIGHTLINE_MEDIA_DIRS: media, LOG_LEVEL: 'silent' } });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const response = await fetch(`${server.url}/inference_pipelines/initialise`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        video_configuration: { type: 'VideoConfiguration', video_reference: video, max_fps: 10 },
        processing_configuration: {
          type: 'WorkflowConfiguration',
          workflow_specification: {
            version: '1.0',
            inputs: [{ type: 'WorkflowImage', name: 'image' }],
            steps: [{ type: 'roboflow_core/image_blur@v1', name: 'blur', image: '$inputs.image', kernel_size: 5 }],
            outputs: [{ type: 'JsonField', name: 'blurred', selector: '$steps.blur.image' }],
          },
        },
      }),
    });
    const id = ((await response.json()) as { context: { pipeline_id: string } }).context.pipeline_id;
    const page = await browser.newPage({ viewport: { width: 400, height: 300 } });
    await page.setContent(`<img id="live" src="${server.url}/inference_pipelines/${id}/preview?output=blurred">`);
    await page.waitForFunction(() => (document.getElementById('live') as HTMLImageElement).naturalWidth > 0, null, {
      timeout: 30_000,
    });
    const size = await page.evaluate(() => {
      const img = document.getElementById('live') as HTMLImageElement;
      return [img.naturalWidth, img.naturalHeight];
    });
    assert.deepEqual(size, [320, 240]);
    // The red box is on screen: sample the rendered picture.
    const shot = await page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 240 } });
    fs.mkdirSync(path.join('test-output'), { recursive: true });
    fs.writeFileSync(path.join('test-output', 'pipeline-preview.png'), shot);
    const { data, info } = await sharp(shot).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let red = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i]! > 200 && data[i + 1]! < 60) red++;
    assert.ok(red > 1000, `red pixels on screen: ${red}`);
  } finally {
    await browser.close();
    await server.pipelines.terminateAll();
    await server.close();
    fs.rmSync(media, { recursive: true, force: true });
  }
});
