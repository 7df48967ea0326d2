import sharp, { type Metadata, type Sharp } from 'sharp';
import { InputImageLoadError } from './errors.ts';
import type { DecodeHint } from './api-types.ts';
import {
  DEFAULT_DECODE_PIXEL_BUDGET,
  DEFAULT_DECODE_TIMEOUT_MS,
  formatRefusal,
  imageDimensions,
  jpegOrientation,
  PixelSemaphore,
  RASTER_FORMATS,
  sniffImageFormat,
} from './image-guard.ts';

export interface ImageOrigin {
  offset_x: number;
  offset_y: number;
  width: number;
  height: number;
}

export interface VideoMetadata {
  video_identifier: string;
  frame_number: number;
  frame_timestamp: string;
  fps?: number | null;
  measured_fps?: number | null;
  comes_from_video_file?: boolean | null;
}

export interface ImageLineage {
  parentId: string;
  parentOrigin?: ImageOrigin;
  rootParentId?: string;
  rootOrigin?: ImageOrigin;
  videoMetadata?: VideoMetadata;
}

export interface DecodeOptions {
  /** Refuse images with more pixels than this, checked from the header before decoding. */
  maxPixels?: number;
  /** Accept SVG (rasterised by librsvg); off by default. */
  allowSvg?: boolean;
  /** Give up on one decode after this long (sharp's timeout, whole seconds). */
  decodeTimeoutMs?: number;
  /** Caps the pixels decoding at once; a process-wide default when absent. */
  pixelBudget?: PixelSemaphore;
  /** Stop waiting for the pixel budget when the request is gone. */
  signal?: AbortSignal;
  /** Decode to at least this size (aspect kept, never enlarged; JPEG shrink-on-load), see RunOptions.decodeHints;
   *  a JPEG with a stretch hint is decoded to exactly this size. */
  decodeHint?: DecodeHint;
}

const sharedPixelBudget = new PixelSemaphore(DEFAULT_DECODE_PIXEL_BUDGET);

export const DEFAULT_MAX_IMAGE_PIXELS = 50_000_000;

/**
 * A decoded image travelling between steps: RGB bytes, interleaved, decoded once. Lineage says where it came
 * from: the root input image and, for crops, the crop's parent and its place in it.
 */
export class WorkflowImage {
  readonly parentId: string;
  readonly parentOrigin: ImageOrigin;
  readonly rootParentId: string;
  readonly rootOrigin: ImageOrigin;
  readonly videoMetadata: VideoMetadata | undefined;
  /** Size of the encoded image when it was decoded smaller (decode-to-size); sizes reported to clients use it. */
  readonly sourceSize: { width: number; height: number } | undefined;
  #encodedBase64: string | undefined;
  #jpeg: Promise<Buffer> | undefined;

  constructor(
    /** width * height * 3 bytes, RGB. Never mutate: steps share images. */
    readonly pixels: Uint8Array,
    readonly width: number,
    readonly height: number,
    lineage: ImageLineage,
    /** The base64 the image arrived as, reused when serializing an unmodified input. */
    originalBase64?: string,
    sourceSize?: { width: number; height: number },
  ) {
    if (pixels.length !== width * height * 3) {
      throw new Error(`pixel buffer of ${pixels.length} bytes does not match ${width}x${height}x3`);
    }
    const whole = { offset_x: 0, offset_y: 0, width, height };
    this.parentId = lineage.parentId;
    this.parentOrigin = lineage.parentOrigin ?? whole;
    this.rootParentId = lineage.rootParentId ?? lineage.parentId;
    this.rootOrigin = lineage.rootOrigin ?? this.parentOrigin;
    this.videoMetadata = lineage.videoMetadata;
    this.#encodedBase64 = originalBase64;
    this.sourceSize = sourceSize;
  }

