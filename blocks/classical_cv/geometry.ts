// Exact pixel moves (flips, quarter turns) and sharp-backed resampling (resize, arbitrary rotation).
import sharp, { type Sharp } from 'sharp';

export interface RawImage {
  pixels: Uint8Array;
  width: number;
  height: number;
}

export function flip(src: RawImage, horizontal: boolean, vertical: boolean): RawImage {
  const { width, height, pixels } = src;
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < height; y++) {
    const sy = vertical ? height - 1 - y : y;
    for (let x = 0; x < width; x++) {
      const sx = horizontal ? width - 1 - x : x;
      const s = (sy * width + sx) * 3;
      const d = (y * width + x) * 3;
      out[d] = pixels[s]!;
      out[d + 1] = pixels[s + 1]!;
      out[d + 2] = pixels[s + 2]!;
    }
  }
  return { pixels: out, width, height };
}

/** Rotation by a multiple of 90 degrees, clockwise for positive turns. */
export function rotateQuarter(src: RawImage, quarterTurns: number): RawImage {
  const turns = ((quarterTurns % 4) + 4) % 4;
  if (turns === 0) return { ...src, pixels: new Uint8Array(src.pixels) };
  if (turns === 2) return flip(src, true, true);
  const { width, height, pixels } = src;
  const out = new Uint8Array(pixels.length);
  // Output is height x width; clockwise: (x, y) -> (height - 1 - y, x).
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [dx, dy] = turns === 1 ? [height - 1 - y, x] : [y, width - 1 - x];
      const s = (y * width + x) * 3;
      const d = (dy * height + dx) * 3;
      out[d] = pixels[s]!;
      out[d + 1] = pixels[s + 1]!;
      out[d + 2] = pixels[s + 2]!;
    }
  }
  return { pixels: out, width: height, height: width };
}

async function fromSharp(pipeline: Sharp): Promise<RawImage> {
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

function toSharp(src: RawImage): Sharp {
  return sharp(src.pixels, { raw: { width: src.width, height: src.height, channels: 3 } });
}

export function resize(src: RawImage, width: number, height: number): Promise<RawImage> {
  return fromSharp(toSharp(src).resize(width, height, { fit: 'fill', kernel: 'linear' }));
}

/** Rotation by any angle (clockwise), canvas grown to hold the whole image, corners filled black. */
export function rotate(src: RawImage, degrees: number): Promise<RawImage> | RawImage {
  if (Number.isInteger(degrees / 90)) return rotateQuarter(src, degrees / 90);
  return fromSharp(toSharp(src).rotate(degrees, { background: { r: 0, g: 0, b: 0 } }));
}
