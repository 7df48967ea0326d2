// Barcode encoders and check characters against hand-computed values from the symbology rules, and the
// encoder → renderer → detector loop for every symbology at several module sizes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEan13, encodeEan8, encodeUpcA, gs1CheckDigit } from '../../../../blocks/common/barcode/ean.ts';
import { code128Values, encodeCode128 } from '../../../../blocks/common/barcode/code128.ts';
import { encodeCode39 } from '../../../../blocks/common/barcode/code39.ts';
import { renderBarcode } from '../../../../blocks/common/barcode/render.ts';
import { detectBarcodes } from '../../../../blocks/common/barcode/detector.ts';

const sum = (widths: number[]) => widths.reduce((a, b) => a + b, 0);

describe('encoders', () => {
  test('GS1 check digits of published numbers', () => {
    assert.equal(gs1CheckDigit('400638133393'), 1);
    assert.equal(gs1CheckDigit('03600029145'), 2);
    assert.equal(gs1CheckDigit('9638507'), 4);
    assert.equal(encodeEan13('400638133393').text, '4006381333931');
    assert.equal(encodeUpcA('036000291452').text, '0036000291452');
    assert.equal(encodeEan8('9638507').text, '96385074');
  });

  test('a wrong check digit or a non-digit is refused', () => {
    assert.throws(() => encodeEan13('4006381333932'), /check digit/);
    assert.throws(() => encodeEan8('12a4567'), /EAN-8/);
    assert.throws(() => encodeCode39('lower'), /Code 39/);
    assert.throws(() => encodeCode128('é'), /ASCII/);
  });

  test('symbol lengths in modules', () => {
    assert.equal(sum(encodeEan13('400638133393').widths), 95);
    assert.equal(sum(encodeEan8('9638507').widths), 67);
    // Start, 3 data symbols, check, stop (11 modules each) and the final 2-module bar.
    assert.equal(sum(encodeCode128('abc').widths), 6 * 11 + 2);
    // Each Code 39 character is 6 narrow + 3 wide, separated by narrow gaps.
    assert.equal(sum(encodeCode39('AB', 2).widths), 4 * 12 + 3);
  });

  test('EAN-13 first digit 4 puts the left half in L G L L G G parity', () => {
    const { widths } = encodeEan13('400638133393');
    // Second digit (0) in L is 3211, third digit (0) in G is 1123.
    assert.deepEqual(widths.slice(3, 7), [3, 2, 1, 1]);
    assert.deepEqual(widths.slice(7, 11), [1, 1, 2, 3]);
  });

  test('Code 128 values: code set B with its check, code set C for digit pairs', () => {
    // 'Wikipedia' in code set B: (104 + 1·55 + 2·73 + 3·75 + 4·73 + 5·80 + 6·69 + 7·68 + 8·73 + 9·65) mod 103 = 88.
    assert.deepEqual(code128Values('Wikipedia'), [104, 55, 73, 75, 73, 80, 69, 68, 73, 65, 88, 106]);
    assert.deepEqual(code128Values('123456'), [105, 12, 34, 56, 44, 106]);
    // A control character switches to code set A (tab = 73 there), digits back to C.
    assert.deepEqual(code128Values('A\t123456').slice(0, 5), [104, 33, 101, 73, 99]);
  });

  test('Code 39 start/stop character is narrow-wide-narrow-narrow-wide-narrow-wide-narrow-narrow', () => {
    assert.deepEqual(encodeCode39('A').widths.slice(0, 9), [1, 3, 1, 1, 3, 1, 3, 1, 1]);
  });
});

describe('encode → render → detect', () => {
  const symbols = [
    ['EAN-13', 'ean13', encodeEan13('400638133393')],
    ['UPC-A (as EAN-13)', 'ean13', encodeUpcA('03600029145')],
    ['EAN-8', 'ean8', encodeEan8('9638507')],
    ['Code 128 mixed sets', 'code128', encodeCode128('Sightline-128 ok 12345678 A\tB')],
    ['Code 128 digits', 'code128', encodeCode128('0123456789')],
    ['Code 39', 'code39', encodeCode39('CODE 39-TEST $/+%.')],
    ['Code 39 with 2:1 wide bars', 'code39', encodeCode39('RATIO 2', 2)],
  ] as const;
  for (const [name, format, symbol] of symbols) {
    for (const moduleSize of [1, 2, 4]) {
      test(`${name} at ${moduleSize}px per module`, () => {
        const image = renderBarcode(symbol.widths, { moduleSize });
        const found = detectBarcodes(image.pixels, image.width, image.height);
        assert.deepEqual(
          found.map((f) => [f.format, f.text]),
          [[format, symbol.text]],
        );
        // Bars start after the 10-module quiet zone and are 60 px tall from y=10 (a line of slack for the
        // three-line averaging at the ends of the bars).
        const [x0, y0, x1, y1] = found[0]!.box;
        const barsWidth = sum(symbol.widths) * moduleSize;
        assert.ok(
          Math.abs(x0 - 10 * moduleSize) < 0.5 && Math.abs(x1 - (10 * moduleSize + barsWidth)) < 0.5,
          `x ${x0}..${x1}`,
        );
        assert.ok(Math.abs(y0 - 10) <= 1 && Math.abs(y1 - 70) <= 1, `y ${y0}..${y1}`);
      });
    }
  }
});
