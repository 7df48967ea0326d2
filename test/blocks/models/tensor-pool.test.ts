// Reused model-input tensors: a tensor handed back and reused for an image of another shape must hold exactly
// what a fresh one would (padding rewritten, no values left over from the previous image).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowImage } from '../../../engine/image.ts';
import { preprocessImage, rgbToNchw } from '../../../blocks/models/preprocess.ts';
import { returnTensor, takeTensor } from '../../../blocks/models/tensor-pool.ts';

function gradient(width: number, height: number): WorkflowImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37) % 256;
  return new WorkflowImage(pixels, width, height, { parentId: 'img' });
}

const env = (format: string) => ({ PREPROCESSING: { resize: { enabled: true, width: 48, height: 48, format } } });

describe('tensor pool', () => {
  test('a returned tensor is reused, and a reused tensor equals a fresh one', async () => {
    const wide = await preprocessImage(gradient(96, 30), env('Fit (white edges) in'), { width: 48, height: 48 });
    const expectedWide = Array.from(wide.tensor);
    returnTensor(wide.tensor);
    // Tall image, other padding colour, into the same buffer.
    const tall = await preprocessImage(gradient(20, 90), env('Fit (grey edges) in'), { width: 48, height: 48 });
    assert.equal(tall.tensor, wide.tensor, 'the returned tensor was taken again');
    returnTensor(tall.tensor);
    const wideAgain = await preprocessImage(gradient(96, 30), env('Fit (white edges) in'), { width: 48, height: 48 });
    assert.deepEqual(Array.from(wideAgain.tensor), expectedWide);
    const blackEdges = await preprocessImage(gradient(20, 90), env('Fit (black edges) in'), { width: 48, height: 48 });
    assert.notEqual(blackEdges.tensor, wideAgain.tensor, 'a tensor still in use is not handed out');
    assert.equal(blackEdges.tensor[0], 0, 'black padding');
  });

  test('rgbToNchw into a dirty array: padding and content rewritten, without fill the outside is zero', () => {
    const pixels = new Uint8Array(5 * 3 * 3).map((_, i) => i * 5);
    for (const options of [{ fill: 114 }, { fill: 0 }, {}]) {
      const layout = { tensorWidth: 8, tensorHeight: 6, offsetX: 2, offsetY: 1, ...options };
      const fresh = rgbToNchw(pixels, 5, 3, layout);
      const dirty = takeTensor(3 * 8 * 6).fill(7);
      assert.deepEqual(
        Array.from(rgbToNchw(pixels, 5, 3, { ...layout, out: dirty })),
        Array.from(fresh),
        JSON.stringify(options),
      );
    }
  });
});
