// The decoder's gatekeeper: formats by magic bytes (real files made by sharp), header dimensions without a
// decode, and the pixel semaphore (FIFO, an oversize image alone, abort while waiting).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { headerDimensions, PixelSemaphore, sniffImageFormat } from '../../engine/image-guard.ts';

const base = () => sharp({ create: { width: 37, height: 21, channels: 3, background: '#369' } });

test('raster formats are recognised by their bytes, with header sizes where cheap', async () => {
  const cases: Array<[string, Buffer, boolean]> = [
    ['jpeg', await base().jpeg().toBuffer(), true],
    ['png', await base().png().toBuffer(), true],
    ['webp', await base().webp().toBuffer(), false],
    ['gif', await base().gif().toBuffer(), true],
    ['tiff', await base().tiff().toBuffer(), false],
    ['avif', await base().avif().toBuffer(), false],
  ];
  for (const [format, bytes, cheap] of cases) {
    assert.equal(sniffImageFormat(bytes), format);
    const size = headerDimensions(bytes, format as never);
    if (cheap) assert.deepEqual(size, { width: 37, height: 21 }, format);
  }
  const bmp = Buffer.alloc(54);
  bmp.write('BM', 0, 'latin1');
  bmp.writeInt32LE(640, 18);
  bmp.writeInt32LE(-480, 22);
  assert.equal(sniffImageFormat(bmp), 'bmp');
  assert.deepEqual(headerDimensions(bmp, 'bmp'), { width: 640, height: 480 });
});

test('SVG, XML-wrapped SVG, HEIC and text are told apart', () => {
  assert.equal(sniffImageFormat(Buffer.from('\uFEFF  <svg xmlns="x"/>')), 'svg');
  assert.equal(sniffImageFormat(Buffer.from('<?xml version="1.0"?>\n<!-- x -->\n<svg/>')), 'svg');
  assert.equal(sniffImageFormat(Buffer.from('<?xml version="1.0"?><root/>')), null);
  const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1')]);
  assert.equal(sniffImageFormat(heic), 'heif');
  assert.equal(sniffImageFormat(Buffer.from('hello')), null);
});

test('pixel semaphore: FIFO within capacity, an oversize image alone, abort while waiting', async () => {
  const semaphore = new PixelSemaphore(100);
  const order: string[] = [];
  const releaseA = await semaphore.acquire(60);
  const b = semaphore.acquire(60).then((release) => (order.push('b'), release));
  const c = semaphore.acquire(10).then((release) => (order.push('c'), release));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, [], 'c must not overtake b');
  assert.equal(semaphore.waiting, 2);
  releaseA();
  (await b)();
  (await c)();
  assert.deepEqual(order, ['b', 'c']);
  const big = await semaphore.acquire(500);
  const controller = new AbortController();
  const waiting = semaphore.acquire(1, controller.signal);
  controller.abort(new Error('gone'));
  await assert.rejects(waiting, /gone/);
  big();
  assert.equal(semaphore.inUse, 0);
  assert.ok(semaphore.peak <= 500);
});
