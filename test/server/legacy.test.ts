// The legacy /{dataset}/{version} route as Roboflow's own client uses it, and what other unknown paths answer:
// 501 naming the feature for Roboflow routes we do not serve, plain JSON 404 for anything else.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { needsShared } from '../helpers/shared.ts';
import { get, imageBase64, post } from './http.ts';

let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.close();
});

describe('legacy route and inference_sdk v0', () => {
  test(
    'raw base64 labelled application/json is read as the image (inference_sdk v0 mode)',
    { skip: needsShared },
    async () => {
      const res = await post(server, '/coco/3?confidence=50', imageBase64('bus.jpg'), {
        'content-type': 'application/json',
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.image, { width: 810, height: 1080 });
      assert.ok(res.body.predictions.some((p: { class: string }) => p.class === 'bus'));
    },
  );

  test('JSON bodies elsewhere are still parsed as JSON (malformed JSON is a 400 there)', async () => {
    const res = await post(server, '/workflows/validate', '{"a":', { 'content-type': 'application/json' });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /Malformed JSON/);
  });

  test('only plausible dataset/numeric-version pairs reach the model route', async () => {
    for (const path of ['/some/thing', '/coco/latest', '/coco/3.5', '/coco/v3', '/.env/1']) {
      const res = await post(server, path, { hello: 'world' });
      assert.equal(res.status, 404, `${path}: ${JSON.stringify(res.body)}`);
      // Roboflow's body plus the request id every error body carries.
      assert.deepEqual(res.body, { detail: 'Not Found', request_id: res.headers.get('x-request-id') });
    }
    const res = await get(server, '/a/b/c');
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { detail: 'Not Found', request_id: res.headers.get('x-request-id') });
  });

  test('a plausible model path without a body still asks for the image', async () => {
    const res = await post(server, '/my-project/12', '', { 'content-type': 'text/plain' });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /base64/);
  });
});

describe('Roboflow features we do not serve', () => {
  const cases: Array<[string, RegExp, string]> = [
    ['/clip/embed_image', /CLIP/, 'model_package_unavailable'],
    ['/clip/compare', /CLIP/, 'model_package_unavailable'],
    ['/sam/embed_image', /Segment Anything/, 'model_package_unavailable'],
    ['/sam2/segment_image', /Segment Anything/, 'model_package_unavailable'],
    ['/gaze/gaze_detection', /gaze/, 'model_package_unavailable'],
    ['/infer/lmm', /multimodal/, 'model_package_unavailable'],
    ['/infer/lmm/florence-2-base', /multimodal/, 'model_package_unavailable'],
    ['/infer/depth-estimation', /depth/, 'model_package_unavailable'],
    ['/yolo_world/infer', /YOLO-World/, 'model_package_unavailable'],
    ['/owlv2/infer', /OWLv2/, 'model_package_unavailable'],
    ['/grounding_dino/infer', /Grounding DINO/, 'model_package_unavailable'],
    ['/perception_encoder/embed_text', /Perception Encoder/, 'model_package_unavailable'],
    ['/easy_ocr/ocr', /EasyOCR/, 'model_package_unavailable'],
    ['/ocr/trocr', /TrOCR/, 'model_package_unavailable'],
    ['/initialise_webrtc_worker', /WebRTC/, 'cloud_service_required'],
  ];
  for (const [path, feature, reason] of cases) {
    test(`${path} → 501 naming the feature`, async () => {
      const res = await post(server, path, { image: { type: 'url', value: 'http://example.com/x.jpg' } });
      assert.equal(res.status, 501, JSON.stringify(res.body));
      assert.match(res.body.message, feature);
      assert.match(res.body.message, /not available on this server/);
      assert.equal(res.body.reason, reason);
    });
  }

  test('a served route next to an unserved one is unaffected', async () => {
    const res = await post(server, '/doctr/ocr', { image: 5 });
    assert.equal(res.status, 422);
  });
});
