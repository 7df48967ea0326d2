// Shared by the visual block tests: a step context, images rendered with sharp, and PNG dumps for eyeballing.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Detections, WorkflowImage, type StepOutputs } from '../../engine/index.ts';
import { REPO_ROOT } from './shared.ts';

export { stepContext } from './step-context.ts';

/** A solid-colour image with optional filled rectangles ([x0, y0, x1, y1) and colour). */
export async function renderImage(
  width: number,
  height: number,
  background: [number, number, number],
  rects: Array<{ box: [number, number, number, number]; color: [number, number, number] }> = [],
): Promise<WorkflowImage> {
  const svgRects = rects
    .map(
      ({ box: [x0, y0, x1, y1], color }) =>
        `<rect x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}" fill="rgb(${color.join(',')})"/>`,
    )
    .join('');
  const png = await sharp({
    create: { width, height, channels: 3, background: { r: background[0], g: background[1], b: background[2] } },
  })
    .composite([
      {
        input: Buffer.from(
          `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" shape-rendering="crispEdges">${svgRects}</svg>`,
        ),
      },
    ])
    .png()
    .toBuffer();
  return WorkflowImage.decode(png, { parentId: 'image' });
}

/** A gradient image (every pixel differs from its neighbours) for geometry tests. */
export function gradientImage(width: number, height: number): WorkflowImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      pixels[o] = (x * 7) & 255;
      pixels[o + 1] = (y * 5) & 255;
      pixels[o + 2] = (x + y) & 255;
    }
  }
  return new WorkflowImage(pixels, width, height, { parentId: 'image' });
}

export function pixel(image: { pixels: Uint8Array; width: number }, x: number, y: number): [number, number, number] {
  const o = (y * image.width + x) * 3;
  return [image.pixels[o]!, image.pixels[o + 1]!, image.pixels[o + 2]!];
}

export function boxes(
  rows: Array<[number, number, number, number, number, string]>,
  extra: Partial<{ confidence: number[]; trackerId: number[] }> = {},
): Detections {
  const xyxy = new Float32Array(rows.flatMap((r) => r.slice(0, 4) as number[]));
  const confidence = new Float32Array(extra.confidence ?? rows.map(() => 0.9));
  const classId = new Int32Array(rows.map((r) => r[4]));
  const trackerId = extra.trackerId ? new Int32Array(extra.trackerId) : null;
  return new Detections(xyxy, confidence, classId, { class_name: rows.map((r) => r[5]) }, null, null, trackerId);
}

export function outputImage(result: unknown, key = 'image'): WorkflowImage {
  const image = (result as StepOutputs)[key];
  if (!(image instanceof WorkflowImage)) throw new Error(`step output ${key} is not an image`);
  return image;
}

/** Writes a PNG under test-output/ (gitignored) so a person can look at it. */
export async function saveOutput(name: string, image: WorkflowImage): Promise<void> {
  const dir = path.join(REPO_ROOT, 'test-output', 'visual');
  fs.mkdirSync(dir, { recursive: true });
  await image.toSharp().png().toFile(path.join(dir, name));
}
