// Preprocessing: letterbox / stretch geometry and its inverse, static crop, grayscale and contrast, on
// synthetic images whose expected tensors are easy to state.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowImage } from '../../../engine/image.ts';
import { preprocessImage, boxesToOriginal, resizeSpecOf } from '../../../blocks/models/preprocess.ts';
import { stretchContrast, equalizeHistogram, adaptiveEqualization } from '../../../blocks/models/contrast.ts';

function solid(width: number, height: number, rgb: [number, number, number]): WorkflowImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < pixels.length; i += 3) pixels.set(rgb, i);
  return new WorkflowImage(pixels, width, height, { parentId: 'img' });
}

const letterbox = (format = 'Fit (grey edges) in') => ({
  PREPROCESSING: { resize: { enabled: true, width: 64, height: 64, format } },
});

describe('preprocessing', () => {
  test('letterbox a wide image: centred content, grey padding, values / 255 in RGB planes', async () => {
    const out = await preprocessImage(solid(128, 64, [255, 0, 51]), letterbox(), { width: 64, height: 64 });
    assert.deepEqual(out.dims, [1, 3, 64, 64]);
    const t = out.transform;
    assert.equal(t.contentWidth, 64);
    assert.equal(t.contentHeight, 32);
    assert.equal(t.padX, 0);
    assert.equal(t.padY, 16);
    const plane = 64 * 64;
    const at = (c: number, x: number, y: number) => out.tensor[c * plane + y * 64 + x]!;
    assert.ok(Math.abs(at(0, 10, 0) - 114 / 255) < 1e-6, 'padding is grey');
    assert.ok(Math.abs(at(0, 10, 30) - 1) < 1e-6);
    assert.ok(Math.abs(at(1, 10, 30)) < 1e-6);
    assert.ok(Math.abs(at(2, 10, 30) - 0.2) < 1e-6);
  });

  test('black and white edges; stretch has no padding', async () => {
    const black = await preprocessImage(solid(32, 64, [200, 200, 200]), letterbox('Fit (black edges) in'), {
      width: 64,
      height: 64,
    });
    assert.equal(black.transform.padX, 16);
    assert.equal(black.tensor[0], 0);
    const white = await preprocessImage(solid(32, 64, [200, 200, 200]), letterbox('Fit (white edges) in'), {
      width: 64,
      height: 64,
    });
    assert.equal(white.tensor[0], 1);
    const stretch = await preprocessImage(solid(32, 64, [200, 200, 200]), letterbox('Stretch to'), {
      width: 64,
      height: 64,
    });
    assert.equal(stretch.transform.padX, 0);
    assert.equal(stretch.transform.scaleX, 2);
    assert.equal(stretch.transform.scaleY, 1);
    assert.equal(resizeSpecOf({ resize: { format: 'Something new' } }, { width: 10, height: 20 }).mode, 'stretch');
  });

  test('boxes map back to original pixels through padding, scale and static crop', async () => {
    const env = {
      PREPROCESSING: {
        resize: { enabled: true, width: 64, height: 64, format: 'Fit (black edges) in' },
        'static-crop': { enabled: true, x_min: 50, y_min: 0, x_max: 100, y_max: 100 },
      },
    };
    const out = await preprocessImage(solid(200, 100, [1, 2, 3]), env, { width: 64, height: 64 });
    const t = out.transform;
    assert.deepEqual([t.cropX, t.cropWidth, t.cropHeight], [100, 100, 100]);
    const boxes = new Float32Array([0, 0, 64, 64]);
    boxesToOriginal(boxes, t);
    assert.deepEqual(Array.from(boxes), [100, 0, 200, 100]);
    const off = await preprocessImage(
      solid(200, 100, [1, 2, 3]),
      env,
      { width: 64, height: 64 },
      { disableStaticCrop: true },
    );
    assert.equal(off.transform.cropWidth, 200);
  });

  test('grayscale replicates luma in all channels unless disabled', async () => {
    const env = {
      PREPROCESSING: {
        resize: { enabled: true, width: 8, height: 8, format: 'Stretch to' },
        grayscale: { enabled: true },
      },
    };
    const gray = await preprocessImage(solid(8, 8, [255, 0, 0]), env, { width: 8, height: 8 });
    const expected = Math.round(0.299 * 255) / 255;
    for (const c of [0, 1, 2]) assert.ok(Math.abs(gray.tensor[c * 64]! - expected) < 1e-6);
    const colour = await preprocessImage(
      solid(8, 8, [255, 0, 0]),
      env,
      { width: 8, height: 8 },
      { disableGrayscale: true },
    );
    assert.equal(colour.tensor[0], 1);
    assert.equal(colour.tensor[64], 0);
  });

  test('contrast: stretching and equalization spread a narrow range; CLAHE keeps size and hue', () => {
    const pixels = new Uint8Array(300 * 3);
    for (let i = 0; i < 300; i++) pixels.fill(100 + (i % 20), i * 3, i * 3 + 3);
    for (const f of [stretchContrast, equalizeHistogram]) {
      const out = f(pixels);
      assert.ok(Math.min(...out) < 30 && Math.max(...out) > 225, f.name);
    }
    const rgb = new Uint8Array(16 * 16 * 3);
    for (let i = 0; i < 256; i++) rgb.set([40 + (i % 16) * 4, 20 + (i % 16) * 2, 10], i * 3);
    const clahe = adaptiveEqualization(rgb, 16, 16);
    assert.equal(clahe.length, rgb.length);
    for (let i = 0; i < 256; i++)
      assert.ok(clahe[i * 3]! >= clahe[i * 3 + 1]! && clahe[i * 3 + 1]! >= clahe[i * 3 + 2]!, 'channel order kept');
  });
});
