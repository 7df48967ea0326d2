// Access control against real servers: the access key on every route family (three ways of giving it), open routes,
// CORS by ALLOW_ORIGINS, Host and Origin checks, cross-site form posts, read-only mode and WebSocket upgrades.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { loadConfig } from '../../../server/config.ts';
import { get, post, request } from '../http.ts';

const KEY = 'sk-access-test-0a1b2c3d4e';
const APP_ORIGIN = 'https://app.example.com';

const definition = {
  version: '1.0',
  inputs: [{ type: 'WorkflowParameter', name: 'x' }],
  steps: [{ type: 'roboflow_core/property_definition@v1', name: 'x', data: '$inputs.x', operations: [] }],
  outputs: [{ type: 'JsonField', name: 'x', selector: '$steps.x.output' }],
};

/** A raw request, so Host and Origin can be anything (fetch fixes Host itself). */
function raw(
  server: RunningServer,
  method: string,
  urlPath: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path: urlPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // keep text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One route of each family, answering 200 when authorized with no ../shared assets. */
const FAMILIES: Array<{ name: string; method: 'GET' | 'POST'; path: string; body?: Record<string, unknown> }> = [
  { name: 'server info', method: 'GET', path: '/info' },
  { name: 'metrics', method: 'GET', path: '/metrics' },
  {
    name: 'workflow run',
    method: 'POST',
    path: '/workflows/run',
    body: { specification: definition, inputs: { x: 1 } },
  },
  { name: 'workflow validate', method: 'POST', path: '/workflows/validate', body: definition },
  { name: 'blocks describe', method: 'GET', path: '/workflows/blocks/describe' },
  { name: 'model registry', method: 'GET', path: '/model/registry' },
  { name: 'model clear', method: 'POST', path: '/model/clear', body: {} },
  { name: 'saved workflows', method: 'GET', path: '/workspaces' },
  { name: 'video pipelines', method: 'GET', path: '/inference_pipelines/list' },
];

describe('access key (SIGHTLINE_API_KEY)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ env: { SIGHTLINE_API_KEY: KEY, ALLOW_ORIGINS: APP_ORIGIN } });
  });
  after(() => server?.close());

  for (const family of FAMILIES) {
    test(`${family.name}: 401 without the key, 200 with it as Bearer, ?api_key= ${family.body ? 'or JSON field' : ''}`, async () => {
      const missing = await request(server, family.method, family.path, family.body);
      assert.equal(missing.status, 401, JSON.stringify(missing.body));
      assert.match(missing.body.message, /Authorization: Bearer/);
      assert.match(missing.body.message, /api_key/);
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="sightline"');
      const wrong = await request(server, family.method, family.path, family.body, {
        authorization: `Bearer ${KEY.replace(/.$/, 'x')}`,
      });
      assert.equal(wrong.status, 401);

      const bearer = await request(server, family.method, family.path, family.body, { authorization: `Bearer ${KEY}` });
      assert.equal(bearer.status, 200, JSON.stringify(bearer.body));
      const query = await request(server, family.method, `${family.path}?api_key=${KEY}`, family.body);
      assert.equal(query.status, 200, JSON.stringify(query.body));
      if (family.body) {
        const field = await request(server, family.method, family.path, { ...family.body, api_key: KEY });
        assert.equal(field.status, 200, JSON.stringify(field.body));
      }
    });
  }

  test('saved-workflow routes and the legacy model route need the key too', async () => {
    assert.equal((await get(server, '/workspaces/ws/workflows/flow')).status, 401);
    assert.equal((await post(server, '/ws/workflows/flow', { inputs: {} })).status, 401);
    assert.equal((await post(server, '/some-dataset/3', 'aGVsbG8=', { 'content-type': 'text/plain' })).status, 401);
    assert.equal((await get(server, `/workspaces/ws/workflows/flow?api_key=${KEY}`)).status, 404);
  });

  test('probes, API docs and editor files are open', async () => {
    for (const open of ['/healthz', '/readiness', '/openapi.json', '/docs', '/docs/swagger-ui.css']) {
      const res = await get(server, open);
      assert.equal(res.status, 200, `${open}: ${res.status}`);
    }
    // Open means the key check is skipped, not that anything is served: no editor in this test server.
    assert.equal((await get(server, '/assets/missing.js')).status, 404);
  });

  test('the access key is not forwarded to Roboflow as a Roboflow key', async () => {
    // No ROBOFLOW_API_KEY: a remote saved workflow cannot be fetched, and the error says a key is missing rather
    // than trying Roboflow's API with the server's own access key.
    const res = await post(server, '/ws/workflows/flow', { api_key: KEY, inputs: {} });
    assert.notEqual(res.status, 401);
    assert.ok(!JSON.stringify(res.body).includes(KEY));
  });

  test('CORS: preflight from an allowed origin passes, others are refused', async () => {
    const allowed = await raw(server, 'OPTIONS', '/workflows/run', {
      origin: APP_ORIGIN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,authorization',
    });
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers['access-control-allow-origin'], APP_ORIGIN);
    assert.match(String(allowed.headers['access-control-allow-headers']), /Authorization/i);
    const refused = await raw(server, 'OPTIONS', '/workflows/run', {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
    assert.match(refused.body.message, /ALLOW_ORIGINS/);

    const cross = await get(server, '/info', { origin: APP_ORIGIN, authorization: `Bearer ${KEY}` });
    assert.equal(cross.status, 200);
    assert.equal(cross.headers.get('access-control-allow-origin'), APP_ORIGIN);
    assert.match(cross.headers.get('access-control-expose-headers') ?? '', /X-Request-Id/i);
  });

  test('WebSocket upgrades: Host, Origin and key checked before any upgrade handler', async () => {
    const refusal = (url: string, options: WebSocket.ClientOptions = {}) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(url, options);
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          ws.terminate();
        });
        ws.on('open', () => {
          ws.close();
          reject(new Error('upgrade accepted'));
        });
        ws.on('error', () => resolve(0));
      });
    const wsUrl = server.url.replace('http', 'ws') + '/workflows/run/ws';
    assert.equal(await refusal(wsUrl), 401);
    assert.equal(await refusal(`${wsUrl}?api_key=${KEY}`, { origin: 'https://evil.example' }), 403);
    assert.equal(await refusal(`${wsUrl}?api_key=${KEY}`, { headers: { host: 'attacker.example' } }), 403);
  });
});

