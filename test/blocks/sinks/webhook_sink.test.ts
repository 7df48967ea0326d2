// webhook_sink@v1 parity with Roboflow against a local HTTP server: *_operations transform the values they name,
// multipart files (a real photo encoded by ConvertImageToJPEG) are sent after the form fields, body precedence
// multipart > form > JSON, `{}` JSON even for GET, method required, the execution-policy disabled message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import sharp from 'sharp';
import { ExecutionEngine } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { webhookSinkV1 } from '../../../blocks/sinks/webhook_sink_v1.ts';
import { stepContext } from '../../helpers/step-context.ts';
import { needsShared, sharedImage } from '../../helpers/shared.ts';

interface Part {
  name: string;
  filename?: string;
  mime?: string;
  data: Buffer;
}
interface Received {
  method: string;
  contentType: string;
  body: Buffer;
  parts: Part[];
}
const received: Received[] = [];
let server: http.Server;
let base: string;

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const entry: Received = { method: req.method!, contentType: req.headers['content-type'] ?? '', body, parts: [] };
      received.push(entry);
      if (!entry.contentType.startsWith('multipart/')) {
        res.end('ok');
        return;
      }
      const parser = busboy({ headers: req.headers });
      parser.on('field', (name, value) => entry.parts.push({ name, data: Buffer.from(value) }));
      parser.on('file', (name, stream, info) => {
        const data: Buffer[] = [];
        stream.on('data', (d: Buffer) => data.push(d));
        stream.on('end', () => entry.parts.push({ name, filename: info.filename, data: Buffer.concat(data) }));
      });
      parser.on('close', () => res.end('ok'));
      parser.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const LOCAL = { settings: { sinkNetwork: { allowList: ['127.0.0.1'] } } };
const engine = new ExecutionEngine({ blocks: coreBlocks, services: LOCAL });

function hook(extra: Record<string, unknown>) {
  return {
    version: '1.0',
    inputs: [
      { type: 'WorkflowImage', name: 'image' },
      { type: 'WorkflowParameter', name: 'url' },
      { type: 'WorkflowParameter', name: 'note' },
    ],
    steps: [
      {
        type: 'roboflow_core/webhook_sink@v1',
        name: 'hook',
        url: '$inputs.url',
        fire_and_forget: false,
        cooldown_seconds: 0,
        ...extra,
      },
    ],
    outputs: [{ type: 'JsonField', name: 'result', selector: '$steps.hook.*' }],
  };
}

test('json_payload_operations apply to the keys they name; other keys and unknown names are left alone', async () => {
  received.length = 0;
  const { outputs } = await engine.run(
    hook({
      method: 'POST',
      json_payload: { a: '$inputs.note', b: 'other' },
      json_payload_operations: { a: [{ type: 'StringToUpperCase' }], missing: [{ type: 'StringToUpperCase' }] },
    }),
    { url: `${base}/json`, note: 'some', image: { type: 'base64', value: onePixel() } },
  );
  assert.deepEqual(outputs[0]!.result, {
    error_status: false,
    throttling_status: false,
    message: 'Notification sent successfully',
  });
  assert.deepEqual(JSON.parse(received[0]!.body.toString()), { a: 'SOME', b: 'other' });
});

test(
  'multipart: form fields then files (a photo encoded by ConvertImageToJPEG), JSON payload ignored',
  { skip: needsShared },
  async () => {
    received.length = 0;
    const photo = fs.readFileSync(sharedImage('dog.jpg')).toString('base64');
    const { outputs } = await engine.run(
      hook({
        method: 'PUT',
        json_payload: { ignored: true },
        form_data: { note: '$inputs.note', tags: ['a', 'b'] },
        form_data_operations: { note: [{ type: 'StringToUpperCase' }] },
        multi_part_encoded_files: { frame: '$inputs.image', text: 'hello' },
        multi_part_encoded_files_operations: { frame: [{ type: 'ConvertImageToJPEG' }] },
      }),
      { url: `${base}/multipart`, note: 'gate', image: { type: 'base64', value: photo } },
    );
    assert.equal((outputs[0]!.result as { error_status: boolean }).error_status, false);
    const request = received[0]!;
    assert.equal(request.method, 'PUT');
    assert.match(request.contentType, /^multipart\/form-data; boundary=/);
    assert.deepEqual(
      request.parts.map((p) => [p.name, p.filename ?? null]),
      [
        ['note', null],
        ['tags', null],
        ['tags', null],
        ['frame', 'frame'],
        ['text', 'text'],
      ],
    );
    assert.equal(request.parts[0]!.data.toString(), 'GATE');
    const jpeg = request.parts[3]!.data;
    const meta = await sharp(jpeg).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.width, 768);
    assert.equal(request.parts[4]!.data.toString(), 'hello');
  },
);

test('a raw image as a multipart file (no operation) fails the request, reported in error_status', async () => {
  received.length = 0;
  const { outputs } = await engine.run(hook({ method: 'POST', multi_part_encoded_files: { frame: '$inputs.image' } }), {
    url: `${base}/raw`,
    note: 'x',
    image: { type: 'base64', value: onePixel() },
  });
  const result = outputs[0]!.result as { error_status: boolean; message: string };
  assert.equal(result.error_status, true);
  assert.match(result.message, /Failed to send notification/);
  assert.equal(received.length, 0);
});

test('form data wins over JSON; GET still sends a {} JSON body', async () => {
  received.length = 0;
  await engine.run(hook({ method: 'POST', form_data: { flag: true, n: 3 }, json_payload: { x: 1 } }), {
    url: `${base}/form`,
    note: 'x',
    image: { type: 'base64', value: onePixel() },
  });
  assert.equal(received[0]!.contentType, 'application/x-www-form-urlencoded');
  assert.equal(received[0]!.body.toString(), 'flag=True&n=3');
  await engine.run(hook({ method: 'GET' }), {
    url: `${base}/get`,
    note: 'x',
    image: { type: 'base64', value: onePixel() },
  });
  assert.equal(received[1]!.method, 'GET');
  assert.equal(received[1]!.contentType, 'application/json');
  assert.equal(received[1]!.body.toString(), '{}');
});

test('method is required (no default), as in Roboflow', () => {
  assert.throws(
    () => engine.compile(hook({})),
    (error: Error) => error.name === 'WorkflowSyntaxError' && /method/.test(error.message),
  );
});

test('sinks disabled by the execution policy say so (and win over disable_sink)', async () => {
  const out = await webhookSinkV1.run(
    { url: `${base}/never`, method: 'POST', disable_sink: true, cooldown_seconds: 0, fire_and_forget: false } as never,
    stepContext('hook', { request: { disableSinks: true }, services: LOCAL }),
  );
  assert.deepEqual(out, {
    error_status: false,
    throttling_status: false,
    message: 'Sink was disabled by workflow execution policy',
  });
});

function onePixel(): string {
  // 1x1 PNG
  return 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
}
