// pinnedRequest against a real local server: whole bodies, the byte cap (declared or streamed) named as such,
// and a body cut short by the peer reported as a cut connection.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pinnedRequest, ResponseTooLargeError } from '../../../engine/net/pinned-http.ts';

let server: http.Server;
let base: string;
const policy = { allowList: ['127.0.0.1'] };

before(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/sized') return res.end(Buffer.alloc(100, 1));
    if (req.url === '/chunked') {
      res.write(Buffer.alloc(60, 1));
      setTimeout(() => res.end(Buffer.alloc(60, 2)), 10);
      return;
    }
    // Promises 100 bytes, sends 10 and hangs up.
    res.writeHead(200, { 'content-length': '100' });
    res.write(Buffer.alloc(10));
    setTimeout(() => res.socket?.destroy(), 10);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('reads a whole body, sized or chunked', async () => {
  assert.equal((await pinnedRequest(new URL(`${base}/sized`), { policy })).body.length, 100);
  assert.equal((await pinnedRequest(new URL(`${base}/chunked`), { policy })).body.length, 120);
});

test('the byte cap is reported as such, whether the size is declared or streamed', async () => {
  for (const path of ['/sized', '/chunked'])
    await assert.rejects(pinnedRequest(new URL(base + path), { policy, maxBytes: 50 }), (error) => {
      assert.ok(error instanceof ResponseTooLargeError, String(error));
      assert.equal(error.limit, 50);
      return true;
    });
});

test('a body cut short by the peer is a closed connection', async () => {
  await assert.rejects(
    pinnedRequest(new URL(`${base}/cut`), { policy }),
    /connection closed before the response ended/,
  );
});
