// A run follows its request: past REQUEST_TIMEOUT_MS it is stopped with a 504 naming the running step, and when
// the client disconnects the step in flight sees the abort and no further step starts. The slow step is a webhook
// to a server of the test's own on 127.0.0.1 (allow-listed for sinks) that answers after a delay.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { post } from './http.ts';

const seen: string[] = [];
const closedEarly: string[] = [];
let slow: http.Server;
let base = '';
let limited: RunningServer;
let unlimited: RunningServer;

before(async () => {
  slow = http.createServer((req, res) => {
    seen.push(req.url!);
    const timer = setTimeout(() => res.end('late'), 2500);
    res.on('close', () => {
      if (!res.writableFinished) {
        closedEarly.push(req.url!);
        clearTimeout(timer);
      }
    });
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
  const env = { SINK_ALLOW_LIST: '127.0.0.1' };
  limited = await startTestServer({ env, config: { requestTimeoutMs: 800 } });
  unlimited = await startTestServer({ env, config: { requestTimeoutMs: 0 } });
});
after(async () => {
  await limited?.close();
  await unlimited?.close();
  slow?.closeAllConnections();
  await new Promise((resolve) => slow?.close(resolve));
});

/** Two webhooks in a chain: the second waits for the first's message. */
function chain(tag: string) {
  const hook = (name: string, path: string, payload: Record<string, unknown>) => ({
    type: 'roboflow_core/webhook_sink@v1',
    name,
    url: `${base}/${path}`,
    method: 'POST',
    fire_and_forget: false,
    cooldown_seconds: 0,
    request_timeout: 10,
    json_payload: payload,
  });
  return {
    version: '1.0',
    inputs: [],
    steps: [hook('first', `${tag}/first`, {}), hook('second', `${tag}/second`, { after: '$steps.first.message' })],
    outputs: [{ type: 'JsonField', name: 'message', selector: '$steps.second.message' }],
  };
}

test('past the time limit: 504 naming the running step, its connection closed, the next step never starts', async () => {
  const started = performance.now();
  const answer = await post(limited, '/workflows/run', { specification: chain('limit'), inputs: {} });
  const elapsed = performance.now() - started;
  assert.equal(answer.status, 504, JSON.stringify(answer.body));
  assert.match(
    answer.body.message,
    /time limit of 800 ms .*step 'first' \(roboflow_core\/webhook_sink@v1\) was running/,
  );
  assert.ok(elapsed < 2000, `answered after ${elapsed} ms`);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.ok(closedEarly.includes('/limit/first'), 'the webhook request was not aborted');
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.ok(!seen.includes('/limit/second'), 'a step started after the time limit');
});

test('a client that disconnects stops the run: the step in flight is aborted, no further step starts', async () => {
  const controller = new AbortController();
  const request = fetch(`${unlimited.url}/workflows/run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ specification: chain('abort'), inputs: {} }),
    signal: controller.signal,
  }).catch((error: Error) => error);
  // Wait until the first webhook is in flight, then hang up.
  for (let i = 0; i < 100 && !seen.includes('/abort/first'); i++) await new Promise((r) => setTimeout(r, 20));
  controller.abort();
  await request;
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.ok(closedEarly.includes('/abort/first'), 'the webhook request was not aborted');
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.ok(!seen.includes('/abort/second'), 'a step started after the client left');
  // The server is fine afterwards.
  const ok = await post(unlimited, '/workflows/validate', chain('x'));
  assert.equal(ok.status, 200);
});
