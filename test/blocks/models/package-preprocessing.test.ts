// Downloaded packages must load once cached: an environment without PREPROCESSING gets Roboflow's defaults
// (stretch to the network input) and serves requests; one whose PREPROCESSING is not JSON is refused at download
// with a clear error and nothing is kept (the next request tries again instead of failing on a broken cache).
// Over HTTP against a local server speaking Roboflow's model API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FakeRoboflowApi } from '../../helpers/fake-roboflow-api.ts';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { needsShared } from '../../helpers/shared.ts';
import { imageInput, post } from '../../server/http.ts';

let api: FakeRoboflowApi;
let server: RunningServer;
before(async () => {
  api = new FakeRoboflowApi();
  await api.start();
  server = await startTestServer({ config: { apiBaseUrl: api.baseUrl } });
});
after(async () => {
  await server?.close();
  await api?.stop();
});

test(
  'no PREPROCESSING: Roboflow defaults are filled at download and the model serves',
  { skip: needsShared },
  async () => {
    const res = await post(server, '/infer/object_detection', {
      model_id: 'no-preproc/1',
      api_key: 'good-key',
      image: imageInput('bus.jpg'),
    });
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 400));
    assert.ok(res.body.predictions.length > 0);
    const env = JSON.parse(
      fs.readFileSync(path.join(server.config.modelCacheDir, 'no-preproc', '1', 'environment.json'), 'utf8'),
    );
    assert.deepEqual(env.PREPROCESSING.resize, { enabled: true, width: 640, height: 640, format: 'Stretch to' });
  },
);

test(
  'unreadable PREPROCESSING: refused at download with a clear error, nothing cached',
  { skip: needsShared },
  async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await post(server, '/infer/object_detection', {
        model_id: 'bad-preproc/1',
        api_key: 'good-key',
        image: imageInput('bus.jpg'),
      });
      assert.ok(res.status >= 400, `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      assert.match(JSON.stringify(res.body), /PREPROCESSING is not a JSON object.*not kept/);
      assert.equal(fs.existsSync(path.join(server.config.modelCacheDir, 'bad-preproc', '1')), false);
    }
    assert.equal(
      api.ortRequests.filter((r) => r.startsWith('bad-preproc/1')).length,
      2,
      'each request retried the download',
    );
  },
);
