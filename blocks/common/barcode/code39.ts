// Code 39: encoder and decoder. Every character is 5 bars and 4 spaces, 3 of the 9 wide, followed by a narrow
// gap; the text sits between '*' start and stop characters, which are not part of the decoded text. The
// optional mod-43 check character is not verified or removed (zbar reports it as data too).
import type { ScanRuns, SymbolRead } from './runs.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%*';
/** Wide elements per character as 9 bits, first element (a bar) in the highest bit. */
const WIDE_BITS = [
  0x034, 0x121, 0x061, 0x160, 0x031, 0x130, 0x070, 0x025, 0x124, 0x064, 0x109, 0x049, 0x148, 0x019, 0x118, 0x058, 0x00d,
  0x10c, 0x04c, 0x01c, 0x103, 0x043, 0x142, 0x013, 0x112, 0x052, 0x007, 0x106, 0x046, 0x016, 0x181, 0x0c1, 0x1c0, 0x091,
  0x190, 0x0d0, 0x085, 0x184, 0x0c4, 0x0a8, 0x0a2, 0x08a, 0x02a, 0x094,
];
const CHARACTER_BY_BITS = new Map(WIDE_BITS.map((bits, i) => [bits, ALPHABET[i]!]));
const STAR = '*';
const QUIET_NARROWS = 5;

export function encodeCode39(text: string, wideRatio = 3): { text: string; widths: number[] } {
  const invalid = [...text].find((c) => c === STAR || !ALPHABET.includes(c));
  if (text.length === 0 || invalid !== undefined)
    throw new RangeError(`Code 39 encodes 0-9 A-Z - . space $ / + %; got '${text}'`);
  const widths: number[] = [];
  for (const c of STAR + text + STAR) {
    if (widths.length) widths.push(1);
    const bits = WIDE_BITS[ALPHABET.indexOf(c)]!;
    for (let e = 8; e >= 0; e--) widths.push((bits >> e) & 1 ? wideRatio : 1);
  }
  return { text, widths };
}

/** The character 9 runs from `at` spell, and its narrow width; null unless exactly 3 elements are clearly wide. */
function readCharacter(runs: ScanRuns, at: number): { character: string; narrow: number; total: number } | null {
  const elements = Array.from(runs.widths.subarray(at, at + 9));
  const sorted = [...elements].sort((a, b) => a - b);
  const maxNarrow = sorted[5]!;
  const minWide = sorted[6]!;
  if (minWide < 1.5 * maxNarrow || sorted[8]! > 1.6 * minWide) return null;
  const threshold = (maxNarrow + minWide) / 2;
  let bits = 0;
  for (const width of elements) bits = (bits << 1) | (width > threshold ? 1 : 0);
  const character = CHARACTER_BY_BITS.get(bits);
  if (character === undefined) return null;
  const total = elements.reduce((a, b) => a + b, 0);
  return { character, narrow: sorted.slice(0, 6).reduce((a, b) => a + b, 0) / 6, total };
}

export function decodeCode39(runs: ScanRuns, first: number): SymbolRead | null {
  if (first + 9 >= runs.count) return null;
  const start = readCharacter(runs, first);
  if (!start || start.character !== STAR || runs.widths[first - 1]! < QUIET_NARROWS * start.narrow) return null;
  let text = '';
  for (let at = first + 10; at + 9 < runs.count; at += 10) {
    const gap = runs.widths[at - 1]!;
    if (gap > 3 * start.narrow) return null;
    const next = readCharacter(runs, at);
    // Characters of one symbol are printed alike: a very different width means this is not the same code.
    if (!next || Math.abs(next.total - start.total) > 0.25 * start.total) return null;
    if (next.character !== STAR) {
      text += next.character;
      continue;
    }
    const quiet = runs.widths[at + 9]!;
    return text && quiet >= QUIET_NARROWS * start.narrow ? { text, first, end: at + 9 } : null;
  }
  return null;
}
