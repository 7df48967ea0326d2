// /metrics, request logs, request ids and /info against a real server: counters move after real runs, log lines
// carry the request id and never image data or keys.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { startTestServer, TEST_MODEL_ID, type RunningServer } from '../../helpers/server.ts';
import { hasShared, needsShared, sharedModel } from '../../helpers/shared.ts';
import { installModelPackage } from '../../../blocks/models/package.ts';
import { get, post, imageBase64 } from '../http.ts';

const KEY = 'sk-observability-test-key-5f1c9a';
const ROBOFLOW_KEY = 'rf-roboflow-cloud-key-77aa31';

const widthWorkflow = {
  version: '1.0',
  inputs: [{ type: 'InferenceImage', name: 'image' }],
  steps: [
    {
      type: 'roboflow_core/property_definition@v1',
      name: 'width',
      data: '$inputs.image',
      operations: [{ type: 'ExtractImageProperty', property_name: 'width' }],
    },
  ],
  outputs: [{ type: 'JsonField', name: 'width', selector: '$steps.width.output' }],
};

interface Scrape {
  families: PrometheusFamily[];
  text: string;
}

async function metrics(server: RunningServer): Promise<Scrape> {
  const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await res.text();
  // The Prometheus text parser throws on any malformed line.
  return { families: parsePrometheusTextFormat(text), text };
}

function family(scrape: Scrape, name: string): PrometheusFamily {
  const found = scrape.families.find((f) => f.name === name);
  assert.ok(found, `metric ${name} missing`);
  return found;
}

/**
 * Sum of the samples named `sample` (a counter, or a histogram's `_count`) whose labels include `labels`. Read from
 * the sample lines: the parser folds histogram series together and loses their labels.
 */
function total(scrape: Scrape, sample: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of scrape.text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== sample) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(match[3]);
  }
  return sum;
}