  /** Decodes JPEG/PNG/WebP/... bytes (EXIF orientation applied, alpha dropped) into a WorkflowImage. */
  static async decode(
    encoded: Uint8Array,
    lineage: ImageLineage,
    options: DecodeOptions & { keepBase64?: string } = {},
  ): Promise<WorkflowImage> {
    const maxPixels = options.maxPixels ?? DEFAULT_MAX_IMAGE_PIXELS;
    const allowed = options.allowSvg ? [...RASTER_FORMATS, 'svg' as const] : RASTER_FORMATS;
    const format = sniffImageFormat(encoded);
    if (!format || format === 'heif' || !allowed.includes(format)) throw formatRefusal(format, allowed);
    // Dimensions from the header (no decoder round trip for JPEG/PNG/GIF/BMP) size the pixel-budget share.
    const size = await imageDimensions(encoded, format);
    if (size && size.width * size.height > maxPixels) {
      throw new InputImageLoadError(
        `Image of ${size.width}x${size.height} pixels exceeds the limit of ${maxPixels} pixels`,
      );
    }
    const pixels = size ? size.width * size.height : maxPixels;
    const release = await (options.pixelBudget ?? sharedPixelBudget).acquire(pixels, options.signal);
    const timeoutMs = options.decodeTimeoutMs ?? DEFAULT_DECODE_TIMEOUT_MS;
    const timeoutS = Math.max(1, Math.ceil(timeoutMs / 1000));
    // sharp still checks limitInputPixels against the header itself (formats without a cheap header read).
    // Its timeout stops libvips pipelines; librsvg renders in one call it cannot interrupt, so the request also
    // stops waiting at the deadline (the pixel-budget share is held until the decode really ends).
    let pipeline = sharp(encoded, { limitInputPixels: maxPixels }).timeout({ seconds: timeoutS }).rotate();
    const hint = options.decodeHint;
    // A stretch straight to the model's size saves the model's own resize: JPEG only, whose EXIF orientation is read
    // here so the source size is known (the decoded image no longer has its shape).
    const stretchedFrom = hint?.stretch && format === 'jpeg' && size ? orientedSize(encoded, size) : undefined;
    // libvips picks JPEG shrink-on-load (DCT scaling by 2, 4 or 8) for the bulk of the reduction.
    if (stretchedFrom) pipeline = pipeline.resize(hint!.width, hint!.height, { fit: 'fill', kernel: 'linear' });
    else if (hint) pipeline = pipeline.resize(hint.width, hint.height, { fit: 'outside', withoutEnlargement: true });
    const decoding = pipeline.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    decoding.then(release, release);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), timeoutMs + 250);
    });
    try {
      const { data, info } = await Promise.race([decoding, deadline]);
      const rgb = info.channels === 3 ? data : toRgb(data, info.channels);
      return new WorkflowImage(
        rgb,
        info.width,
        info.height,
        lineage,
        options.keepBase64,
        stretchedFrom ?? (hint && size ? sourceSizeOf(size, info) : undefined),
      );
    } catch (error) {
      if (/timeout/i.test((error as Error).message))
        throw new InputImageLoadError(`Could not decode image: decoding took longer than ${timeoutMs} ms`);
      throw await decodeError(encoded, maxPixels, error as Error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A new image with other pixels but the same lineage (visualizations, preprocessing). */
  withPixels(pixels: Uint8Array, width = this.width, height = this.height): WorkflowImage {
    return new WorkflowImage(pixels, width, height, this.lineage());
  }

  lineage(): ImageLineage {
    return {
      parentId: this.parentId,
      parentOrigin: this.parentOrigin,
      rootParentId: this.rootParentId,
      rootOrigin: this.rootOrigin,
      videoMetadata: this.videoMetadata,
    };
  }

  /**
   * Crop [x0,x1) x [y0,y1) (clamped) as a child image whose parent is `parentId` (a detection id, for
   * dynamic crops). Returns null for an empty area.
   */
  crop(x0: number, y0: number, x1: number, y1: number, parentId: string): WorkflowImage | null {
    const left = Math.max(0, Math.min(this.width, Math.round(x0)));
    const top = Math.max(0, Math.min(this.height, Math.round(y0)));
    const right = Math.max(left, Math.min(this.width, Math.round(x1)));
    const bottom = Math.max(top, Math.min(this.height, Math.round(y1)));
    const w = right - left;
    const h = bottom - top;
    if (w <= 0 || h <= 0) return null;
    const out = new Uint8Array(w * h * 3);
    const rowBytes = w * 3;
    for (let y = 0; y < h; y++) {
      const src = ((top + y) * this.width + left) * 3;
      out.set(this.pixels.subarray(src, src + rowBytes), y * rowBytes);
    }
    return new WorkflowImage(out, w, h, {
      parentId,
      parentOrigin: { offset_x: left, offset_y: top, width: this.width, height: this.height },
      rootParentId: this.rootParentId,
      rootOrigin: {
        offset_x: this.rootOrigin.offset_x + left,
        offset_y: this.rootOrigin.offset_y + top,
        width: this.rootOrigin.width,
        height: this.rootOrigin.height,
      },
      videoMetadata: this.videoMetadata,
    });
  }

  /** True for crops/slices (parent is not the root input). */
  get isDerived(): boolean {
    return this.parentId !== this.rootParentId || this.rootOrigin.offset_x !== 0 || this.rootOrigin.offset_y !== 0;
  }

  /** sharp pipeline over the raw pixels. */
  toSharp(): Sharp {
    return sharp(this.pixels, { raw: { width: this.width, height: this.height, channels: 3 } });
  }

  /** JPEG bytes, encoded at most once per image. */
  toJpeg(quality = 95): Promise<Buffer> {
    if (!this.#jpeg) this.#jpeg = this.toSharp().jpeg({ quality }).toBuffer();
    return this.#jpeg;
  }

  /** Base64 for the wire: the original encoding when the image is an unmodified input, else JPEG q95. */
  async toBase64(): Promise<string> {
    if (this.#encodedBase64 !== undefined) return this.#encodedBase64;
    this.#encodedBase64 = (await this.toJpeg()).toString('base64');
    return this.#encodedBase64;
  }
}

/** A JPEG's size as displayed: orientations 5-8 turn it by 90°. */
function orientedSize(jpeg: Uint8Array, stored: { width: number; height: number }): { width: number; height: number } {
  return jpegOrientation(jpeg) >= 5 ? { width: stored.height, height: stored.width } : stored;
}

/** The EXIF-oriented size of the encoded image given its header size and the (aspect-kept) decoded size. */
function sourceSizeOf(
  header: { width: number; height: number },
  decoded: { width: number; height: number },
): { width: number; height: number } | undefined {
  const turned = (header.width - header.height) * (decoded.width - decoded.height) < 0;
  const source = turned ? { width: header.height, height: header.width } : header;
  return source.width > decoded.width || source.height > decoded.height ? source : undefined;
}

/** The refusal for bytes sharp would not decode: over the pixel limit (with the size), or not an image. */
async function decodeError(encoded: Uint8Array, maxPixels: number, error: Error): Promise<InputImageLoadError> {
  let meta: Metadata;
  try {
    meta = await sharp(encoded, { limitInputPixels: false }).metadata();
  } catch {
    return new InputImageLoadError(`Could not decode image: ${firstLine(error.message)}`);
  }
  if (!meta.width || !meta.height) return new InputImageLoadError('Could not decode image: unknown dimensions');
  if (meta.width * meta.height > maxPixels) {
    return new InputImageLoadError(
      `Image of ${meta.width}x${meta.height} pixels exceeds the limit of ${maxPixels} pixels`,
    );
  }
  return new InputImageLoadError(`Could not decode image: ${firstLine(error.message)}`);
}

/** libvips messages can run to many lines (HEIC, truncated files): the first says what went wrong. */
function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

function toRgb(data: Uint8Array, channels: number): Uint8Array {
  const n = data.length / channels;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const g = data[i * channels]!;
    if (channels >= 3) {
      out[i * 3] = g;
      out[i * 3 + 1] = data[i * channels + 1]!;
      out[i * 3 + 2] = data[i * channels + 2]!;
    } else {
      out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = g;
    }
  }
  return out;
}

export function isWorkflowImage(value: unknown): value is WorkflowImage {
  return value instanceof WorkflowImage;
}
