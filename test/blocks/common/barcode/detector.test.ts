// Barcode detection on pictures made with sharp: resampled to fractional module sizes, noisy, turned 90° and
// tilted, two codes in one picture, codes pasted into street.jpg, photos without codes, and the block through
// the engine.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp, { type Sharp } from 'sharp';
import { ExecutionEngine, WorkflowImage, type Detections } from '../../../../engine/index.ts';
import { encodeEan13, encodeEan8 } from '../../../../blocks/common/barcode/ean.ts';
import { encodeCode128 } from '../../../../blocks/common/barcode/code128.ts';
import { encodeCode39 } from '../../../../blocks/common/barcode/code39.ts';
import { renderBarcode, type RenderedBarcode } from '../../../../blocks/common/barcode/render.ts';
import { detectBarcodes } from '../../../../blocks/common/barcode/detector.ts';
import { barcodeDetections } from '../../../../blocks/models/codes/barcode_detector_v1.ts';
import { coreBlocks } from '../../../../blocks/index.ts';
import { needsShared, sharedImage } from '../../../helpers/shared.ts';

type Raw = RenderedBarcode;

async function toRaw(pipeline: Sharp): Promise<Raw> {
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height };
}

const rawSharp = (raw: Raw) => sharp(raw.pixels, { raw: { width: raw.width, height: raw.height, channels: 3 } });

/** Rendered at 1 px per module, then resampled bilinearly so edges fall between pixels. */
const scaled = (widths: number[], modulePixels: number) => {
  const plain = renderBarcode(widths, { moduleSize: 1, height: 30, margin: 4 });
  return toRaw(
    rawSharp(plain).resize(Math.round(plain.width * modulePixels), Math.round(plain.height * 2), {
      kernel: 'linear',
      fit: 'fill',
    }),
  );
};

async function rotated(raw: Raw, degrees: number): Promise<Raw> {
  // A PNG round trip makes sharp apply the rotation before the pixels are read back.
  return toRaw(sharp(await rawSharp(raw).rotate(degrees, { background: '#ffffff' }).png().toBuffer()));
}

/** Adds uniform noise of ±amplitude from a fixed-seed generator (so the test is repeatable). */
function noisy(raw: Raw, amplitude: number): Raw {
  let seed = 12345;
  const pixels = Uint8Array.from(raw.pixels, (v) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return Math.max(0, Math.min(255, v + ((seed >>> 8) / 0xffffff) * 2 * amplitude - amplitude));
  });
  return { ...raw, pixels };
}

const read = (raw: Raw) => detectBarcodes(raw.pixels, raw.width, raw.height).map((code) => code.text);

const ean13 = encodeEan13('590123412345');
const ean8 = encodeEan8('5512345');
const code128 = encodeCode128('SL-2024/0042');
const code39 = encodeCode39('WAREHOUSE 7');

describe('detectBarcodes on resampled, noisy and rotated pictures', () => {
  const symbols = [ean13, ean8, code128, code39, encodeCode39('NARROW 2', 2)];
  for (const symbol of symbols) {
    for (const modulePixels of [1.5, 2.5, 3.7]) {
      test(`'${symbol.text}' at ${modulePixels}px per module`, async () => {
        assert.deepEqual(read(await scaled(symbol.widths, modulePixels)), [symbol.text]);
      });
    }
    test(`'${symbol.text}' with ±60 grey levels of noise`, async () => {
      assert.deepEqual(read(noisy(await scaled(symbol.widths, 3), 60)), [symbol.text]);
    });
    for (const degrees of [90, 270, 4, 180]) {
      test(`'${symbol.text}' rotated ${degrees}°`, async () => {
        assert.deepEqual(read(await rotated(await scaled(symbol.widths, 2.5), degrees)), [symbol.text]);
      });
    }
  }

  test('a code turned 90° is boxed upright', async () => {
    const raw = await rotated(renderBarcode(ean13.widths, { moduleSize: 2, height: 60, margin: 10 }), 90);
    const [code] = detectBarcodes(raw.pixels, raw.width, raw.height);
    const [x0, y0, x1, y1] = code!.box;
    // 95 modules of 2 px now run down the picture from the 20 px quiet zone; the bars span x 10..70.
    assert.ok(Math.abs(y0 - 20) < 1 && Math.abs(y1 - 210) < 1, `y ${y0}..${y1}`);
    assert.ok(Math.abs(x0 - 10) <= 1 && Math.abs(x1 - 70) <= 1, `x ${x0}..${x1}`);
  });

  test('two codes in one picture are both read, in reading order', async () => {
    const top = renderBarcode(code128.widths, { moduleSize: 2 });
    const bottom = renderBarcode(ean8.widths, { moduleSize: 3 });
    const canvas = await toRaw(
      sharp({ create: { width: 400, height: 220, channels: 3, background: '#ffffff' } }).composite([
        { input: Buffer.from(top.pixels), raw: { width: top.width, height: top.height, channels: 3 }, left: 0, top: 0 },
        {
          input: Buffer.from(bottom.pixels),
          raw: { width: bottom.width, height: bottom.height, channels: 3 },
          left: 150,
          top: 120,
        },
      ]),
    );
    assert.deepEqual(read(canvas), [code128.text, ean8.text]);
  });

  test('the same code twice gives two detections', async () => {
    const code = renderBarcode(ean13.widths, { moduleSize: 2 });
    const input = Buffer.from(code.pixels);
    const raw = { width: code.width, height: code.height, channels: 3 as const };
    const canvas = await toRaw(
      sharp({
        create: { width: code.width, height: 2 * code.height + 40, channels: 3, background: '#ffffff' },
      }).composite([
        { input, raw, left: 0, top: 0 },
        { input, raw, left: 0, top: code.height + 40 },
      ]),
    );
    assert.deepEqual(read(canvas), [ean13.text, ean13.text]);
  });

  test('a damaged code (bars cut by a line) still reads on the rows it is intact, a wrong digit reads nowhere', async () => {
    const code = renderBarcode(ean13.widths, { moduleSize: 2 });
    for (let y = 35; y < 40; y++) code.pixels.fill(255, y * code.width * 3 + 60 * 3, y * code.width * 3 + 90 * 3);
    assert.deepEqual(read(code), [ean13.text]);
    // The same bars with one digit changed: the check digit no longer matches.
    const tampered = [...ean13.widths];
    tampered.splice(3, 4, 2, 2, 2, 1); // L-set 1 instead of the first left digit
    const bad = renderBarcode(tampered, { moduleSize: 2 });
    assert.deepEqual(read(bad), []);
  });

  test('texture without codes gives nothing', () => {
    const width = 400;
    const height = 300;
    const pixels = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        // Vertical stripes of pseudo-random widths look like bars on every row.
        const stripe = Math.floor(x / (2 + ((x * 7919) % 5))) % 2;
        pixels.fill(stripe ? 20 : 230, (y * width + x) * 3, (y * width + x) * 3 + 3);
      }
    }
    assert.deepEqual(read({ pixels, width, height }), []);
  });
});

