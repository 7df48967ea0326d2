import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPalette, colorIndex, paletteColor, parseColor } from '../../../blocks/common/color.ts';
import {
  Canvas,
  drawTexts,
  measureText,
  pixelateRegion,
  blurRegion,
  toGray,
} from '../../../blocks/common/draw/index.ts';
import { boxes } from '../../helpers/images.ts';

function blank(width: number, height: number, value = 0): Canvas {
  return new Canvas(new Uint8Array(width * height * 3).fill(value), width, height);
}
const at = (c: Canvas, x: number, y: number) =>
  Array.from(c.pixels.subarray((y * c.width + x) * 3, (y * c.width + x) * 3 + 3));

describe('colours and palettes', () => {
  test('parses hex, rgb(), bgr(), names and tuples', () => {
    assert.deepEqual(parseColor('#FF8000'), [255, 128, 0]);
    assert.deepEqual(parseColor('#f80'), [255, 136, 0]);
    assert.deepEqual(parseColor('rgb(1, 2, 3)'), [1, 2, 3]);
    assert.deepEqual(parseColor('bgr(1, 2, 3)'), [3, 2, 1]);
    assert.deepEqual(parseColor('WHITE'), [255, 255, 255]);
    assert.deepEqual(parseColor('black'), [0, 0, 0]);
    assert.deepEqual(parseColor([10, 20, 30]), [10, 20, 30]);
    assert.equal(parseColor('not a colour'), null);
  });

  test('DEFAULT palette starts with supervision purple; CUSTOM uses the given colours', () => {
    assert.deepEqual(buildPalette('DEFAULT', 10, [])[0], [0xa3, 0x51, 0xfb]);
    const custom = buildPalette('CUSTOM', 10, ['#FF0000', 'rgb(0, 255, 0)']);
    assert.deepEqual(custom, [
      [255, 0, 0],
      [0, 255, 0],
    ]);
    assert.deepEqual(paletteColor(custom, 3), [0, 255, 0]);
    assert.throws(() => buildPalette('CUSTOM', 10, []), /custom_colors/);
    assert.throws(() => buildPalette('Nope', 10, []), /color_palette/);
  });

  test('matplotlib palettes are resampled to palette_size', () => {
    const viridis = buildPalette('Matplotlib Viridis', 5, []);
    assert.equal(viridis.length, 5);
    assert.deepEqual(viridis[0], [0x44, 0x01, 0x54]);
    assert.deepEqual(viridis[4], [0xfd, 0xe7, 0x25]);
    assert.equal(buildPalette('Matplotlib Tab10', 10, []).length, 10);
  });

  test('colour lookup by class, index and tracker id', () => {
    const d = boxes(
      [
        [0, 0, 1, 1, 7, 'a'],
        [0, 0, 1, 1, 7, 'a'],
      ],
      { trackerId: [42, 43] },
    );
    assert.equal(colorIndex(d, 1, 'CLASS'), 7);
    assert.equal(colorIndex(d, 1, 'INDEX'), 1);
    assert.equal(colorIndex(d, 1, 'TRACK'), 43);
    assert.throws(() => colorIndex(boxes([[0, 0, 1, 1, 0, 'a']]), 0, 'TRACK'), /tracker/);
  });
});

describe('canvas primitives', () => {
  test('strokeRect paints the border only', () => {
    const c = blank(50, 50);
    c.strokeRect(10, 10, 40, 40, [255, 0, 0], 2);
    assert.deepEqual(at(c, 10, 25), [255, 0, 0]);
    assert.deepEqual(at(c, 25, 40), [255, 0, 0]);
    assert.deepEqual(at(c, 25, 25), [0, 0, 0]);
    assert.deepEqual(at(c, 5, 5), [0, 0, 0]);
  });

  test('fillRect blends with opacity and clips at the edges', () => {
    const c = blank(20, 20, 100);
    c.fillRect(-5, -5, 4, 4, [200, 200, 200], 0.5);
    assert.deepEqual(at(c, 0, 0), [150, 150, 150]);
    assert.deepEqual(at(c, 5, 5), [100, 100, 100]);
  });

  test('thick lines, circles and polygons cover the expected pixels', () => {
    const c = blank(100, 100);
    c.line([10, 50], [90, 50], [0, 255, 0], 5);
    assert.deepEqual(at(c, 50, 48), [0, 255, 0]);
    assert.deepEqual(at(c, 50, 55), [0, 0, 0]);
    c.fillCircle(50, 20, 8, [0, 0, 255]);
    assert.deepEqual(at(c, 50, 20), [0, 0, 255]);
    assert.deepEqual(at(c, 50, 29), [0, 0, 0]);
    c.fillPolygon(
      [
        [10, 70],
        [40, 70],
        [25, 95],
      ],
      [255, 255, 0],
    );
    assert.deepEqual(at(c, 25, 75), [255, 255, 0]);
    assert.deepEqual(at(c, 12, 90), [0, 0, 0]);
  });

  test('blur and pixelate change only their region', () => {
    const c = blank(40, 40);
    for (let y = 0; y < 40; y++)
      for (let x = 0; x < 40; x++) if ((x + y) % 2) c.pixels.fill(255, (y * 40 + x) * 3, (y * 40 + x) * 3 + 3);
    const before = new Uint8Array(c.pixels);
    blurRegion(c.pixels, 40, [10, 10, 20, 20], 5);
    assert.notDeepEqual(at(c, 15, 15), Array.from(before.subarray((15 * 40 + 15) * 3, (15 * 40 + 15) * 3 + 3)));
    assert.ok(at(c, 15, 15)[0]! > 60 && at(c, 15, 15)[0]! < 200);
    assert.deepEqual(at(c, 25, 25), Array.from(before.subarray((25 * 40 + 25) * 3, (25 * 40 + 25) * 3 + 3)));
    pixelateRegion(c.pixels, 40, [0, 24, 8, 32], 4);
    assert.deepEqual(at(c, 0, 24), at(c, 3, 27));
  });

  test('grayscale uses BT.601 weights', () => {
    assert.deepEqual(
      Array.from(toGray(new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]))),
      [76, 150, 29, 255],
    );
  });
});

describe('text', () => {
  test('measured width grows with text length and font size', async () => {
    const a = await measureText('person', 20);
    const b = await measureText('person 0.95', 20);
    const c = await measureText('person', 40);
    assert.ok(a.width > 40 && a.width < 100, `width ${a.width}`);
    assert.ok(b.width > a.width);
    assert.ok(Math.abs(c.width - 2 * a.width) <= 2);
  });

  test('drawTexts puts text-coloured pixels at the baseline position only', async () => {
    const c = blank(200, 60);
    await drawTexts(c, [{ text: 'HELLO', x: 20, y: 40, color: [255, 255, 255], fontPx: 24 }]);
    let lit = 0;
    let outside = 0;
    for (let y = 0; y < 60; y++) {
      for (let x = 0; x < 200; x++) {
        if (at(c, x, y)[0]! > 128) {
          if (x >= 18 && x < 110 && y >= 18 && y <= 41) lit++;
          else outside++;
        }
      }
    }
    assert.ok(lit > 50, `lit ${lit}`);
    assert.equal(outside, 0);
  });
});
