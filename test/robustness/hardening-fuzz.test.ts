// Seeded fuzzing of the hardening edges on a real server: private IPv4 addresses written in every IPv6 / numeric
// spelling (image URLs, redirects, webhook and e-mail sinks), SVG and XML payloads, and file-sink paths. Every
// answer must follow the robustness contract (JSON, no unexpected 5xx, 4xx with a message); no request may reach
// the test's own 127.0.0.1 servers; no file may appear outside <data dir>/outputs; the server stays healthy.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { Rng } from './mutations.ts';
import { Recorder } from './probe.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed16);
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1));

let server: RunningServer;
let recorder: Recorder;
let target: http.Server;
let targetPort = 0;
let smtp: net.Server;
let smtpPort = 0;
let hits = 0;
let canary: string;

before(async () => {
  target = http.createServer((req, res) => {
    hits++;
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetPort = (target.address() as net.AddressInfo).port;
  smtp = net.createServer((socket) => {
    hits++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.address() as net.AddressInfo).port;
  canary = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-canary-'));
  server = await startTestServer({ config: { apiBaseUrl: 'http://127.0.0.1:9', requestTimeoutMs: 10_000 } });
  recorder = new Recorder(server);
});
after(async () => {
  await server?.close();
  await new Promise((resolve) => target?.close(resolve));
  await new Promise((resolve) => smtp?.close(resolve));
  fs.rmSync(canary, { recursive: true, force: true });
});

const PRIVATE_V4: Array<[number, number, number, number]> = [
  [127, 0, 0, 1],
  [10, 0, 0, 1],
  [169, 254, 169, 254],
  [192, 168, 1, 1],
  [172, 16, 0, 1],
  [100, 64, 0, 1],
  [0, 0, 0, 0],
];

const hex = (a: number, b: number) => ((a << 8) | b).toString(16);

/** One private IPv4 address written as a URL host, in a spelling picked by the generator. */
export function privateHostSpelling(rng: Rng): string {
  const [a, b, c, d] = rng.pick(PRIVATE_V4);
  const dotted = `${a}.${b}.${c}.${d}`;
  const h1 = hex(a, b);
  const h2 = hex(c, d);
  const x = (n: number) => (n ^ 0xff).toString(16).padStart(2, '0');
  const spellings = [
    `[::ffff:${dotted}]`,
    `[::ffff:${h1}:${h2}]`,
    `[0:0:0:0:0:ffff:${h1}:${h2}]`,
    `[::FFFF:${h1.toUpperCase()}:${h2}]`,
    `[::ffff:0:${dotted}]`,
    `[::${dotted}]`,
    `[::${h1}:${h2}]`,
    `[64:ff9b::${dotted}]`,
    `[64:ff9b::${h1}:${h2}]`,
    `[64:ff9b:1::${h1}:${h2}]`,
    `[2002:${h1}:${h2}::1]`,
    `[2001:0:4136:e378:8000:63bf:${x(a)}${x(b)}:${x(c)}${x(d)}]`,
    `[0000:0000:0000:0000:0000:ffff:${h1}:${h2}]`,
    dotted,
    String(((a << 24) >>> 0) + (b << 16) + (c << 8) + d),
    `0x${(((a << 24) >>> 0) + (b << 16) + (c << 8) + d).toString(16)}`,
    `${a}.${(b << 16) + (c << 8) + d}`,
    'localhost',
    'LOCALHOST.',
  ];
  return rng.pick(spellings);
}

const imageRun = (url: string) =>
  JSON.stringify({
    specification: {
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [],
      outputs: [{ type: 'JsonField', name: 'image', selector: '$inputs.image' }],
    },
    inputs: { image: { type: 'url', value: url } },
  });

const stepRun = (step: Record<string, unknown>, output: string) =>
  JSON.stringify({
    specification: {
      version: '1.4.0',
      inputs: [{ type: 'WorkflowParameter', name: 'c', default_value: 'x' }],
      steps: [{ name: 's', ...step }],
      outputs: [{ type: 'JsonField', name: 'o', selector: `$steps.s.${output}` }],
    },
    inputs: {},
  });

const SVG_PAYLOADS = [
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
  '\uFEFF  <svg width="99999" height="99999"><rect width="1" height="1"/></svg>',
  '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>',
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;&l;&l;&l;&l;&l;">]><svg>&l2;</svg>',
  '<!-- c --><svg><filter id="f"><feGaussianBlur stdDeviation="999"/></filter><rect filter="url(#f)" width="4000" height="4000"/></svg>',
  '<svg><image href="http://127.0.0.1:1/x.png" width="1" height="1"/></svg>',
  '<?xml version="1.0" encoding="UTF-16"?><svg/>',
  '<html><body>not svg</body></html>',
  '<?xml version="1.0"?><root/>',
];

const PATHS = [
  '../../..',
  '../outside',
  '/etc',
  '/proc/self',
  '/sys/kernel',
  '/dev/shm/x',
  '//tmp//x',
  'a/../../b',
  'ok/\u0000/x',
  'x'.repeat(300),
  'ünïcödé/目录',
  '.',
  '',
];

test('seeded burst: IPv6 spellings, SVG/XML, sink URLs and paths', async () => {
  const rng = new Rng(SEED);
  const rounds = 80 * SCALE;
  for (let i = 0; i < rounds; i++) {
    const host = privateHostSpelling(rng);
    const kind = rng.int(6);
    if (kind === 0) {
      await recorder.send({
        endpoint: '/workflows/run',
        label: `url ${host}`,
        body: imageRun(`http://${host}:${targetPort}/i.png`),
      });
    } else if (kind === 1) {
      const to = encodeURIComponent(`http://${host}:${targetPort}/r.png`);
      // The first hop is itself private: refused before any redirect is read.
      await recorder.send({
        endpoint: '/workflows/run',
        label: `redirect ${host}`,
        body: imageRun(`http://${host}:${targetPort}/redirect?to=${to}`),
      });
    } else if (kind === 2) {
      const payload = rng.pick(SVG_PAYLOADS);
      const answer = await recorder.send({
        endpoint: '/workflows/run',
        label: 'svg/xml',
        body: JSON.stringify({
          specification: JSON.parse(imageRun('x')).specification,
          inputs: { image: { type: 'base64', value: Buffer.from(payload).toString('base64') } },
        }),
      });
      assert.equal(answer.status, 400, `SVG/XML payload accepted: ${payload.slice(0, 60)}`);
    } else if (kind === 3) {
      const method = rng.pick(['GET', 'POST', 'PUT']);
      const answer = await recorder.send({
        endpoint: '/workflows/run',
        label: `webhook ${host}`,
        body: stepRun(
          {
            type: 'roboflow_core/webhook_sink@v1',
            url: `http://${host}:${rng.pick([targetPort, server.port, 1])}/h`,
            method,
            fire_and_forget: rng.int(2) === 0,
            cooldown_seconds: 0,
          },
          'message',
        ),
      });
      if (answer.status === 200) assert.doesNotMatch(JSON.stringify(answer.body), /ECONNREFUSED|HTTP \d{3}/);
    } else if (kind === 4) {
      const bare = host.replace(/^\[|\]$/g, '');
      await recorder.send({
        endpoint: '/workflows/run',
        label: `smtp ${host}`,
        body: stepRun(
          {
            type: 'roboflow_core/email_notification@v1',
            subject: 's',
            sender_email: 'a@example.test',
            receiver_email: 'b@example.test',
            message: 'm',
            smtp_server: bare,
            smtp_port: smtpPort,
            fire_and_forget: false,
            cooldown_seconds: 0,
          },
          'message',
        ),
      });
    } else {
      const dir = rng.int(3) === 0 ? path.join(canary, rng.pick(['a', '../b', 'c/d'])) : rng.pick(PATHS);
      const prefix = rng.pick(['out', '../x', '/abs', 'a/b', '..', 'ok\\..\\x', `${canary}/p`]);
      await recorder.send({
        endpoint: '/workflows/run',
        label: `file ${dir} ${prefix}`,
        body: stepRun(
          {
            type: 'roboflow_core/local_file_sink@v1',
            content: '$inputs.c',
            output_mode: rng.pick(['separate_files', 'append_log']),
            target_directory: dir,
            file_name_prefix: prefix,
          },
          'message',
        ),
      });
    }
  }
  // Fire-and-forget webhooks finish after their answer.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(recorder.problems, [], recorder.table());
  assert.equal(hits, 0, 'a request reached the test’s own 127.0.0.1 servers');
  assert.deepEqual(fs.readdirSync(canary), [], 'a file sink wrote outside the outputs directory');
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
});