describe('codes in a photo', { skip: needsShared }, () => {
  test('two codes pasted into street.jpg are found where they were put', async () => {
    const first = await toRaw(rawSharp(noisy(await scaled(ean13.widths, 3), 20)));
    const second = await rotated(await scaled(code128.widths, 2.5), 90);
    const png = (raw: Raw) => rawSharp(raw).png().toBuffer();
    const photo = await toRaw(
      sharp(sharedImage('street.jpg')).composite([
        { input: await png(first), left: 400, top: 900 },
        { input: await png(second), left: 1800, top: 300 },
      ]),
    );
    const detections = barcodeDetections(
      new WorkflowImage(photo.pixels, photo.width, photo.height, { parentId: 'street' }),
    );
    assert.deepEqual(detections.column('data'), [code128.text, ean13.text]);
    const inside = (i: number, left: number, top: number, raw: Raw) => {
      const [x0, y0, x1, y1] = detections.box(i);
      assert.ok(
        x0 >= left && y0 >= top && x1 <= left + raw.width && y1 <= top + raw.height,
        `box ${x0},${y0},${x1},${y1}`,
      );
      return [x1 - x0, y1 - y0];
    };
    const [w1, h1] = inside(0, 1800, 300, second);
    assert.ok(h1! > 0.8 * second.height && w1! > 40, `${w1}x${h1}`);
    const [w2, h2] = inside(1, 400, 900, first);
    assert.ok(w2! > 0.8 * first.width && h2! > 40, `${w2}x${h2}`);
  });

  for (const name of ['street.jpg', 'bus.jpg', 'zidane.jpg', 'dog.jpg', 'person.jpg']) {
    test(`${name} has no barcode`, async () => {
      assert.deepEqual(read(await toRaw(sharp(sharedImage(name)))), []);
    });
  }
});

describe('roboflow_core/barcode_detector@v1 through the engine', () => {
  const engine = new ExecutionEngine({ blocks: [...coreBlocks] });
  const workflow = {
    version: '1.0',
    inputs: [{ type: 'WorkflowImage', name: 'image' }],
    steps: [{ type: 'BarcodeDetector', name: 'barcodes', images: '$inputs.image' }],
    outputs: [{ type: 'JsonField', name: 'codes', selector: '$steps.barcodes.predictions' }],
  };
  const picture = renderBarcode(code39.widths, { moduleSize: 2, height: 50, margin: 5 });
  const image = () => new WorkflowImage(picture.pixels, picture.width, picture.height, { parentId: 'image' });

  test('detections carry the text, class and confidence', async () => {
    const { outputs } = await engine.run(workflow, { image: image() }, { serialize: false });
    const codes = outputs[0]!.codes as Detections;
    assert.deepEqual(codes.column('data'), [code39.text]);
    assert.deepEqual(codes.column('class_name'), ['barcode']);
    assert.deepEqual(codes.column('prediction_type'), ['barcode-detection']);
    assert.deepEqual(Array.from(codes.confidence), [1]);
    assert.deepEqual(Array.from(codes.classId), [0]);
  });

  test('serialized predictions put the text in `data`', async () => {
    const { outputs } = await engine.run(workflow, { image: image() });
    const payload = outputs[0]!.codes as { image: unknown; predictions: Array<Record<string, unknown>> };
    assert.deepEqual(payload.image, { width: picture.width, height: picture.height });
    assert.equal(payload.predictions.length, 1);
    const [prediction] = payload.predictions;
    assert.equal(prediction!.class, 'barcode');
    assert.equal(prediction!.data, code39.text);
    assert.ok(Math.abs((prediction!.x as number) - picture.width / 2) < 1, `x ${prediction!.x}`);
    assert.ok(Math.abs((prediction!.y as number) - picture.height / 2) < 1, `y ${prediction!.y}`);
  });
});