describe('observability', () => {
  let server: RunningServer;
  let logFile: string;
  let png: string;

  before(async () => {
    logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-log-')), 'server.log');
    server = await startTestServer({
      env: { LOG_LEVEL: 'info', LOG_FILE: logFile, SIGHTLINE_API_KEY: KEY, ROBOFLOW_API_KEY: ROBOFLOW_KEY },
    });
    const pixels = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3080c0' } })
      .png()
      .toBuffer();
    png = pixels.toString('base64');
  });
  after(async () => {
    await server?.close();
    fs.rmSync(path.dirname(logFile), { recursive: true, force: true });
  });

  test('/metrics parses as Prometheus text and has process, model and pipeline families', async () => {
    const families = await metrics(server);
    for (const name of [
      'process_cpu_user_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'sightline_http_requests_total',
      'sightline_models_loaded',
      'sightline_pipelines_running',
      'sightline_pipeline_dropped_frames_total',
    ]) {
      family(families, name);
    }
    assert.equal(family(families, 'sightline_http_request_duration_seconds').type, 'HISTOGRAM');
  });

  test('counters move after a workflow run, labelled by route template and block type', async () => {
    const before = await metrics(server);
    const res = await post(
      server,
      '/workflows/run',
      { specification: widthWorkflow, inputs: { image: { type: 'base64', value: png } } },
      { authorization: `Bearer ${KEY}` },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.outputs, [{ width: 64 }]);
    const afterRun = await metrics(server);
    const delta = (name: string, labels?: Record<string, string>) =>
      total(afterRun, name, labels) - total(before, name, labels);
    assert.equal(delta('sightline_http_requests_total', { route: '/workflows/run', status: '200' }), 1);
    assert.equal(delta('sightline_workflow_run_duration_seconds_count', { outcome: 'ok' }), 1);
    assert.equal(
      delta('sightline_step_duration_seconds_count', {
        block_type: 'roboflow_core/property_definition@v1',
        outcome: 'ok',
      }),
      1,
    );
    assert.equal(delta('sightline_images_decoded_total'), 1);
    assert.equal(delta('sightline_image_decoded_bytes_total'), Buffer.from(png, 'base64').length);
  });

  test('route labels are templates, never raw ids', async () => {
    await get(server, '/workspaces/some-ws/workflows/secret-workflow-id-123', { authorization: `Bearer ${KEY}` });
    await get(server, '/no/such/path/at/all', { authorization: `Bearer ${KEY}` });
    const text = await (await fetch(`${server.url}/metrics?api_key=${KEY}`)).text();
    assert.ok(!text.includes('secret-workflow-id-123'));
    assert.ok(!text.includes('/no/such/path'));
    assert.match(text, /route="\/workspaces\/:workspace\/workflows\/:workflowId"/);
    assert.match(text, /route="unmatched",status="404"/);
  });

  test('model inference latency per model id and task, loads and loaded models', { skip: needsShared }, async () => {
    const before = await metrics(server);
    const res = await post(
      server,
      '/infer/object_detection',
      { model_id: TEST_MODEL_ID, image: { type: 'base64', value: imageBase64('bus.jpg') } },
      { authorization: `Bearer ${KEY}` },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const afterRun = await metrics(server);
    const labels = { model_id: TEST_MODEL_ID, task: 'object-detection' };
    assert.ok(
      total(afterRun, 'sightline_model_inference_duration_seconds_count', labels) >
        total(before, 'sightline_model_inference_duration_seconds_count', labels),
    );
    assert.ok(total(afterRun, 'sightline_model_load_duration_seconds_count', { outcome: 'ok' }) >= 1);
    assert.ok(total(afterRun, 'sightline_models_loaded') >= 1);
  });

  test('X-Request-Id: a caller id is echoed, else one is generated; error bodies carry it', async () => {
    const given = await get(server, '/info', { 'x-request-id': 'trace-abc.123', authorization: `Bearer ${KEY}` });
    assert.equal(given.headers.get('x-request-id'), 'trace-abc.123');
    const generated = await get(server, '/healthz');
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    // A header value that is not a plain token is replaced, not echoed into logs.
    const hostile = await get(server, '/healthz', { 'x-request-id': 'x'.repeat(300) });
    assert.match(hostile.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const failed = await post(
      server,
      '/workflows/run',
      {},
      { 'x-request-id': 'err-42', authorization: `Bearer ${KEY}` },
    );
    assert.equal(failed.status, 422);
    assert.equal(failed.body.request_id, 'err-42');
    assert.equal(failed.headers.get('x-request-id'), 'err-42');
    const unauthorized = await post(server, '/workflows/run', {}, { 'x-request-id': 'no-key-7' });
    assert.equal(unauthorized.status, 401);
    assert.equal(unauthorized.body.request_id, 'no-key-7');
  });

  test('/info reports versions', async () => {
    const res = await get(server, '/info', { authorization: `Bearer ${KEY}` });
    assert.equal(res.status, 200);
    assert.equal(res.body.name, 'Sightline Inference Server');
    assert.equal(res.body.versions.execution_engine, '1.15.0');
    assert.equal(res.body.versions.node, process.versions.node);
    assert.match(res.body.versions['onnxruntime-node'], /^\d+\.\d+/);
    assert.match(res.body.versions.libvips, /^\d+\.\d+/);
  });

  test('logs: one JSON line per request with id, route, status, duration; no image data, no keys', async () => {
    const id = 'log-check-1';
    await post(
      server,
      `/workflows/run?api_key=${KEY}`,
      { specification: widthWorkflow, inputs: { image: { type: 'base64', value: png } }, api_key: KEY },
      { 'x-request-id': id },
    );
    // A failing run: the error's class and step are logged (no stack for a client error).
    const failing = {
      version: '1.0',
      inputs: [{ type: 'WorkflowParameter', name: 'x' }],
      steps: [
        {
          type: 'roboflow_core/property_definition@v1',
          name: 'bad',
          data: '$inputs.x',
          operations: [{ type: 'ExtractImageProperty', property_name: 'width' }],
        },
      ],
      outputs: [{ type: 'JsonField', name: 'o', selector: '$steps.bad.output' }],
    };
    await post(
      server,
      '/workflows/run',
      { specification: failing, inputs: { x: 3 } },
      { 'x-request-id': 'log-check-2', authorization: `Bearer ${KEY}` },
    );
    await post(server, '/workflows/run', {}, { authorization: 'Bearer wrong-key-value-99', 'x-request-id': 'log-3' });
    const lines = fs
      .readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    const line = lines.find((l) => l.request_id === id);
    assert.ok(line, 'request line present');
    assert.equal(line.method, 'POST');
    assert.equal(line.route, '/workflows/run');
    assert.equal(line.status, 200);
    assert.equal(typeof line.duration_ms, 'number');
    assert.equal(line.url, '/workflows/run?api_key=%5Bredacted%5D');
    const failed = lines.find((l) => l.request_id === 'log-check-2');
    assert.equal(failed?.status, 400, JSON.stringify(failed));
    assert.equal(failed.err.type, 'InvalidInputTypeError');
    assert.equal(failed.err.step, 'bad');
    assert.equal(failed.err.stack, undefined);
    assert.equal(failed.level, 40);
    const text = fs.readFileSync(logFile, 'utf8');
    assert.ok(!text.includes(KEY), 'access key logged');
    assert.ok(!text.includes(ROBOFLOW_KEY), 'Roboflow key logged');
    assert.ok(!text.includes('wrong-key-value-99'), 'a wrong key logged');
    assert.ok(!text.includes(png.slice(20, 60)), 'image data logged');
    if (hasShared) assert.ok(!text.includes(imageBase64('bus.jpg').slice(1000, 1040)), 'photo logged');
  });
});

describe('model metrics', () => {
  test('loads, evictions and loaded models under MAX_ACTIVE_MODELS=1', { skip: needsShared }, async (t) => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-metrics-models-'));
    t.after(() => fs.rmSync(cache, { recursive: true, force: true }));
    await installModelPackage(sharedModel('yolov8n_quantized.onnx'), 'test/1', cache);
    await installModelPackage(sharedModel('yolo11n_int8.onnx'), 'test/2', cache);
    const server = await startTestServer({ modelCacheDir: cache, env: { MAX_ACTIVE_MODELS: '1' } });
    t.after(() => server.close());
    for (const id of ['test/1', 'test/2'])
      assert.equal((await post(server, '/model/add', { model_id: id })).status, 200);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const scrape = { families: parsePrometheusTextFormat(text), text };
    assert.equal(total(scrape, 'sightline_model_load_duration_seconds_count', { outcome: 'ok' }), 2);
    assert.equal(total(scrape, 'sightline_model_evictions_total'), 1);
    assert.equal(total(scrape, 'sightline_models_loaded'), 1);
  });
});
