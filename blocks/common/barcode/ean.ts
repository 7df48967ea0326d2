// EAN-13, UPC-A and EAN-8: encoders and decoders. Every digit is 7 modules in 4 runs; the left half uses the
// L (odd parity) or G (even parity, L mirrored) set, the right half the R set (same widths as L, starting
// with a bar). EAN-13's first digit is carried by the L/G choice of the six left digits. UPC-A is EAN-13 with
// a leading 0 and is reported that way (13 digits), as zbar does by default.
import { closestPattern, parsePatterns, patternDistance, sumRuns, type ScanRuns, type SymbolRead } from './runs.ts';

const L_PATTERNS = parsePatterns(['3211', '2221', '2122', '1411', '1132', '1231', '1114', '1312', '1213', '3112']);
const G_PATTERNS = L_PATTERNS.map((p) => [...p].reverse());
const LG_PATTERNS = [...L_PATTERNS, ...G_PATTERNS];
/** Parity of the six left digits for each EAN-13 first digit (1 = G). */
const FIRST_DIGIT_PARITY = [
  '000000',
  '001011',
  '001101',
  '001110',
  '010011',
  '011001',
  '011100',
  '010101',
  '010110',
  '011010',
];
const GUARD = [1, 1, 1];
const MIDDLE = [1, 1, 1, 1, 1];
/** Sum of per-run deviations (in modules) a digit may show and still be read. */
const DIGIT_TOLERANCE = 1.5;
const QUIET_MODULES = 5;

/** The GS1 check digit for `digits` (without it): weights 3,1,3,... from the right. */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[digits.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}

function withCheckDigit(digits: string, length: number, name: string): string {
  if (!/^\d+$/.test(digits) || (digits.length !== length - 1 && digits.length !== length)) {
    throw new RangeError(`${name} needs ${length - 1} or ${length} digits, got '${digits}'`);
  }
  const check = gs1CheckDigit(digits.slice(0, length - 1));
  if (digits.length === length && Number(digits[length - 1]) !== check)
    throw new RangeError(`${name} '${digits}' has a wrong check digit (expected ${check})`);
  return digits.slice(0, length - 1) + check;
}

function encodeHalves(left: string, right: string, parity: string): number[] {
  const widths = [...GUARD];
  for (let i = 0; i < left.length; i++) widths.push(...(parity[i] === '1' ? G_PATTERNS : L_PATTERNS)[Number(left[i])]!);
  widths.push(...MIDDLE);
  for (const d of right) widths.push(...L_PATTERNS[Number(d)]!);
  widths.push(...GUARD);
  // Widths alternate starting with a bar: the left digits start with a space, which follows the guard's bar.
  return widths;
}

/** Module widths (starting with a bar) of an EAN-13 symbol; the check digit is added when 12 digits are given. */
export function encodeEan13(digits: string): { text: string; widths: number[] } {
  const text = withCheckDigit(digits, 13, 'EAN-13');
  return { text, widths: encodeHalves(text.slice(1, 7), text.slice(7), FIRST_DIGIT_PARITY[Number(text[0])]!) };
}

export const encodeUpcA = (digits: string): { text: string; widths: number[] } => {
  const { text, widths } = encodeEan13('0' + withCheckDigit(digits, 12, 'UPC-A'));
  return { text, widths };
};

export function encodeEan8(digits: string): { text: string; widths: number[] } {
  const text = withCheckDigit(digits, 8, 'EAN-8');
  return { text, widths: encodeHalves(text.slice(0, 4), text.slice(4), '0000') };
}

const isGuard = (runs: ScanRuns, at: number, pattern: number[], unit: number) =>
  patternDistance(runs, at, pattern, pattern.length, pattern.length * unit) < pattern.length * 0.6;

/** Reads `count` digits from `at`: the closest pattern per 4 runs, normalised on the digit's own width. */
function readDigits(runs: ScanRuns, at: number, count: number, patterns: number[][]): number[] | null {
  const found: number[] = [];
  for (let k = 0; k < count; k++) {
    const { index, distance } = closestPattern(runs, at + 4 * k, patterns, 7);
    if (distance > DIGIT_TOLERANCE) return null;
    found.push(index);
  }
  return found;
}

function decodeEan(runs: ScanRuns, first: number, halfDigits: 4 | 6): SymbolRead | null {
  const runCount = 3 + 8 * halfDigits + 5 + 3;
  const end = first + runCount;
  if (end >= runs.count) return null;
  const unit = sumRuns(runs, first, runCount) / (halfDigits * 14 + 11);
  if (runs.widths[first - 1]! < QUIET_MODULES * unit || runs.widths[end]! < QUIET_MODULES * unit) return null;
  const middle = first + 3 + 4 * halfDigits;
  if (
    !isGuard(runs, first, GUARD, unit) ||
    !isGuard(runs, middle, MIDDLE, unit) ||
    !isGuard(runs, end - 3, GUARD, unit)
  )
    return null;
  const left = readDigits(runs, first + 3, halfDigits, halfDigits === 6 ? LG_PATTERNS : L_PATTERNS);
  const right = left && readDigits(runs, middle + 5, halfDigits, L_PATTERNS);
  if (!left || !right) return null;
  let text: string;
  if (halfDigits === 6) {
    const parity = left.map((d) => (d >= 10 ? '1' : '0')).join('');
    const firstDigit = FIRST_DIGIT_PARITY.indexOf(parity);
    if (firstDigit < 0) return null;
    text = String(firstDigit) + left.map((d) => d % 10).join('') + right.join('');
  } else {
    text = left.join('') + right.join('');
  }
  if (gs1CheckDigit(text.slice(0, -1)) !== Number(text[text.length - 1])) return null;
  return { text, first, end };
}

export const decodeEan13 = (runs: ScanRuns, first: number) => decodeEan(runs, first, 6);
export const decodeEan8 = (runs: ScanRuns, first: number) => decodeEan(runs, first, 4);
