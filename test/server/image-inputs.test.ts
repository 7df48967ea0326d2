// Image inputs that used to stall or bloat the server: SVG (librsvg has no time limit) is refused by its bytes
// unless enabled, HEIC gets one line, non-images are named as such, and large images decode within a pixel budget
// (several 36-megapixel PNGs of a few KB each decode one after another, not all at once).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { get, post } from './http.ts';
import type { PixelSemaphore } from '../../engine/index.ts';

let server: RunningServer;
let svgServer: RunningServer;

const ECHO = {
  version: '1.0',
  inputs: [{ type: 'WorkflowImage', name: 'image' }],
  steps: [],
  outputs: [{ type: 'JsonField', name: 'image', selector: '$inputs.image' }],
};
const run = (on: RunningServer, bytes: Buffer) =>
  post(on, '/workflows/run', {
    specification: ECHO,
    inputs: { image: { type: 'base64', value: bytes.toString('base64') } },
  });

// A small SVG whose filters keep librsvg busy for minutes: it must never reach the decoder by default.
export const STALLING_SVG = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000"><filter id="f">' +
    '<feGaussianBlur stdDeviation="900"/><feMorphology radius="400" operator="dilate"/></filter>' +
    '<rect width="4000" height="4000" fill="red" filter="url(#f)"/></svg>',
);

before(async () => {
  server = await startTestServer({ config: { decodePixelBudget: 40_000_000 } });
  svgServer = await startTestServer({ config: { allowSvgInput: true } });
});
after(async () => {
  await server?.close();
  await svgServer?.close();
});

describe('image formats by magic bytes', () => {
  test('SVG is refused before decoding: four at once answer fast and health stays fine', async () => {
    const start = performance.now();
    const answers = await Promise.all([1, 2, 3, 4].map(() => run(server, STALLING_SVG)));
    for (const answer of answers) {
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.match(answer.body.message, /SVG images are not accepted/);
    }
    assert.ok(performance.now() - start < 5000, 'SVG refusals took too long');
    assert.equal((await get(server, '/healthz')).status, 200);
  });

  test('SVG decodes when the server enables it', async () => {
    const small = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="8"><rect width="16" height="8" fill="#0f0"/></svg>',
    );
    const answer = await run(svgServer, small);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  });

  test('HEIC answers one line naming the format', async () => {
    const heic = Buffer.concat([
      Buffer.from([0, 0, 0, 24]),
      Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'),
      Buffer.alloc(64),
    ]);
    const answer = await run(server, heic);
    assert.equal(answer.status, 400);
    assert.match(answer.body.message, /HEIC\/HEIF images are not supported/);
    assert.doesNotMatch(answer.body.message, /\n/);
  });

  test('bytes that are no image say so, with the accepted formats', async () => {
    const answer = await run(server, Buffer.from('hello, this is not an image at all'));
    assert.equal(answer.status, 400);
    assert.match(answer.body.message, /not a supported image format \(accepted: jpeg, png/);
  });

  test('a truncated PNG gives a one-line message', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123' } })
      .png()
      .toBuffer();
    const answer = await run(server, png.subarray(0, 60));
    assert.equal(answer.status, 400);
    assert.doesNotMatch(String(answer.body.message), /\n/);
  });
});

describe('decode pixel budget', () => {
  test('six 36-megapixel PNGs decode within the budget, all answered', async () => {
    const big = await sharp({ create: { width: 6000, height: 6000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    assert.ok(big.length < 200_000, `expected a small file, got ${big.length} bytes`);
    const budget = server.engine.options.imageInput!.pixelBudget as PixelSemaphore;
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => run(server, big)));
    for (const answer of answers) assert.equal(answer.status, 200, JSON.stringify(answer.body).slice(0, 300));
    assert.ok(budget.peak <= budget.capacity, `peak ${budget.peak} over capacity ${budget.capacity}`);
    assert.equal(budget.inUse, 0);
  });
});