describe('site checks with no key (the default on a workstation)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ env: { ALLOWED_HOSTS: 'sightline.internal,.example.org' } });
  });
  after(() => server?.close());

  test('binds 127.0.0.1 by default', () => {
    assert.equal(loadConfig({}).host, '127.0.0.1');
    assert.equal(loadConfig({ HOST: '0.0.0.0' }).host, '0.0.0.0');
  });

  test('Host header: own addresses and ALLOWED_HOSTS pass, other names are refused (DNS rebinding)', async () => {
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      'sightline.internal',
      'a.example.org',
    ]) {
      assert.equal((await raw(server, 'GET', '/workspaces', { host })).status, 200, host);
    }
    const rebound = await raw(server, 'GET', '/workspaces', { host: `attacker.example:${server.port}` });
    assert.equal(rebound.status, 403);
    assert.match(rebound.body.message, /ALLOWED_HOSTS/);
    assert.ok(rebound.body.request_id);
  });

  test('Origin: same origin passes, a foreign page is refused (default: no cross-origin access)', async () => {
    const same = await raw(server, 'GET', '/workspaces', { origin: server.url, host: `127.0.0.1:${server.port}` });
    assert.equal(same.status, 200);
    const foreign = await raw(server, 'POST', '/model/clear', {
      origin: 'https://evil.example',
      'content-type': 'application/json',
    });
    assert.equal(foreign.status, 403);
    const preflight = await raw(server, 'OPTIONS', '/workflows/run', {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
    });
    assert.equal(preflight.status, 403);
  });

  test('cross-site form posts are refused; same-origin JSON and plain clients are served', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
      const res = await raw(
        server,
        'POST',
        '/model/clear',
        { 'content-type': type, 'sec-fetch-site': 'cross-site' },
        'a=1',
      );
      assert.equal(res.status, 403, type);
      assert.match(res.body.message, /another site/);
    }
    const json = await raw(
      server,
      'POST',
      '/model/clear',
      { 'content-type': 'application/json', origin: server.url, 'sec-fetch-site': 'same-origin' },
      '{}',
    );
    assert.equal(json.status, 200);
    // A script or Roboflow's client (no browser headers) posting a form body is not a cross-site form: not 403
    // (this JSON route then says it reads JSON, 415; the legacy model route reads such bodies).
    const plain = await raw(server, 'POST', '/model/clear', { 'content-type': 'text/plain' }, 'x');
    assert.equal(plain.status, 415);
    const legacy = await raw(
      server,
      'POST',
      '/some-dataset/3',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'eA==',
    );
    assert.notEqual(legacy.status, 403);
  });
});

describe('read-only mode (SIGHTLINE_READ_ONLY)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ env: { SIGHTLINE_READ_ONLY: 'true' } });
  });
  after(() => server?.close());

  test('write routes answer 403; reads and runs still work', async () => {
    const save = await request(server, 'PUT', '/workspaces/team/workflows/flow', { definition });
    assert.equal(save.status, 403);
    assert.match(save.body.message, /read-only/);
    assert.equal((await request(server, 'DELETE', '/workspaces/team/workflows/flow')).status, 403);
    assert.equal((await post(server, '/model/add', { model_id: 'coco/3' })).status, 403);
    assert.equal((await post(server, '/model/clear', {})).status, 403);
    const pipeline = await post(server, '/inference_pipelines/initialise', { video_configuration: {} });
    assert.equal(pipeline.status, 403);
    assert.equal((await get(server, '/workspaces')).status, 200);
    assert.equal((await get(server, '/inference_pipelines/list')).status, 200);
    assert.equal((await post(server, '/workflows/run', { specification: definition, inputs: { x: 2 } })).status, 200);
  });
});

describe('exposed without a key', () => {
  test('HOST=0.0.0.0 with no key logs a warning', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-warn-'));
    const logFile = path.join(dir, 'log.jsonl');
    const server = await startTestServer({
      env: { LOG_LEVEL: 'info', LOG_FILE: logFile },
      config: { host: '0.0.0.0' },
    });
    try {
      const lines = fs
        .readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const warning = lines.find((l) => l.level === 40);
      assert.ok(warning, 'no warning logged');
      assert.match(warning.msg, /SIGHTLINE_API_KEY/);
      // Reached by its loopback address, the exposed server still answers (IP literals cannot be DNS-rebound).
      assert.equal((await get(server, '/healthz')).status, 200);
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
