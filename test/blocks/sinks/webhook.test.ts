// webhook_sink@v1 against a local HTTP server started by the test: body, query, headers, cooldown, errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExecutionEngine } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { webhookSinkV1 } from '../../../blocks/sinks/webhook_sink_v1.ts';
import { detections, stepContext } from '../../helpers/detections.ts';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
const received: Received[] = [];
let server: http.Server;
let base: string;

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.statusCode = req.url!.startsWith('/fail') ? 500 : 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

// The sink network policy refuses loopback unless allow-listed, as the server's SINK_ALLOW_LIST does.
const LOCAL = { settings: { sinkNetwork: { allowList: ['127.0.0.1'] } } };

const defaults = {
  method: 'POST' as const,
  query_parameters: {},
  headers: {},
  json_payload: {},
  form_data: {},
  request_timeout: 2,
  fire_and_forget: false,
  disable_sink: false,
  cooldown_seconds: 0,
};

test('through the engine: JSON body with serialized detections, query parameters and headers; cooldown throttles', async () => {
  const engine = new ExecutionEngine({ blocks: coreBlocks, services: LOCAL });
  const definition = {
    version: '1.0',
    inputs: [
      { type: 'WorkflowParameter', name: 'url' },
      { type: 'WorkflowParameter', name: 'count' },
    ],
    steps: [
      {
        type: 'roboflow_core/webhook_sink@v1',
        name: 'hook',
        url: '$inputs.url',
        method: 'POST',
        fire_and_forget: false,
        cooldown_seconds: 60,
        json_payload: { count: '$inputs.count', label: 'cars' },
        query_parameters: { camera: 'gate', n: '$inputs.count' },
        headers: { 'x-token': 'abc' },
      },
    ],
    outputs: [{ type: 'JsonField', name: 'result', selector: '$steps.hook.*' }],
  };
  received.length = 0;
  const first = (await engine.run(definition, { url: `${base}/hook`, count: 3 })).outputs[0]!.result;
  assert.deepEqual(first, { error_status: false, throttling_status: false, message: 'Notification sent successfully' });
  assert.equal(received.length, 1);
  assert.equal(received[0]!.url, '/hook?camera=gate&n=3');
  assert.equal(received[0]!.headers['x-token'], 'abc');
  assert.deepEqual(JSON.parse(received[0]!.body), { count: 3, label: 'cars' });
  const second = (await engine.run(definition, { url: `${base}/hook`, count: 4 })).outputs[0]!.result as Record<
    string,
    unknown
  >;
  assert.equal(second.throttling_status, true);
  assert.equal(received.length, 1, 'throttled request not sent');
});

test('detections in the payload arrive in Roboflow\u2019s serialized shape; HTTP errors and disable_sink are reported', async () => {
  received.length = 0;
  const d = detections([[10, 20, 30, 60, 'dog', 0.8]]);
  const ok = await webhookSinkV1.run(
    { ...defaults, url: `${base}/det`, json_payload: { predictions: d } },
    stepContext('a', { services: LOCAL }),
  );
  assert.equal((ok as Record<string, unknown>).error_status, false);
  const body = JSON.parse(received[0]!.body);
  assert.deepEqual([body.predictions.predictions[0].x, body.predictions.predictions[0].class], [20, 'dog']);
  const failed = (await webhookSinkV1.run(
    { ...defaults, url: `${base}/fail` },
    stepContext('b', { services: LOCAL }),
  )) as Record<string, unknown>;
  assert.equal(failed.error_status, true);
  // Only "could not deliver": details would tell open ports from closed ones.
  assert.equal(failed.message, 'Failed to send notification: could not deliver');
  const disabled = (await webhookSinkV1.run(
    { ...defaults, url: `${base}/x`, disable_sink: true },
    stepContext('c', { services: LOCAL }),
  )) as Record<string, unknown>;
  assert.deepEqual(disabled, {
    error_status: false,
    throttling_status: false,
    message: 'Sink was disabled by parameter `disable_sink`',
  });
  assert.equal(received.length, 2);
});
