// The decoder's gatekeeper: formats by magic bytes (real files made by sharp), header dimensions without a
// decode, and the pixel semaphore (FIFO, an oversize image alone, abort while waiting).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { headerDimensions, jpegOrientation, PixelSemaphore, sniffImageFormat } from '../../engine/image-guard.ts';

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

test('a JPEG EXIF orientation is read from its header, 1 without one or when the header is cut short', async () => {
  for (const orientation of [1, 3, 6, 8]) {
    const jpeg = await base().jpeg().withMetadata({ orientation }).toBuffer();
    assert.equal(jpegOrientation(jpeg), orientation);
  }
  // Big-endian TIFF header inside the APP1 segment (as cameras write it).
  const exif = Buffer.from('MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0', 'latin1');
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0, exif.length + 8]), Buffer.from('Exif\0\0', 'latin1'), exif]);
  const plain = await base().jpeg().toBuffer();
  const bigEndian = Buffer.concat([plain.subarray(0, 2), app1, plain.subarray(2)]);
  assert.equal(jpegOrientation(bigEndian), 6);
  assert.equal((await sharp(bigEndian).metadata()).orientation, 6, 'sharp reads the same header');
  assert.equal(jpegOrientation(plain), 1);
  assert.equal(jpegOrientation(bigEndian.subarray(0, 20)), 1);
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
