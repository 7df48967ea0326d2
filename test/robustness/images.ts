// Image payloads for the fuzz test: a small valid PNG, and the broken or hostile ones clients send.
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** A 40x32 gradient PNG: small enough that every model and CV block runs on it in milliseconds. */
export async function smallPng(): Promise<Buffer> {
  const width = 40;
  const height = 32;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = x * 6;
      pixels[i + 1] = y * 8;
      pixels[i + 2] = (x + y) % 2 === 0 ? 255 : 0;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

export async function truncatedJpeg(): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 30, b: 90 } } })
    .jpeg()
    .toBuffer();
  return jpeg.subarray(0, Math.floor(jpeg.length / 2));
}

export function onePixelPng(): Promise<Buffer> {
  return sharp({ create: { width: 1, height: 1, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .png()
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG that claims 20000x20000 pixels (400 megapixels) but carries only its header: a decompression bomb's opening. */
export function hugePngHeader(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(20000, 0);
  ihdr.writeUInt32BE(20000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Image inputs of the wrong kind or with broken content, each labelled for the summary. */
export async function badImageInputs(): Promise<Array<{ label: string; value: unknown }>> {
  const b64 = (buffer: Buffer) => ({ type: 'base64', value: buffer.toString('base64') });
  return [
    { label: 'image as number', value: 42 },
    { label: 'image as bare string', value: 'hello' },
    { label: 'image as null', value: null },
    { label: 'image as empty object', value: {} },
    { label: 'image without type', value: { value: 'abc' } },
    { label: 'image with unknown type', value: { type: 'jpeg', value: 'abc' } },
    { label: 'image value as number', value: { type: 'base64', value: 12 } },
    { label: 'base64 garbage', value: { type: 'base64', value: '!!!not base64 at all###' } },
    {
      label: 'base64 of text',
      value: { type: 'base64', value: Buffer.from('plain text, not an image').toString('base64') },
    },
    { label: 'empty base64', value: { type: 'base64', value: '' } },
    { label: 'truncated jpeg', value: b64(await truncatedJpeg()) },
    { label: '1x1 png', value: b64(await onePixelPng()) },
    { label: '20000x20000 png header', value: b64(hugePngHeader()) },
    { label: 'private url', value: { type: 'url', value: 'http://127.0.0.1:9/image.jpg' } },
    { label: 'not a url', value: { type: 'url', value: 'not a url' } },
    { label: 'file url', value: { type: 'url', value: 'file:///etc/passwd' } },
    { label: 'numpy payload', value: { type: 'numpy', value: 'gASVAAAAAAAAAAA=' } },
    { label: 'nested list', value: [[{ type: 'base64', value: 'abc' }]] },
    { label: 'empty list', value: [] },
    { label: 'list with null', value: [null] },
  ];
}
