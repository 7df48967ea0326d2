// Fixtures of the block tests that call `run` directly: manifest defaults applied as the engine does, a
// two-colour image, detections from rows, pixel reads.
import sharp from 'sharp';
import { Detections, WorkflowImage, type BlockDefinition, type StepContext } from '../../engine/index.ts';
import { stepContext } from './step-context.ts';

export function context(stepName = 'step', request: StepContext['request'] = {}): StepContext {
  return stepContext(stepName, { request });
}

export async function call<P>(block: BlockDefinition<P>, params: Partial<P>, ctx = context()): Promise<any> {
  // Apply manifest defaults the way the engine does before `run`.
  const withDefaults: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(block.manifest.properties))
    if ('default' in schema) withDefaults[name] = schema.default;
  return block.run({ ...withDefaults, ...params } as P, ctx);
}

/** 100x60 image: left half red, right half blue. */
export async function twoColourImage(): Promise<WorkflowImage> {
  const left = await sharp({ create: { width: 50, height: 60, channels: 3, background: { r: 255, g: 0, b: 0 } } })
    .png()
    .toBuffer();
  const png = await sharp({ create: { width: 100, height: 60, channels: 3, background: { r: 0, g: 0, b: 255 } } })
    .composite([{ input: left, left: 0, top: 0 }])
    .png()
    .toBuffer();
  return WorkflowImage.decode(png, { parentId: 'image' });
}

export function boxes(
  rows: Array<[number, number, number, number, number, string]>,
  extra: Record<string, unknown[]> = {},
): Detections {
  return new Detections(
    Float32Array.from(rows.flatMap((r) => r.slice(0, 4) as number[])),
    Float32Array.from(rows.map((r) => r[4])),
    Int32Array.from(rows.map((_, i) => i)),
    {
      class_name: rows.map((r) => r[5]),
      detection_id: rows.map((_, i) => `det-${i}`),
      image_dimensions: rows.map(() => [60, 100]),
      ...extra,
    },
  );
}

export const pixel = (image: WorkflowImage, x: number, y: number) => [
  ...image.pixels.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3),
];
