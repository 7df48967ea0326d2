// QR encoding and matrix decoding without images: Reed-Solomon against a published example, error correction up
// to the code's limit, the format word, version/level/mask choices, and segment parsing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rsCorrect, rsEncode } from '../../../../blocks/common/qr/reed-solomon.ts';
import { QrCapacityError, encodeQr } from '../../../../blocks/common/qr/encoder.ts';
import { decodeMatrix, parseSegments } from '../../../../blocks/common/qr/matrix-decoder.ts';
import { formatWord, symbolSize, totalCodewords } from '../../../../blocks/common/qr/symbol.ts';

describe('Reed-Solomon over GF(256)', () => {
  // "HELLO WORLD" at 1-M, the worked example of the standard's tutorials.
  const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
  const ec = [196, 35, 39, 119, 235, 215, 231, 226, 93, 23];

  test('encodes the published EC codewords', () => {
    assert.deepEqual(Array.from(rsEncode(data, 10)), ec);
  });

  test('corrects up to ecLength/2 errors anywhere and reports how many', () => {
    for (const positions of [[0], [3, 25], [1, 7, 12, 20, 24]]) {
      const block = Uint8Array.from([...data, ...ec]);
      for (const p of positions) block[p]! ^= 0x5a + p;
      assert.equal(rsCorrect(block, 10), positions.length);
      assert.deepEqual(Array.from(block), [...data, ...ec]);
    }
  });

  test('refuses a block with more errors than it can fix', () => {
    const block = Uint8Array.from([...data, ...ec]);
    for (const p of [0, 2, 4, 6, 8, 10]) block[p]! ^= 0xff;
    assert.notEqual(rsCorrect(block, 10), 6);
  });
});

describe('QR symbol structure', () => {
  test('format word of level M mask 0 is 101010000010010', () => {
    assert.equal(formatWord('M', 0).toString(2).padStart(15, '0'), '101010000010010');
  });

  test('codeword totals per version', () => {
    assert.deepEqual([1, 2, 5, 7, 10].map(totalCodewords), [26, 44, 134, 196, 346]);
  });
});

describe('encodeQr / decodeMatrix', () => {
  const texts = ['hello', 'https://roboflow.com/workflows?x=1&y=2', 'Zürich ✓ 東京', 'x'.repeat(150), 'A'.repeat(213)];

  test('picks the smallest version and decodes back exactly', () => {
    const versions = texts.map((text) => {
      const matrix = encodeQr(text);
      assert.equal(matrix.size, symbolSize(matrix.version));
      assert.equal(decodeMatrix(matrix.modules, matrix.version)?.text, text);
      return matrix.version;
    });
    assert.deepEqual(versions, [1, 3, 2, 8, 10]);
  });

  test('every level, forced versions and every mask round-trip', () => {
    for (const level of ['L', 'M', 'Q', 'H'] as const) {
      for (const version of [1, 4, 7, 9]) {
        const matrix = encodeQr('QR 1234', { level, version, mask: version % 8 });
        const decoded = decodeMatrix(matrix.modules, version);
        assert.deepEqual([decoded?.text, decoded?.level, decoded?.mask], ['QR 1234', level, version % 8]);
      }
    }
  });

  test('corrupted data modules are corrected by Reed-Solomon', () => {
    const matrix = encodeQr('corrupt me a little', { version: 2 });
    const size = matrix.size;
    // Flip a 3x3 patch in the lower-right data area: a few codewords of the one M block.
    for (let y = size - 3; y < size; y++) for (let x = size - 3; x < size; x++) matrix.modules[y * size + x]! ^= 1;
    const decoded = decodeMatrix(matrix.modules, 2);
    assert.equal(decoded?.text, 'corrupt me a little');
    assert.ok(decoded!.corrected > 0);
  });

  test('a damaged format copy is outvoted by the other', () => {
    const matrix = encodeQr('format', { mask: 5 });
    for (let x = 0; x < 6; x++) matrix.modules[8 * matrix.size + x]! ^= 1;
    assert.equal(decodeMatrix(matrix.modules, matrix.version)?.mask, 5);
  });

  test('text beyond version 10 is refused', () => {
    assert.throws(() => encodeQr('A'.repeat(214)), QrCapacityError);
  });

  test('numeric and alphanumeric segments parse', () => {
    // Numeric "01234567" (count 8) then alphanumeric "AC-42" (count 5), terminator.
    const bits =
      '0001' +
      '0000001000' +
      '0000001100' +
      '0101011001' +
      '1000011' +
      '0010' +
      '000000101' +
      '00111001110' +
      '11100111001' +
      '000010' +
      '0000';
    const bytes = new Uint8Array(Math.ceil(bits.length / 8));
    for (let i = 0; i < bits.length; i++) if (bits[i] === '1') bytes[i >> 3]! |= 0x80 >> (i & 7);
    assert.equal(parseSegments(bytes, 1), '01234567AC-42');
  });
});
