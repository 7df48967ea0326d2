// Shared by the executor's run tests: workflow builders, the two test images and a typed-error matcher.
import assert from 'node:assert/strict';
import sharp from 'sharp';

export const IMAGE = { type: 'WorkflowImage', name: 'image' };
export const out = (name: string, selector: string, extra: Record<string, unknown> = {}) => ({
  type: 'JsonField',
  name,
  selector,
  ...extra,
});
export const wf = (steps: unknown[], outputs: unknown[], inputs: unknown[] = [IMAGE]) => ({
  version: '1.0',
  inputs,
  steps,
  outputs,
});

/** small is 40x30, wide 120x30; pngBytes is small's PNG. */
export async function makeImages(): Promise<{ small: string; wide: string; pngBytes: Buffer }> {
  const make = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: { r: 200, g: 10, b: 10 } } })
      .png()
      .toBuffer();
  const pngBytes = await make(40, 30);
  return { small: pngBytes.toString('base64'), wide: (await make(120, 30)).toString('base64'), pngBytes };
}

export async function expectRunError(promise: Promise<unknown>, name: string, check: (e: any) => void = () => {}) {
  await assert.rejects(promise, (error: any) => {
    assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
    check(error);
    return true;
  });
}
