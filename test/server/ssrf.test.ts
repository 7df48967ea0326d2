// SSRF: image URLs that reach loopback through IPv6 spellings of IPv4 addresses (mapped, compatible, SIIT,
// NAT64, 6to4, Teredo), names resolving to loopback, redirects to such addresses and non-http schemes are refused
// before any byte is sent. Only servers of the test's own on 127.0.0.1 are involved; every hit on them is counted.
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestServer, TEST_MODEL_ID, type RunningServer } from '../helpers/server.ts';
import { needsShared } from '../helpers/shared.ts';
import { get, post } from './http.ts';

let target: http.Server;
let targetPort = 0;
const hits: string[] = [];
let png: Buffer;
let server: RunningServer;
let open: RunningServer;

before(async () => {
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
    .png()
    .toBuffer();
  target = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const redirect = /^\/redirect\?to=(.*)$/.exec(req.url ?? '');
    if (redirect) {
      res.writeHead(302, { location: decodeURIComponent(redirect[1]!) }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetPort = (target.address() as { port: number }).port;
  // `localhost` is allow-listed on this one so redirect targets can be tested from an allowed first hop.
  server = await startTestServer({ config: { urlAllowList: ['localhost'] } });
  open = await startTestServer({ config: { allowPrivateUrls: true } });
});
after(async () => {
  await server?.close();
  await open?.close();
  await new Promise((resolve) => target?.close(resolve));
});

const ECHO_WORKFLOW = {
  version: '1.0',
  inputs: [{ type: 'WorkflowImage', name: 'image' }],
  steps: [],
  outputs: [{ type: 'JsonField', name: 'image', selector: '$inputs.image' }],
};

function runWithUrl(on: RunningServer, url: string) {
  return post(on, '/workflows/run', { specification: ECHO_WORKFLOW, inputs: { image: { type: 'url', value: url } } });
}

/** Host spellings that all reach 127.0.0.1 (or another private IPv4 address) one way or another. */
export const LOOPBACK_SPELLINGS = [
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '[0:0:0:0:0:ffff:7f00:1]',
  '[::ffff:0:127.0.0.1]',
  '[::127.0.0.1]',
  '[::7f00:1]',
  '[64:ff9b::127.0.0.1]',
  '[64:ff9b:1::7f00:1]',
  '[2002:7f00:1::]',
  '[2001:0:4136:e378:8000:63bf:80ff:fffe]',
  '[::ffff:169.254.169.254]',
  '[::ffff:a00:1]',
  '[fe80::1]',
  '[fd00::1]',
  '[::1]',
  '127.1',
  '0x7f.0.0.1',
  '2130706433',
  'localhost',
];

describe('image URL SSRF policy', () => {
  test('a URL to our own target works when private networks are allowed (the target is reachable)', async () => {
    const before = hits.length;
    const response = await runWithUrl(open, `http://127.0.0.1:${targetPort}/ok.png`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(hits.length, before + 1);
  });

  for (const host of LOOPBACK_SPELLINGS.filter((h) => h !== 'localhost')) {
    test(`refuses http://${host}:PORT/ without sending anything`, async () => {
      const before = hits.length;
      const response = await runWithUrl(server, `http://${host}:${targetPort}/direct.png`);
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.match(JSON.stringify(response.body), /Refusing to load image|non-public/);
      assert.equal(hits.length, before, 'the target was contacted');
    });
  }

  test('a name resolving to loopback is refused at connect time (not allow-listed on the open-by-name server)', async () => {
    const strict = await startTestServer();
    try {
      const before = hits.length;
      const response = await runWithUrl(strict, `http://localhost:${targetPort}/by-name.png`);
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.equal(hits.length, before);
    } finally {
      await strict.close();
    }
  });

  test('redirects from an allowed host to a mapped-IPv6 loopback address are refused', async () => {
    for (const host of ['[::ffff:127.0.0.1]', '[64:ff9b::7f00:1]', '127.0.0.1']) {
      const before = hits.length;
      const to = encodeURIComponent(`http://${host}:${targetPort}/after-redirect.png`);
      const response = await runWithUrl(server, `http://localhost:${targetPort}/redirect?to=${to}`);
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.deepEqual(hits.slice(before), [`/redirect?to=${to}`], 'only the allowed first hop was contacted');
    }
  });

  test('the allow-listed host itself is fetched', async () => {
    const response = await runWithUrl(server, `http://localhost:${targetPort}/allowed.png`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });

  test('file:// and other schemes are refused by scheme, not read as base64', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://127.0.0.1/x.png', 'gopher://127.0.0.1:70/']) {
      const response = await runWithUrl(server, url);
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.match(response.body.message, /scheme/);
    }
  });

  test('legacy ?image= route refuses mapped IPv6 loopback', { skip: needsShared }, async () => {
    const before = hits.length;
    const url = encodeURIComponent(`http://[::ffff:127.0.0.1]:${targetPort}/legacy.png`);
    const response = await get(server, `/${TEST_MODEL_ID}?image=${url}`);
    assert.equal(response.status, 400, JSON.stringify(response.body));
    assert.equal(hits.length, before);
  });
});
