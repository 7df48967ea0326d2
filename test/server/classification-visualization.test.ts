// Classification visualization over HTTP: `visualize_predictions: true` on /infer/classification adds a base64
// JPEG with the predicted class drawn in Roboflow's class colour at the top left; not requested → absent; the
// legacy route with format=image answers the JPEG itself. The classifier is the bundled PaddleOCR text-direction
// model installed as a Roboflow package.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import sharp from 'sharp';
import { installModelPackage } from '../../blocks/models/package.ts';
import { ocrAssetPath } from '../../blocks/models/ocr/ocr-engine.ts';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { post } from './http.ts';

const MODEL_ID = 'text-direction/3';
let server: RunningServer;
let png: Buffer;

before(async () => {
  server = await startTestServer();
  await installModelPackage(ocrAssetPath('direction'), MODEL_ID, server.config.modelCacheDir, {
    classNames: ['0', '180'],
    environment: {
      PREPROCESSING: { resize: { enabled: true, width: 192, height: 48, format: 'Stretch to' } },
      CLASS_MAP: { '0': '0', '1': '180' },
    },
  });
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="576" height="144"><rect width="100%" height="100%" fill="white"/>' +
    '<text x="16" y="120" font-family="DejaVu Sans, sans-serif" font-size="64" fill="black">Sightline 2026</text></svg>';
  png = await sharp(Buffer.from(svg)).png().toBuffer();
});
after(async () => {
  await server?.close();
});

async function topLeftColour(jpeg: Buffer): Promise<number[]> {
  const { data } = await sharp(jpeg)
    .extract({ left: 2, top: 2, width: 1, height: 1 })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return [...data];
}

test('visualize_predictions draws the top class; absent unless requested', async () => {
  const image = { type: 'base64', value: png.toString('base64') };
  const plain = await post(server, '/infer/classification', { model_id: MODEL_ID, image });
  assert.equal(plain.status, 200, JSON.stringify(plain.body).slice(0, 300));
  assert.equal(plain.body.visualization, undefined);
  const res = await post(server, '/infer/classification', { model_id: MODEL_ID, image, visualize_predictions: true });
  assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
  const jpeg = Buffer.from(res.body.visualization, 'base64');
  const meta = await sharp(jpeg).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.deepEqual([meta.width, meta.height], [576, 144]);
  fs.mkdirSync('test-output', { recursive: true });
  fs.writeFileSync('test-output/classification-visualization.jpg', jpeg);
  // The top class's id picks Roboflow's palette colour behind the label (#A351FB for 0, #FF4040 for 1).
  const topId = res.body.predictions[0].class_id;
  const expected = topId === 0 ? [0xa3, 0x51, 0xfb] : [0xff, 0x40, 0x40];
  const colour = await topLeftColour(jpeg);
  assert.ok(
    colour.every((c, i) => Math.abs(c - expected[i]!) < 30),
    `${colour} vs ${expected}`,
  );
});

test('legacy format=image on a classifier returns the JPEG', async () => {
  const response = await fetch(`${server.url}/text-direction/3?format=image`, {
    method: 'POST',
    body: png.toString('base64'),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(response.headers.get('content-type'), 'image/jpeg');
  const jpeg = Buffer.from(await response.arrayBuffer());
  assert.equal((await sharp(jpeg).metadata()).width, 576);
});
