// Code 128: encoder and decoder. Every symbol is 3 bars and 3 spaces over 11 modules; the stop symbol adds a
// final 2-module bar. The check symbol is (start + Σ position·value) mod 103. Code sets: A (control chars and
// upper case), B (printable ASCII), C (digit pairs), switched by CODE A/B/C and the one-symbol SHIFT.
import { closestPattern, parsePatterns, type ScanRuns, type SymbolRead } from './runs.ts';

const PATTERNS = parsePatterns([
  '212222',
  '222122',
  '222221',
  '121223',
  '121322',
  '131222',
  '122213',
  '122312',
  '132212',
  '221213',
  '221312',
  '231212',
  '112232',
  '122132',
  '122231',
  '113222',
  '123122',
  '123221',
  '223211',
  '221132',
  '221231',
  '213212',
  '223112',
  '312131',
  '311222',
  '321122',
  '321221',
  '312212',
  '322112',
  '322211',
  '212123',
  '212321',
  '232121',
  '111323',
  '131123',
  '131321',
  '112313',
  '132113',
  '132311',
  '211313',
  '231113',
  '231311',
  '112133',
  '112331',
  '132131',
  '113123',
  '113321',
  '133121',
  '313121',
  '211331',
  '231131',
  '213113',
  '213311',
  '213131',
  '311123',
  '311321',
  '331121',
  '312113',
  '312311',
  '332111',
  '314111',
  '221411',
  '431111',
  '111224',
  '111422',
  '121124',
  '121421',
  '141122',
  '141221',
  '112214',
  '112412',
  '122114',
  '122411',
  '142112',
  '142211',
  '241211',
  '221114',
  '413111',
  '241112',
  '134111',
  '111242',
  '121142',
  '121241',
  '114212',
  '124112',
  '124211',
  '411212',
  '421112',
  '421211',
  '212141',
  '214121',
  '412121',
  '111143',
  '111341',
  '131141',
  '114113',
  '114311',
  '411113',
  '411311',
  '113141',
  '114131',
  '311141',
  '411131',
  '211412',
  '211214',
  '211232',
  '233111',
]);
const FNC3 = 96;
const FNC2 = 97;
const SHIFT = 98;
const CODE_C = 99;
const CODE_B = 100;
const CODE_A = 101;
const FNC1 = 102;
const START = { A: 103, B: 104, C: 105 } as const;
const STOP = 106;
const SYMBOL_TOLERANCE = 1.6;
const QUIET_MODULES = 5;
const GROUP_SEPARATOR = '\u001d';

type CodeSet = 'A' | 'B' | 'C';

export function code128Checksum(values: readonly number[]): number {
  let sum = values[0]!;
  for (let i = 1; i < values.length; i++) sum += i * values[i]!;
  return sum % 103;
}

function valueIn(set: 'A' | 'B', code: number): number {
  if (set === 'B') return code - 32;
  return code < 32 ? code + 64 : code - 32;
}

const digitRunAt = (text: string, at: number) => /^\d*/.exec(text.slice(at))![0].length;

/** Symbol values (start, data, check, stop) for `text`: code C for runs of 4+ digits, A for control chars, else B. */
export function code128Values(text: string): number[] {
  if (text.length === 0) throw new RangeError('Code 128 needs at least one character');
  const values: number[] = [];
  let set: CodeSet | null = null;
  const switchTo = (next: CodeSet) => {
    if (set === next) return;
    values.push(set === null ? START[next] : next === 'A' ? CODE_A : next === 'B' ? CODE_B : CODE_C);
    set = next;
  };
  let i = 0;
  while (i < text.length) {
    const digits = digitRunAt(text, i);
    if (digits >= 4 || (set === 'C' && digits >= 2)) {
      switchTo('C');
      values.push(Number(text.slice(i, i + 2)));
      i += 2;
      continue;
    }
    const code = text.charCodeAt(i);
    if (code > 127) throw new RangeError(`Code 128 encodes ASCII only; '${text[i]}' at ${i} is not`);
    if (code < 32) switchTo('A');
    else if (code >= 96 || set !== 'A') switchTo('B');
    values.push(valueIn(set === 'A' ? 'A' : 'B', code));
    i += 1;
  }
  values.push(code128Checksum(values), STOP);
  return values;
}

export function encodeCode128(text: string): { text: string; widths: number[] } {
  const widths = code128Values(text).flatMap((v) => PATTERNS[v]!);
  widths.push(2);
  return { text, widths };
}

function valuesToText(values: readonly number[]): string | null {
  let set: CodeSet = values[0] === START.A ? 'A' : values[0] === START.B ? 'B' : 'C';
  let text = '';
  let shifted = false;
  for (let i = 1; i < values.length; i++) {
    const value = values[i]!;
    const current: CodeSet = shifted ? (set === 'A' ? 'B' : 'A') : set;
    shifted = false;
    if (current === 'C' && value < 100) {
      text += String(value).padStart(2, '0');
    } else if (current !== 'C' && value < 96) {
      text += String.fromCharCode(current === 'B' || value < 64 ? value + 32 : value - 64);
    } else if (value === FNC1) {
      if (i > 1) text += GROUP_SEPARATOR;
    } else if (value === CODE_A || value === CODE_B || value === CODE_C) {
      const target: CodeSet = value === CODE_A ? 'A' : value === CODE_B ? 'B' : 'C';
      // In sets A and B, the code of the set itself is FNC4 (extended ASCII), which is not supported here.
      if (target === current) return null;
      set = target;
    } else if (value === SHIFT && current !== 'C') {
      shifted = true;
    } else if (value !== FNC2 && value !== FNC3) {
      return null;
    }
  }
  return text;
}

export function decodeCode128(runs: ScanRuns, first: number): SymbolRead | null {
  if (first + 6 >= runs.count) return null;
  const start = closestPattern(runs, first, PATTERNS, 11);
  if (start.index < START.A || start.index > START.C || start.distance > SYMBOL_TOLERANCE) return null;
  let unit = 0;
  for (let j = first; j < first + 6; j++) unit += runs.widths[j]!;
  unit /= 11;
  if (runs.widths[first - 1]! < QUIET_MODULES * unit) return null;
  const values = [start.index];
  for (let at = first + 6; at + 7 < runs.count; at += 6) {
    const { index, distance } = closestPattern(runs, at, PATTERNS, 11);
    if (distance > SYMBOL_TOLERANCE || (index >= START.A && index !== STOP)) return null;
    if (index !== STOP) {
      values.push(index);
      continue;
    }
    const finalBar = runs.widths[at + 6]! / unit;
    if (finalBar < 1.3 || finalBar > 2.7 || runs.widths[at + 7]! < QUIET_MODULES * unit || values.length < 3)
      return null;
    const check = values.pop()!;
    if (code128Checksum(values) !== check) return null;
    const text = valuesToText(values);
    return text === null || text === '' ? null : { text, first, end: at + 7 };
  }
  return null;
}
