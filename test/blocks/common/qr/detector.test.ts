// QR detection on rendered images: scaled codes with a quiet zone, rotated codes, damaged codes, two codes in
// one picture, a code pasted into a street photo, and the generator and detector blocks through the engine.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp, { type Sharp } from 'sharp';
import { ExecutionEngine, WorkflowImage, type Detections } from '../../../../engine/index.ts';
import { encodeQr, type QrMatrix } from '../../../../blocks/common/qr/encoder.ts';
import { renderQr } from '../../../../blocks/common/qr/render.ts';
import { detectQrCodes } from '../../../../blocks/common/qr/detector.ts';
import { homographyFrom, project, type Point } from '../../../../blocks/common/qr/grid.ts';
import { qrCodeDetections } from '../../../../blocks/models/codes/qr_code_detector_v1.ts';
import { coreBlocks } from '../../../../blocks/index.ts';
import { needsShared, sharedImage } from '../../../helpers/shared.ts';

interface Raw {
  pixels: Uint8Array;
  width: number;
  height: number;
}

async function toRaw(pipeline: Sharp): Promise<Raw> {
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { pixels: data, width: info.width, height: info.height };
}

const rawSharp = (raw: Raw) => sharp(raw.pixels, { raw: { width: raw.width, height: raw.height, channels: 3 } });

/** Rendered with 1-pixel modules, then scaled up with bilinear resampling (edges are grey, as in a photo). */
async function scaled(matrix: QrMatrix, modulePixels: number, border = 4): Promise<Raw> {
  const plain = renderQr(matrix, { moduleSize: 1, border });
  return toRaw(rawSharp(plain).resize(plain.width * modulePixels, plain.height * modulePixels, { kernel: 'linear' }));
}

async function rotated(raw: Raw, degrees: number): Promise<Raw> {
  // Rotation by sharp happens after decode; a PNG round trip fixes the pixels before reading them back.
  const png = await rawSharp(raw).rotate(degrees, { background: '#ffffff' }).png().toBuffer();
  return toRaw(sharp(png));
}

const texts = (raw: Raw) => detectQrCodes(raw.pixels, raw.width, raw.height).map((code) => code.text);

describe('detectQrCodes', () => {
  const cases: Array<[string, number, number]> = [
    ['hi', 3, 0],
    ['https://roboflow.com/workflows', 5, 0],
    ['Zürich ✓ 東京', 4, 0],
    ['x'.repeat(120), 4, 0],
    ['A'.repeat(200), 3, 0],
    ['hi', 6, 4],
    ['https://roboflow.com/workflows', 5, -7],
    ['x'.repeat(120), 4, 3],
  ];
  for (const [text, modulePixels, degrees] of cases) {
    const matrix = encodeQr(text);
    test(`version ${matrix.version}, ${modulePixels}px modules, rotated ${degrees}°`, async () => {
      let raw = await scaled(matrix, modulePixels);
      if (degrees) raw = await rotated(raw, degrees);
      assert.deepEqual(texts(raw), [text]);
    });
  }

  test('the corners frame the symbol without the quiet zone', async () => {
    const matrix = encodeQr('corners', { version: 2 });
    const [code] = detectQrCodes(renderQr(matrix, { moduleSize: 8, border: 4 }).pixels, 33 * 8, 33 * 8);
    const expected = [
      [32, 32],
      [32 + 25 * 8, 32],
      [32 + 25 * 8, 32 + 25 * 8],
      [32, 32 + 25 * 8],
    ];
    code!.corners.forEach((p, i) => {
      assert.ok(
        Math.abs(p.x - expected[i]![0]!) < 2 && Math.abs(p.y - expected[i]![1]!) < 2,
        `corner ${i}: ${p.x},${p.y}`,
      );
    });
    assert.equal(code!.version, 2);
  });

  test('damaged modules are corrected (level H, a blotch over the data)', async () => {
    const matrix = encodeQr('still readable', { level: 'H', version: 3 });
    const size = matrix.size;
    for (let y = 12; y < 17; y++)
      for (let x = 12; x < 17; x++) matrix.modules[y * size + x] = (x + y) % 3 === 0 ? 1 : 0;
    const raw = await scaled(matrix, 5);
    const [code] = detectQrCodes(raw.pixels, raw.width, raw.height);
    assert.equal(code?.text, 'still readable');
    assert.ok(code!.corrected > 0, 'some codewords were repaired');
  });

  test('two codes side by side are both read', async () => {
    const left = renderQr(encodeQr('left code'), { moduleSize: 4 });
    const right = renderQr(encodeQr('right code, a little longer'), { moduleSize: 4 });
    const width = left.width + right.width;
    const height = Math.max(left.height, right.height);
    const canvas = await toRaw(
      sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite([
        {
          input: Buffer.from(left.pixels),
          raw: { width: left.width, height: left.height, channels: 3 },
          left: 0,
          top: 0,
        },
        {
          input: Buffer.from(right.pixels),
          raw: { width: right.width, height: right.height, channels: 3 },
          left: left.width,
          top: 0,
        },
      ]),
    );
    assert.deepEqual(texts(canvas).sort(), ['left code', 'right code, a little longer']);
  });

  test('an image without a code gives nothing', () => {
    const pixels = new Uint8Array(200 * 150 * 3);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 251;
    assert.deepEqual(detectQrCodes(pixels, 200, 150), []);
  });

  test('a rotated code pasted into street.jpg is found where it was put', { skip: needsShared }, async () => {
    const code = await rotated(await scaled(encodeQr('sightline://street/42'), 4, 2), 5);
    const png = await rawSharp(code).png().toBuffer();
    const photo = await toRaw(sharp(sharedImage('street.jpg')).composite([{ input: png, left: 300, top: 200 }]));
    const image = new WorkflowImage(photo.pixels, photo.width, photo.height, { parentId: 'street' });
    const detections = qrCodeDetections(image);
    assert.deepEqual(detections.column('data'), ['sightline://street/42']);
    const [x0, y0, x1, y1] = detections.box(0);
    // The symbol (without its 2-module border) lies inside the pasted square.
    assert.ok(
      x0 >= 300 && y0 >= 200 && x1 <= 300 + code.width && y1 <= 200 + code.height,
      `box ${x0},${y0},${x1},${y1}`,
    );
    assert.ok(x1 - x0 > 100 && y1 - y0 > 100);
    const plain = await toRaw(sharp(sharedImage('street.jpg')));
    assert.deepEqual(texts(plain), []);
  });
});

