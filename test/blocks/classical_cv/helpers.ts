// Rendered test images with known geometry for the feature / geometry blocks: seeded random textures, crops,
// and exact quarter turns.
import { WorkflowImage } from '../../../engine/index.ts';

export { stepContext } from '../../helpers/step-context.ts';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Overlapping random rectangles and discs in random colours on a grey background: plenty of corners and blobs. */
export function texturedImage(
  width: number,
  height: number,
  seed = 1,
  shapes = Math.round((width * height) / 900),
): WorkflowImage {
  const random = seeded(seed);
  const pixels = new Uint8Array(width * height * 3).fill(128);
  for (let s = 0; s < shapes; s++) {
    const color = [random() * 255, random() * 255, random() * 255].map(Math.round);
    const cx = random() * width;
    const cy = random() * height;
    const r = 3 + random() * 18;
    const disc = random() < 0.5;
    for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(height, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(width, Math.ceil(cx + r)); x++) {
        if (disc && (x - cx) ** 2 + (y - cy) ** 2 > r * r) continue;
        const o = (y * width + x) * 3;
        pixels[o] = color[0]!;
        pixels[o + 1] = color[1]!;
        pixels[o + 2] = color[2]!;
      }
    }
  }
  return new WorkflowImage(pixels, width, height, { parentId: `texture-${seed}` });
}

export function solidImage(width: number, height: number, value = 90): WorkflowImage {
  return new WorkflowImage(new Uint8Array(width * height * 3).fill(value), width, height, { parentId: 'solid' });
}

export function crop(image: WorkflowImage, x0: number, y0: number, width: number, height: number): WorkflowImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    pixels.set(
      image.pixels.subarray(((y + y0) * image.width + x0) * 3, ((y + y0) * image.width + x0 + width) * 3),
      y * width * 3,
    );
  return new WorkflowImage(pixels, width, height, { parentId: `${image.parentId}-crop` });
}

export function pixelAt(image: { pixels: Uint8Array; width: number }, x: number, y: number): number[] {
  const o = (y * image.width + x) * 3;
  return [image.pixels[o]!, image.pixels[o + 1]!, image.pixels[o + 2]!];
}
