// Image preprocessing for Roboflow model packages (environment.PREPROCESSING): static crop (percent) →
// contrast → grayscale → resize (letterbox or stretch), then an NCHW float32 tensor scaled to [0, 1]. The
// returned transform maps coordinates in model-input pixels back to pixels of the original image.
// Auto-orient happens when images are decoded (EXIF rotation), so its flag has nothing left to do here.
import sharp from 'sharp';
import type { DecodeHint, WorkflowImage } from '../../engine/index.ts';
import { applyContrast, type ContrastType } from './contrast.ts';
import { takeTensor } from './tensor-pool.ts';

export interface PreprocessFlags {
  disableAutoOrient?: boolean;
  disableContrast?: boolean;
  disableGrayscale?: boolean;
  disableStaticCrop?: boolean;
}

export type ResizeMode = 'stretch' | 'letterbox';

export interface ImageTransform {
  originalWidth: number;
  originalHeight: number;
  /** Static crop rectangle in original pixels (the whole image without one). */
  cropX: number;
  cropY: number;
  cropWidth: number;
  cropHeight: number;
  /** Model-input pixels per cropped-image pixel. */
  scaleX: number;
  scaleY: number;
  /** Letterbox padding (model-input pixels) on the left / top. */
  padX: number;
  padY: number;
  /** Size of the resized image content inside the model input (without padding). */
  contentWidth: number;
  contentHeight: number;
  inputWidth: number;
  inputHeight: number;
}

export interface PreprocessedImage {
  /** 3 * inputHeight * inputWidth floats, planes R, G, B, values / 255. From the tensor pool: callers may hand it
   *  back with returnTensor once nothing reads it. */
  tensor: Float32Array;
  dims: [1, 3, number, number];
  transform: ImageTransform;
}

export interface ResizeSpec {
  width: number;
  height: number;
  mode: ResizeMode;
  /** Letterbox fill value (0 black, 114 grey, 255 white). */
  padValue: number;
}

type Dict = Record<string, any>;

function enabled(step: unknown): step is Dict {
  return !!step && typeof step === 'object' && (step as Dict).enabled !== false;
}

/** Resize settings from PREPROCESSING.resize (falls back to a stretch to the model's input size). */
export function resizeSpecOf(preprocessing: Dict | undefined, fallback: { width: number; height: number }): ResizeSpec {
  // A disabled resize still has to reach the model's input size: stretch to it.
  const resize = preprocessing?.resize?.enabled === false ? undefined : preprocessing?.resize;
  const width = Number(resize?.width) > 0 ? Number(resize.width) : fallback.width;
  const height = Number(resize?.height) > 0 ? Number(resize.height) : fallback.height;
  const format = String(resize?.format ?? 'Stretch to');
  if (!format.startsWith('Fit') && !format.startsWith('Fill')) return { width, height, mode: 'stretch', padValue: 0 };
  const padValue = format.includes('grey') ? 114 : format.includes('white') ? 255 : 0;
  return { width, height, mode: 'letterbox', padValue };
}

/** Copies a rectangle out of interleaved RGB pixels. */
export function cropRgb(pixels: Uint8Array, width: number, x: number, y: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  const row = w * 3;
  for (let r = 0; r < h; r++) {
    const src = ((y + r) * width + x) * 3;
    out.set(pixels.subarray(src, src + row), r * row);
  }
  return out;
}

/** Luma (BT.601) replicated into three channels, as OpenCV's RGB→GRAY→RGB does. */
export function grayscaleRgb(pixels: Uint8Array): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i += 3) {
    const g = Math.round(0.299 * pixels[i]! + 0.587 * pixels[i + 1]! + 0.114 * pixels[i + 2]!);
    out[i] = out[i + 1] = out[i + 2] = g;
  }
  return out;
}

