// contrast_enhancement@v1: Roboflow's per-channel stretch on a real photo made dull, with the clip limit, the
// multiplier and the midtone lift; literal-only parameters over HTTP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { WorkflowImage } from '../../../engine/index.ts';
import { contrastEnhancementV1, histogramPercentile } from '../../../blocks/classical_cv/contrast_enhancement_v1.ts';
import { needsShared, sharedImage } from '../../helpers/shared.ts';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { solidImage, stepContext } from './helpers.ts';
import { imageInput, post } from '../../server/http.ts';

/** dog.jpg squeezed into 50..110: a low-contrast real photo. */
async function dullDog(): Promise<WorkflowImage> {
  const dog = await WorkflowImage.decode(fs.readFileSync(sharedImage('dog.jpg')), { parentId: 'dog' });
  return dog.withPixels(dog.pixels.map((v) => 50 + Math.round((v * 60) / 255)));
}

function channelRange(image: WorkflowImage, c: number): [number, number] {
  let lo = 255;
  let hi = 0;
  for (let i = c; i < image.pixels.length; i += 3) {
    lo = Math.min(lo, image.pixels[i]!);
    hi = Math.max(hi, image.pixels[i]!);
  }
  return [lo, hi];
}

const run = (image: WorkflowImage, params: Record<string, unknown> = {}) =>
  contrastEnhancementV1.run(
    { image, clip_limit: 0, contrast_multiplier: 1, normalize_brightness: false, ...params } as never,
    stepContext(),
  ) as { image: WorkflowImage };

test('numpy-style percentile on a histogram', () => {
  const hist = new Float64Array(256);
  for (const v of [1, 2, 3, 4, 10]) hist[v]!++;
  assert.equal(histogramPercentile(hist, 5, 0), 1);
  assert.equal(histogramPercentile(hist, 5, 50), 3);
  assert.ok(Math.abs(histogramPercentile(hist, 5, 90) - 7.6) < 1e-9);
  assert.equal(histogramPercentile(hist, 5, 100), 10);
});

describe('contrast_enhancement@v1', { skip: needsShared }, () => {
  test('a dull photo is stretched to the full range per channel, same size, same lineage', async () => {
    const dull = await dullDog();
    const { image } = run(dull);
    assert.equal(image.width, dull.width);
    assert.equal(image.parentId, dull.parentId);
    for (let c = 0; c < 3; c++) {
      const [lo, hi] = channelRange(image, c);
      assert.equal(lo, 0);
      assert.ok(hi >= 254, `channel ${c} max ${hi}`);
    }
    // Monotone per channel: the pixel order of the original is kept.
    const [dlo, dhi] = channelRange(dull, 0);
    const x = dull.pixels[0]!;
    assert.equal(image.pixels[0], Math.trunc(((x - dlo) / (dhi - dlo)) * 255));
  });

  test('clip limit, multiplier and midtone lift follow Roboflow formulas', async () => {
    const dull = await dullDog();
    const clipped = run(dull, { clip_limit: 5 }).image;
    // 5% of the pixels of each channel saturate at each end.
    let zeros = 0;
    for (let i = 0; i < clipped.pixels.length; i += 3) if (clipped.pixels[i] === 0) zeros++;
    assert.ok(zeros >= 0.04 * dull.width * dull.height, `${zeros} zeros`);
    const base = run(dull).image;
    const strong = run(dull, { contrast_multiplier: 2 }).image;
    for (const i of [0, 1000, 50000]) {
      const expected = Math.trunc(Math.min(255, Math.max(0, 128 + (base.pixels[i]! - 128) * 2)));
      assert.ok(Math.abs(strong.pixels[i]! - expected) <= 2, `${strong.pixels[i]} vs ${expected}`);
    }
    const lifted = run(dull, { normalize_brightness: true }).image;
    let brighter = 0;
    for (let i = 0; i < lifted.pixels.length; i++) if (lifted.pixels[i]! >= base.pixels[i]!) brighter++;
    assert.equal(brighter, lifted.pixels.length);
  });

  test('a uniform image is returned unchanged', () => {
    const flat = solidImage(40, 30, 77);
    assert.deepEqual(run(flat).image.pixels, flat.pixels);
  });
});

describe('contrast_enhancement@v1 over HTTP', { skip: needsShared }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
  });
  const workflow = (extra: Record<string, unknown>) => ({
    version: '1.0',
    inputs: [
      { type: 'WorkflowImage', name: 'image' },
      { type: 'WorkflowParameter', name: 'clip' },
    ],
    steps: [{ type: 'roboflow_core/contrast_enhancement@v1', name: 'enhance', image: '$inputs.image', ...extra }],
    outputs: [{ type: 'JsonField', name: 'image', selector: '$steps.enhance.image' }],
  });

  test('runs with literals; parameters are literal-only and bounded', async () => {
    const ok = await post(server, '/workflows/run', {
      specification: workflow({ clip_limit: 2, contrast_multiplier: 1.2 }),
      inputs: { image: imageInput('dog.jpg') },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body).slice(0, 300));
    assert.equal(ok.body.outputs[0].image.type, 'base64');
    for (const extra of [{ clip_limit: '$inputs.clip' }, { clip_limit: 51 }, { contrast_multiplier: 6 }]) {
      const bad = await post(server, '/workflows/run', {
        specification: workflow(extra),
        inputs: { image: imageInput('dog.jpg'), clip: 2 },
      });
      assert.equal(bad.status, 400, JSON.stringify(extra));
    }
  });
});
