// The WebSocket run channel on a real server: per-step events in a valid order, the same outputs as
// /workflows/run, previews, re-runs that reuse unchanged steps, "run up to here", errors as messages on an open
// socket, and a client that disconnects mid-run not leaving its run going.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { WebSocket } from 'ws';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { hasShared, needsShared, sharedImage } from '../../helpers/shared.ts';
import { post } from '../http.ts';
import { runChannelOf } from '../../../server/ws/run-channel.ts';
import { normalized } from '../../helpers/outputs.ts';

let server: RunningServer;
let bus: { type: string; value: string };
before(async () => {
  server = await startTestServer();
  if (hasShared) bus = { type: 'base64', value: fs.readFileSync(sharedImage('bus.jpg')).toString('base64') };
});
after(async () => {
  await server?.close();
});

type Message = Record<string, any>;

/** A client that records every message; `until` waits for one matching a predicate. */
class Client {
  readonly messages: Message[] = [];
  #waiters: Array<{ match: (m: Message) => boolean; resolve: (m: Message) => void }> = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Message;
      this.messages.push(message);
      this.#waiters = this.#waiters.filter((w) => (w.match(message) ? (w.resolve(message), false) : true));
    });
  }
  static async open(): Promise<Client> {
    const ws = new WebSocket(server.url.replace('http', 'ws') + '/workflows/run/ws');
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new Client(ws);
  }
  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }
  until(match: (m: Message) => boolean, timeoutMs = 60_000): Promise<Message> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message in ${timeoutMs} ms`)), timeoutMs);
      this.#waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }
  /** Sends a run and resolves with its messages once it ends (result, error or cancelled). */
  async run(body: Record<string, unknown>): Promise<Message[]> {
    const id = String(body.id ?? Math.random());
    this.send({ type: 'run', ...body, id });
    await this.until((m) => m.run_id === id && ['result', 'error', 'cancelled'].includes(m.type));
    return this.messages.filter((m) => m.run_id === id);
  }
  close(): void {
    this.ws.close();
  }
}

function detectCropOcrVisualize(palette = 'DEFAULT') {
  return {
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
      { type: 'roboflow_core/ocr_model@v1', name: 'ocr', images: '$steps.crop.crops', model: 'doctr' },
      {
        type: 'roboflow_core/bounding_box_visualization@v1',
        name: 'visualize',
        image: '$inputs.image',
        predictions: '$steps.detect.predictions',
        color_palette: palette,
      },
    ],
    outputs: [
      { type: 'JsonField', name: 'texts', selector: '$steps.ocr.result' },
      { type: 'JsonField', name: 'count', selector: '$steps.detect.predictions' },
      { type: 'JsonField', name: 'annotated', selector: '$steps.visualize.image' },
    ],
  };
}

const DEPENDS: Array<[string, string]> = [
  ['detect', 'crop'],
  ['crop', 'ocr'],
  ['detect', 'visualize'],
];

describe('run channel with models', { skip: needsShared }, () => {
  test('detect → crop → OCR → visualize streams step events in order and ends with /workflows/run outputs', async () => {
    const client = await Client.open();
    try {
      const messages = await client.run({
        specification: detectCropOcrVisualize(),
        inputs: { image: bus },
        previews: true,
        reuse_outputs: false,
      });
      const types = messages.map((m) => m.type);
      assert.equal(types[0], 'run_started');
      assert.equal(types.at(-1), 'result', JSON.stringify(messages.at(-1)).slice(0, 500));
      const at = (type: string, step: string) => messages.findIndex((m) => m.type === type && m.step === step);
      for (const step of ['detect', 'crop', 'ocr', 'visualize']) {
        assert.ok(at('step_started', step) > 0, `${step} started`);
        assert.ok(at('step_finished', step) > at('step_started', step), `${step} finished after it started`);
        const finished = messages[at('step_finished', step)]!;
        assert.equal(finished.cached, false);
        assert.ok(finished.duration_ms >= 0);
      }
      for (const [before, after] of DEPENDS)
        assert.ok(at('step_finished', before) < at('step_started', after), `${before} before ${after}`);
      const crop = messages[at('step_finished', 'crop')]!;
      assert.equal(crop.dimensionality, 2);
      assert.equal(crop.preview.elements.length, crop.batch_size);
      assert.ok(crop.batch_size >= 4, `bus.jpg has at least 4 objects, got ${crop.batch_size}`);
      assert.deepEqual(crop.preview.elements[1].index, [0, 1]);
      assert.equal(crop.preview.elements[0].outputs.crops.type, 'image');
      assert.ok(
        Buffer.from(crop.preview.elements[0].outputs.crops.jpeg, 'base64')
          .subarray(0, 2)
          .equals(Buffer.from([0xff, 0xd8])),
      );
      const detect = messages[at('step_finished', 'detect')]!.preview.elements[0].outputs.predictions;
      assert.equal(detect.type, 'detections');
      assert.equal(detect.boxes.length, detect.count);
      assert.ok(detect.classes.includes('bus'), detect.classes.join(','));
      const ocr = messages[at('step_finished', 'ocr')]!.preview.elements[0].outputs;
      assert.equal(ocr.result.type, 'scalar');

      const http = await post(server, '/workflows/run', {
        specification: detectCropOcrVisualize(),
        inputs: { image: bus },
      });
      assert.equal(http.status, 200);
      const result = messages.at(-1)!;
      assert.equal(normalized(result.outputs), normalized(http.body.outputs));
      assert.deepEqual(result.summary, { executed: 4, cached: 0, skipped: 0, total: 4 });
    } finally {
      client.close();
    }
  });

  test('changing the visualization colour re-runs only the visualization', async () => {
    const client = await Client.open();
    try {
      await client.run({ specification: detectCropOcrVisualize('DEFAULT'), inputs: { image: bus } });
      const messages = await client.run({ specification: detectCropOcrVisualize('ROBOFLOW'), inputs: { image: bus } });
      const executed = messages.filter((m) => m.type === 'step_finished' && !m.cached).map((m) => m.step);
      const cached = messages.filter((m) => m.type === 'step_finished' && m.cached).map((m) => m.step);
      assert.deepEqual(executed, ['visualize']);
      assert.deepEqual(cached.sort(), ['crop', 'detect', 'ocr']);
      assert.deepEqual(messages.at(-1)!.summary, { executed: 1, cached: 3, skipped: 0, total: 4 });
      assert.equal(messages.filter((m) => m.type === 'step_started').length, 1, 'cached steps do not "start"');
    } finally {
      client.close();
    }
  });

  test('run_to runs only the step and its ancestors', async () => {
    const client = await Client.open();
    try {
      const messages = await client.run({
        specification: detectCropOcrVisualize(),
        inputs: { image: bus },
        run_to: 'crop',
        reuse_outputs: false,
      });
      const skipped = messages.filter((m) => m.type === 'step_skipped');
      assert.deepEqual(skipped.map((m) => [m.step, m.reason]).sort(), [
        ['ocr', 'not_requested'],
        ['visualize', 'not_requested'],
      ]);
      assert.equal(messages.at(-1)!.type, 'result');
    } finally {
      client.close();
    }
  });

  test('a failing step: step_failed, then an error message with the HTTP body', async () => {
    const definition = detectCropOcrVisualize();
    definition.steps[0]!.model_id = 'no-such-model/1';
    const client = await Client.open();
    try {
      const messages = await client.run({ specification: definition, inputs: { image: bus } });
      const failed = messages.find((m) => m.type === 'step_failed');
      assert.equal(failed?.step, 'detect');
      const error = messages.at(-1)!;
      assert.equal(error.type, 'error');
      const http = await post(server, '/workflows/run', { specification: definition, inputs: { image: bus } });
      assert.equal(error.status, http.status);
      const { request_id: _r, ...httpBody } = http.body;
      assert.deepEqual(error.error, httpBody);
      assert.deepEqual(failed.error, httpBody);
    } finally {
      client.close();
    }
  });
});

test('malformed messages get error messages and the socket stays open; one run at a time', async () => {
  const client = await Client.open();
  try {
    client.send('{not json');
    const malformed = await client.until((m) => m.type === 'error');
    assert.equal(malformed.status, 400);
    assert.match(malformed.error.message, /Malformed JSON/);
    client.send({ type: 'dance' });
    await client.until((m) => m.type === 'error' && /Unknown message type/.test(m.error.message));
    client.send({ type: 'run', id: 'bad', specification: { version: '1.0' } });
    const invalid = await client.until((m) => m.type === 'error' && m.run_id === 'bad');
    const http = await post(server, '/workflows/run', { specification: { version: '1.0' } });
    assert.equal(invalid.status, http.status);
    assert.equal(client.ws.readyState, WebSocket.OPEN);
    const ok = await client.run({
      specification: {
        version: '1.0',
        inputs: [{ type: 'WorkflowParameter', name: 'x' }],
        steps: [],
        outputs: [{ type: 'JsonField', name: 'x', selector: '$inputs.x' }],
      },
      inputs: { x: 42 },
    });
    assert.deepEqual(ok.at(-1)!.outputs, [{ x: 42 }]);
  } finally {
    client.close();
  }
});

test('a client that disconnects mid-run does not leave the run going', async () => {
  const channel = runChannelOf(server.server)!;
  const before = channel.stepsExecuted;
  // Ten chained heavy blurs of a large image: long enough to close the socket after the first one starts.
  const raw = Buffer.alloc(400 * 300 * 3, 90);
  const sharp = (await import('sharp')).default;
  const png = await sharp(raw, { raw: { width: 400, height: 300, channels: 3 } })
    .png()
    .toBuffer();
  const steps = Array.from({ length: 10 }, (_, i) => ({
    type: 'roboflow_core/image_blur@v1',
    name: `b${i}`,
    image: i === 0 ? '$inputs.image' : `$steps.b${i - 1}.image`,
    blur_type: 'average',
    kernel_size: 31,
  }));
  const client = await Client.open();
  client.send({
    type: 'run',
    id: 'long',
    specification: {
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps,
      outputs: [{ type: 'JsonField', name: 'o', selector: '$steps.b9.image' }],
    },
    inputs: { image: { type: 'base64', value: png.toString('base64') } },
    reuse_outputs: false,
  });
  const first = await client.until((m) => m.type === 'step_started' || m.type === 'error');
  assert.equal(first.type, 'step_started', JSON.stringify(first));
  client.close();
  const deadline = Date.now() + 20_000;
  while (channel.activeRuns > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(channel.activeRuns, 0, 'the run ended after the client left');
  assert.ok(channel.stepsExecuted - before < 10, `${channel.stepsExecuted - before} of 10 steps ran`);
});