/** Resizes interleaved RGB pixels with sharp (bilinear), without keeping aspect ratio. */
export async function resizeRgb(
  pixels: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Promise<Uint8Array> {
  if (width === outWidth && height === outHeight) return pixels;
  const data = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .resize(outWidth, outHeight, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/**
 * Interleaved RGB bytes → planar float32 (R, G, B planes) placed at (offsetX, offsetY) inside a
 * tensorWidth x tensorHeight canvas filled with `fill`; values are (v / 255 - mean) / std per channel.
 */
export function rgbToNchw(
  pixels: Uint8Array,
  width: number,
  height: number,
  options: {
    tensorWidth?: number;
    tensorHeight?: number;
    offsetX?: number;
    offsetY?: number;
    fill?: number;
    mean?: readonly [number, number, number];
    std?: readonly [number, number, number];
    bgr?: boolean;
    /** Write into this array (any contents, 3 * tensorWidth * tensorHeight long) instead of a new one. */
    out?: Float32Array;
  } = {},
): Float32Array {
  const tw = options.tensorWidth ?? width;
  const th = options.tensorHeight ?? height;
  const ox = options.offsetX ?? 0;
  const oy = options.offsetY ?? 0;
  const mean = options.mean ?? [0, 0, 0];
  const std = options.std ?? [1, 1, 1];
  const plane = tw * th;
  const fresh = !options.out;
  const tensor = options.out ?? new Float32Array(3 * plane);
  if (tensor.length !== 3 * plane) throw new Error(`tensor of ${tensor.length} floats given for 3x${th}x${tw}`);
  const [r, g, b] = options.bgr ? [2, 1, 0] : [0, 1, 2];
  const scaleR = 1 / (255 * std[0]!),
    scaleG = 1 / (255 * std[1]!),
    scaleB = 1 / (255 * std[2]!);
  const shiftR = mean[0]! / std[0]!,
    shiftG = mean[1]! / std[1]!,
    shiftB = mean[2]! / std[2]!;
  if (options.fill !== undefined) {
    const fill = options.fill;
    fillOutside(tensor, 0, tw, th, ox, oy, width, height, fill * scaleR - shiftR, fresh);
    fillOutside(tensor, plane, tw, th, ox, oy, width, height, fill * scaleG - shiftG, fresh);
    fillOutside(tensor, 2 * plane, tw, th, ox, oy, width, height, fill * scaleB - shiftB, fresh);
  } else if (!fresh) {
    for (let c = 0; c < 3; c++) fillOutside(tensor, c * plane, tw, th, ox, oy, width, height, 0, false);
  }
  // One pass over the pixels writing the three planes: reading the source once is ~1.6x faster than a pass per plane.
  const gPlane = plane;
  const bPlane = 2 * plane;
  for (let y = 0; y < height; y++) {
    let i = y * width * 3;
    let o = (y + oy) * tw + ox;
    const end = o + width;
    for (; o < end; o++, i += 3) {
      tensor[o] = pixels[i + r]! * scaleR - shiftR;
      tensor[o + gPlane] = pixels[i + g]! * scaleG - shiftG;
      tensor[o + bPlane] = pixels[i + b]! * scaleB - shiftB;
    }
  }
  return tensor;
}

/** Fills the part of one tensor plane outside the content rectangle (the letterbox padding). */
function fillOutside(
  tensor: Float32Array,
  base: number,
  tw: number,
  th: number,
  ox: number,
  oy: number,
  w: number,
  h: number,
  value: number,
  fresh: boolean,
): void {
  if (fresh && value === 0) return; // new Float32Arrays are zeroed
  tensor.fill(value, base, base + oy * tw);
  tensor.fill(value, base + (oy + h) * tw, base + th * tw);
  for (let y = oy; y < oy + h; y++) {
    const row = base + y * tw;
    tensor.fill(value, row, row + ox);
    tensor.fill(value, row + ox + w, row + tw);
  }
}

/** Runs the package's preprocessing on an image. */
export async function preprocessImage(
  image: WorkflowImage,
  environment: Record<string, unknown>,
  input: { width: number; height: number },
  flags: PreprocessFlags = {},
): Promise<PreprocessedImage> {
  const preprocessing = (environment.PREPROCESSING ?? {}) as Dict;
  let pixels = image.pixels;
  let cropX = 0;
  let cropY = 0;
  let width = image.width;
  let height = image.height;

  const staticCrop = preprocessing['static-crop'];
  if (enabled(staticCrop) && !flags.disableStaticCrop) {
    const pct = (v: unknown, fallback: number) =>
      Math.min(100, Math.max(0, Number.isFinite(Number(v)) ? Number(v) : fallback)) / 100;
    const x0 = Math.floor(pct(staticCrop.x_min, 0) * image.width);
    const y0 = Math.floor(pct(staticCrop.y_min, 0) * image.height);
    const x1 = Math.ceil(pct(staticCrop.x_max, 100) * image.width);
    const y1 = Math.ceil(pct(staticCrop.y_max, 100) * image.height);
    if (x1 > x0 && y1 > y0) {
      pixels = cropRgb(pixels, image.width, x0, y0, x1 - x0, y1 - y0);
      cropX = x0;
      cropY = y0;
      width = x1 - x0;
      height = y1 - y0;
    }
  }
  const contrast = preprocessing.contrast;
  if (enabled(contrast) && !flags.disableContrast) {
    pixels = applyContrast(pixels, width, height, String(contrast.type ?? 'Contrast Stretching') as ContrastType);
  }
  if (enabled(preprocessing.grayscale) && !flags.disableGrayscale) pixels = grayscaleRgb(pixels);

  const spec = resizeSpecOf(preprocessing, input);
  let contentWidth = spec.width;
  let contentHeight = spec.height;
  let padX = 0;
  let padY = 0;
  if (spec.mode === 'letterbox') {
    const scale = Math.min(spec.width / width, spec.height / height);
    contentWidth = Math.max(1, Math.min(spec.width, Math.round(width * scale)));
    contentHeight = Math.max(1, Math.min(spec.height, Math.round(height * scale)));
    padX = Math.floor((spec.width - contentWidth) / 2);
    padY = Math.floor((spec.height - contentHeight) / 2);
  }
  const resized = await resizeRgb(pixels, width, height, contentWidth, contentHeight);
  const tensor = rgbToNchw(resized, contentWidth, contentHeight, {
    tensorWidth: spec.width,
    tensorHeight: spec.height,
    offsetX: padX,
    offsetY: padY,
    fill: spec.mode === 'letterbox' ? spec.padValue : undefined,
    out: takeTensor(3 * spec.width * spec.height),
  });
  return {
    tensor,
    dims: [1, 3, spec.height, spec.width],
    transform: {
      originalWidth: image.width,
      originalHeight: image.height,
      cropX,
      cropY,
      cropWidth: width,
      cropHeight: height,
      scaleX: contentWidth / width,
      scaleY: contentHeight / height,
      padX,
      padY,
      contentWidth,
      contentHeight,
      inputWidth: spec.width,
      inputHeight: spec.height,
    },
  };
}

/** Maps xyxy boxes (model-input pixels) to original-image pixels in place, clipped to the image. */
export function boxesToOriginal(xyxy: Float32Array, t: ImageTransform): void {
  for (let i = 0; i < xyxy.length; i += 4) {
    for (let k = 0; k < 4; k += 2) {
      const x = (xyxy[i + k]! - t.padX) / t.scaleX + t.cropX;
      const y = (xyxy[i + k + 1]! - t.padY) / t.scaleY + t.cropY;
      xyxy[i + k] = Math.min(t.originalWidth, Math.max(0, x));
      xyxy[i + k + 1] = Math.min(t.originalHeight, Math.max(0, y));
    }
  }
}

/** Maps one point from model-input pixels to original-image pixels (not clipped). */
export function pointToOriginal(x: number, y: number, t: ImageTransform): [number, number] {
  return [(x - t.padX) / t.scaleX + t.cropX, (y - t.padY) / t.scaleY + t.cropY];
}

/**
 * The decode-to-size hint for an image whose only consumer is this model's preprocessing: its resize target, to
 * be decoded to exactly when the model stretches to it. None with a static crop (its percentages would be taken of a
 * smaller image: same region, but kept simple).
 */
export function decodeHintFor(model: {
  environment: Record<string, unknown>;
  inputWidth: number;
  inputHeight: number;
}): DecodeHint | null {
  const preprocessing = (model.environment.PREPROCESSING ?? {}) as Dict;
  if (enabled(preprocessing['static-crop'])) return null;
  const spec = resizeSpecOf(preprocessing, { width: model.inputWidth, height: model.inputHeight });
  return { width: spec.width, height: spec.height, stretch: spec.mode === 'stretch' };
}