describe('qr_code_generator@v1 → qr_code_detector@v1 through the engine', () => {
  const engine = new ExecutionEngine({ blocks: [...coreBlocks] });
  const workflow = {
    version: '1.0',
    inputs: [{ type: 'WorkflowParameter', name: 'text' }],
    steps: [
      {
        type: 'roboflow_core/qr_code_generator@v1',
        name: 'generate',
        text: '$inputs.text',
        border: 2,
        fill_color: '#102030',
        back_color: 'rgb(250, 240, 230)',
      },
      { type: 'QRCodeDetector', name: 'detect', images: '$steps.generate.qr_code' },
    ],
    outputs: [
      { type: 'JsonField', name: 'qr', selector: '$steps.generate.qr_code' },
      { type: 'JsonField', name: 'codes', selector: '$steps.detect.predictions' },
    ],
  };

  test('the generated image decodes back to the input text', async () => {
    const { outputs } = await engine.run(workflow, { text: 'Roboflow Sightline ✓' }, { serialize: false });
    const image = outputs[0]!.qr as WorkflowImage;
    // Version 2 (25 modules) with a 2-module border at 10 px per module, in the requested colours.
    assert.deepEqual([image.width, image.height], [290, 290]);
    assert.deepEqual(Array.from(image.pixels.subarray(0, 3)), [250, 240, 230]);
    assert.deepEqual(Array.from(image.pixels.subarray((25 * 290 + 25) * 3, (25 * 290 + 25) * 3 + 3)), [16, 32, 48]);
    const codes = outputs[0]!.codes as Detections;
    assert.deepEqual(codes.column('data'), ['Roboflow Sightline ✓']);
    assert.deepEqual(codes.column('class_name'), ['qr_code']);
    assert.deepEqual(Array.from(codes.confidence), [1]);
    assert.deepEqual(Array.from(codes.box(0)), [20, 20, 270, 270]);
  });

  test('serialized predictions carry the text in `data`', async () => {
    const { outputs } = await engine.run(workflow, { text: 'serialized' });
    const payload = outputs[0]!.codes as { image: unknown; predictions: Array<Record<string, unknown>> };
    // 10 bytes fit version 1: 21 modules + 2x2 border at 10 px.
    assert.deepEqual(payload.image, { width: 250, height: 250 });
    assert.equal(payload.predictions.length, 1);
    assert.deepEqual(
      { ...payload.predictions[0], detection_id: undefined, parent_id: undefined },
      {
        ...payload.predictions[0],
        x: 125,
        y: 125,
        width: 210,
        height: 210,
        confidence: 1,
        class: 'qr_code',
        class_id: 0,
        data: 'serialized',
        detection_id: undefined,
        parent_id: undefined,
      },
    );
  });

  test('text too long for version 10 is refused naming the step and field', async () => {
    await assert.rejects(engine.run(workflow, { text: 'y'.repeat(300) }), /generate.*text/);
  });
});

describe('perspective', () => {
  /** Inverse-maps every output pixel through a homography taking the rendered square onto a trapezoid. */
  function warp(source: Raw, corners: Point[], width: number, height: number): Raw {
    const square = [
      { x: 0, y: 0 },
      { x: source.width, y: 0 },
      { x: source.width, y: source.height },
      { x: 0, y: source.height },
    ];
    const inverse = homographyFrom(corners, square)!;
    const pixels = new Uint8Array(width * height * 3).fill(255);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = project(inverse, x + 0.5, y + 0.5);
        const sx = Math.floor(p.x);
        const sy = Math.floor(p.y);
        if (sx < 0 || sy < 0 || sx >= source.width || sy >= source.height) continue;
        pixels.set(
          source.pixels.subarray((sy * source.width + sx) * 3, (sy * source.width + sx) * 3 + 3),
          (y * width + x) * 3,
        );
      }
    }
    return { pixels, width, height };
  }

  test('a version 5 code seen at an angle is read through its alignment pattern', () => {
    const source = renderQr(encodeQr('https://roboflow.com/perspective/test/' + 'p'.repeat(40)), {
      moduleSize: 6,
      border: 4,
    });
    const warped = warp(
      source,
      [
        { x: 60, y: 40 },
        { x: 400, y: 70 },
        { x: 380, y: 390 },
        { x: 40, y: 430 },
      ],
      460,
      470,
    );
    assert.deepEqual(texts(warped), ['https://roboflow.com/perspective/test/' + 'p'.repeat(40)]);
  });
});
