// What may reach the decoder: an allow-list of raster formats recognised by their magic bytes (SVG and other
// vector/text formats only when enabled — librsvg has no time limit of its own), image dimensions read from the
// header, and a semaphore sized in pixels so concurrent decodes cannot multiply memory past a budget.
import sharp from 'sharp';
import { InputImageLoadError } from './errors.ts';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'bmp' | 'avif' | 'svg';

export const RASTER_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'bmp', 'avif'];

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);

const ascii = (bytes: Uint8Array, start: number, end: number) =>
  Buffer.from(bytes.subarray(start, end)).toString('latin1');

/** The format the bytes say they are, 'heif' for HEIC/HEIF, or null when unknown. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | 'heif' | null {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && ascii(b, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 4 && (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*')) return 'tiff';
  if (b.length >= 26 && b[0] === 0x42 && b[1] === 0x4d) return 'bmp';
  if (b.length >= 12 && ascii(b, 4, 8) === 'ftyp') {
    const boxSize = Math.min(b.length, Math.max(16, (b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!));
    const brands = [ascii(b, 8, 12)];
    for (let i = 16; i + 4 <= boxSize; i += 4) brands.push(ascii(b, i, i + 4));
    if (brands.some((brand) => brand === 'avif' || brand === 'avis')) return 'avif';
    if (brands.some((brand) => HEIF_BRANDS.has(brand))) return 'heif';
    return null;
  }
  // Text formats: skip a BOM and whitespace, then look for an XML declaration or an <svg> root.
  const head = Buffer.from(b.subarray(0, 4096))
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (/^<svg[\s/>]/i.test(head)) return 'svg';
  if (/^<\?xml|^<!--|^<!doctype svg/i.test(head) && /<svg[\s/>]/i.test(head)) return 'svg';
  return null;
}

/** Width and height from the header for the common formats (no decoder round trip); null when not cheap. */
export function headerDimensions(bytes: Uint8Array, format: ImageFormat): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (format === 'png' && bytes.length >= 24) return { width: view.getUint32(16), height: view.getUint32(20) };
    if (format === 'gif' && bytes.length >= 10)
      return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
    if (format === 'bmp')
      return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
    if (format === 'jpeg') {
      for (const { marker, at } of jpegSegments(bytes, view))
        if (isStartOfFrame(marker)) return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
  } catch {
    return null;
  }
  return null;
}

/** SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC): the frame header, after which no metadata is looked for. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** A JPEG's marker segments up to its scan data: each marker and the index of its 0xFF (fill bytes skipped). */
function* jpegSegments(bytes: Uint8Array, view: DataView): Generator<{ marker: number; at: number }> {
  for (let i = 2; i + 4 <= bytes.length;) {
    if (bytes[i] !== 0xff || bytes[i + 1] === 0xff) {
      i++;
      continue;
    }
    const marker = bytes[i + 1]!;
    yield { marker, at: i };
    if (marker === 0xda) return; // entropy-coded data follows
    const standalone = marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01;
    i += standalone ? 2 : 2 + view.getUint16(i + 2);
  }
}

/** A JPEG's EXIF orientation (1-8) from its APP1 segment, 1 when it has none or it cannot be read. */
export function jpegOrientation(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    for (const { marker, at } of jpegSegments(bytes, view)) {
      if (isStartOfFrame(marker)) return 1;
      if (marker !== 0xe1 || ascii(bytes, at + 4, at + 10) !== 'Exif\0\0') continue;
      const tiff = at + 10;
      const little = ascii(bytes, tiff, tiff + 2) === 'II';
      const ifd = tiff + view.getUint32(tiff + 4, little);
      for (let e = 0, entries = view.getUint16(ifd, little); e < entries; e++) {
        const entry = ifd + 2 + e * 12;
        if (view.getUint16(entry, little) !== 0x0112) continue;
        const orientation = view.getUint16(entry + 8, little);
        return orientation >= 1 && orientation <= 8 ? orientation : 1;
      }
      return 1;
    }
  } catch {
    return 1;
  }
  return 1;
}

/** Dimensions from the header, else from sharp's metadata (header only, no pixel decode). */
export async function imageDimensions(
  bytes: Uint8Array,
  format: ImageFormat,
): Promise<{ width: number; height: number } | null> {
  const fromHeader = headerDimensions(bytes, format);
  if (fromHeader && fromHeader.width > 0 && fromHeader.height > 0) return fromHeader;
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    return meta.width && meta.height ? { width: meta.width, height: meta.height } : null;
  } catch {
    return null;
  }
}

/**
 * Pixels being decoded at once, capped: acquire(n) waits (FIFO) until n more fit, so N large images decode one
 * after another instead of all at once. An image larger than the whole budget decodes alone.
 */
export class PixelSemaphore {
  #inUse = 0;
  #peak = 0;
  #waiters: Array<{ pixels: number; resolve: () => void; reject: (e: unknown) => void; signal?: AbortSignal }> = [];
  constructor(readonly capacity: number) {}

  get inUse(): number {
    return this.#inUse;
  }
  get waiting(): number {
    return this.#waiters.length;
  }
  /** The most pixels ever decoding at once (for tests and metrics). */
  get peak(): number {
    return this.#peak;
  }

  #fits(pixels: number): boolean {
    return this.#inUse === 0 || this.#inUse + pixels <= this.capacity;
  }

  acquire(pixels: number, signal?: AbortSignal): Promise<() => void> {
    const release = () => {
      this.#inUse -= pixels;
      this.#drain();
    };
    if (this.#waiters.length === 0 && this.#fits(pixels)) {
      this.#inUse += pixels;
      this.#peak = Math.max(this.#peak, this.#inUse);
      return Promise.resolve(release);
    }
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const waiter = { pixels, resolve: () => resolve(release), reject, signal };
      this.#waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) {
            this.#waiters.splice(i, 1);
            reject(signal.reason);
            this.#drain();
          }
        },
        { once: true },
      );
    });
  }

  #drain(): void {
    while (this.#waiters.length > 0 && this.#fits(this.#waiters[0]!.pixels)) {
      const next = this.#waiters.shift()!;
      this.#inUse += next.pixels;
      this.#peak = Math.max(this.#peak, this.#inUse);
      next.resolve();
    }
  }
}

/** Default: about four 12-megapixel photos decoding at once (~600 MB of RGBA at worst). */
export const DEFAULT_DECODE_PIXEL_BUDGET = 50_000_000;
export const DEFAULT_DECODE_TIMEOUT_MS = 10_000;

/** The one-line refusal for bytes that are not an allowed image format. */
export function formatRefusal(
  format: ImageFormat | 'heif' | null,
  allowed: readonly ImageFormat[],
): InputImageLoadError {
  if (format === 'heif')
    return new InputImageLoadError('HEIC/HEIF images are not supported: convert the image to JPEG or PNG first.');
  if (format === 'svg')
    return new InputImageLoadError(
      'SVG images are not accepted by this server (vector images are off unless ALLOW_SVG_INPUT is set); send a raster image.',
    );
  return new InputImageLoadError(
    `Could not decode image: the bytes are not a supported image format (accepted: ${allowed.join(', ')}).`,
  );
}
