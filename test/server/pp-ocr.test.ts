// POST /ocr/pp-ocr (Roboflow's PP-OCR route) on the bundled PaddleOCR models: two rendered lines of text come back
// as line boxes in reading order, `result` joins them with a newline; stage resolution and its 422s; recognition
// off gives boxes with empty classes; list input gives a list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { readingOrder, resolvePpOcrStages } from '../../server/pp-ocr.ts';
import { post } from './http.ts';

let server: RunningServer;
let image: { type: string; value: string };
before(async () => {
  server = await startTestServer();
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="240"><rect width="100%" height="100%" fill="white"/>` +
    `<g font-size="48" font-family="DejaVu Sans, sans-serif" fill="black">` +
    `<text x="30" y="80">HELLO WORLD</text><text x="30" y="190">SECOND 2026</text></g></svg>`;
  image = { type: 'base64', value: (await sharp(Buffer.from(svg)).png().toBuffer()).toString('base64') };
});
after(async () => {
  await server?.close();
});

test('stage resolution (Roboflow rules)', () => {
  assert.equal(resolvePpOcrStages({}).modelId, 'pp_ocr/small-small');
  assert.equal(resolvePpOcrStages({ pp_ocr_version_id: 'tiny' }).modelId, 'pp_ocr/tiny-tiny');
  assert.equal(resolvePpOcrStages({ pp_ocr_version_id: 'tiny-medium' }).modelId, 'pp_ocr/tiny-medium');
  assert.equal(resolvePpOcrStages({ text_detection: 'MEDIUM' }).modelId, 'pp_ocr/medium-small');
  assert.equal(resolvePpOcrStages({ text_recognition: null }).modelId, 'pp_ocr/small-none');
  assert.equal(
    resolvePpOcrStages({ text_detection: 'tiny', pp_ocr_version_id: 'medium' }).modelId,
    'pp_ocr/tiny-small',
    'explicit stages win over the version id',
  );
  assert.throws(() => resolvePpOcrStages({ pp_ocr_version_id: 'a-b-c' }), /pp_ocr_version_id/);
  assert.throws(() => resolvePpOcrStages({ text_detection: 'huge' }), /text_detection/);
  assert.throws(() => resolvePpOcrStages({ text_detection: null, text_recognition: 'none' }), /both be none/);
});

test('reading order: lines top to bottom, boxes left to right within a line', () => {
  const box = (x: number, y: number, cls: string) => ({ x, y, width: 40, height: 20, class: cls });
  const lines = readingOrder([box(200, 52, 'b'), box(100, 100, 'c'), box(50, 50, 'a')]);
  assert.deepEqual(
    lines.map((l) => l.map((p) => p.class)),
    [['a', 'b'], ['c']],
  );
});

test('two lines of text: predictions per line, result joined by a newline, parent_id null', async () => {
  const res = await post(server, '/ocr/pp-ocr', { image });
  assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 400));
  assert.deepEqual(Object.keys(res.body), ['result', 'image', 'predictions', 'time', 'parent_id']);
  assert.equal(res.body.parent_id, null);
  assert.deepEqual(res.body.image, { width: 640, height: 240 });
  const lines = res.body.result.split('\n');
  assert.equal(lines.length, 2, res.body.result);
  assert.match(lines[0].toUpperCase(), /HELLO/);
  assert.match(lines[1].toUpperCase(), /SECOND/);
  assert.ok(res.body.predictions.length >= 2);
  for (const p of res.body.predictions) {
    assert.deepEqual(Object.keys(p), ['x', 'y', 'width', 'height', 'confidence', 'class', 'class_id', 'detection_id']);
    assert.equal(p.class_id, 0);
  }
  assert.ok(res.body.predictions[0].y < res.body.predictions.at(-1).y);
});

test('recognition off: boxes with empty classes and an empty result; a list gives a list', async () => {
  const res = await post(server, '/ocr/pp-ocr', { image: [image, image], text_recognition: 'none' });
  assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 400));
  assert.ok(Array.isArray(res.body));
  assert.equal(res.body.length, 2);
  assert.equal(res.body[0].result, '');
  assert.ok(res.body[0].predictions.length >= 2);
  assert.ok(res.body[0].predictions.every((p: { class: string }) => p.class === ''));
});

test('invalid stages → 422 naming the field; detection off → 501 saying why; no image → 422', async () => {
  const bad = await post(server, '/ocr/pp-ocr', { image, text_detection: 'huge' });
  assert.equal(bad.status, 422);
  assert.deepEqual(bad.body.detail[0].loc, ['body', 'text_detection']);
  const none = await post(server, '/ocr/pp-ocr', { image, text_detection: 'none' });
  assert.equal(none.status, 501);
  assert.match(none.body.message, /recognition without detection/);
  const missing = await post(server, '/ocr/pp-ocr', {});
  assert.equal(missing.status, 422);
});
