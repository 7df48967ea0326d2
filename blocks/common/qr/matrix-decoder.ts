// From a sampled module grid to text: format word (both copies, nearest valid), unmasking, codewords along the
// zig-zag path, de-interleaving, Reed-Solomon correction per block, then numeric / alphanumeric / byte / ECI
// segments.
import { rsCorrect } from './reed-solomon.ts';
import {
  MAX_VERSION,
  blockLayout,
  dataPath,
  formatBitPositions,
  functionModules,
  maskInverts,
  nearestFormat,
  nearestVersion,
  symbolSize,
  versionBitPosition,
  type EcLevel,
} from './symbol.ts';

export interface DecodedQr {
  text: string;
  version: number;
  level: EcLevel;
  mask: number;
  /** Codewords fixed by Reed-Solomon. */
  corrected: number;
}

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** Version announced by the version words (v7+), or null when unreadable. */
export function readVersionInfo(modules: Uint8Array, size: number): number | null {
  let first = 0;
  let second = 0;
  for (let bit = 0; bit < 18; bit++) {
    const [x, y] = versionBitPosition(size, bit);
    first |= modules[y * size + x]! << bit;
    second |= modules[x * size + y]! << bit;
  }
  return nearestVersion([first, second]);
}

function readFormat(modules: Uint8Array, size: number) {
  let first = 0;
  let second = 0;
  for (let bit = 0; bit < 15; bit++) {
    const [[x1, y1], [x2, y2]] = formatBitPositions(size, bit);
    first |= modules[y1 * size + x1]! << bit;
    second |= modules[y2 * size + x2]! << bit;
  }
  return nearestFormat([first, second]);
}

class BitReader {
  #offset = 0;
  constructor(readonly bytes: Uint8Array) {}
  get available(): number {
    return this.bytes.length * 8 - this.#offset;
  }
  read(length: number): number {
    if (length > this.available) throw new RangeError('QR data ends inside a segment');
    let v = 0;
    for (let i = 0; i < length; i++, this.#offset++)
      v = (v << 1) | ((this.bytes[this.#offset >>> 3]! >>> (7 - (this.#offset & 7))) & 1);
    return v;
  }
}

function countBits(mode: number, version: number): number {
  const tier = version < 10 ? 0 : version < 27 ? 1 : 2;
  switch (mode) {
    case 1:
      return [10, 12, 14][tier]!;
    case 2:
      return [9, 11, 13][tier]!;
    case 4:
      return [8, 16, 16][tier]!;
    default:
      return [8, 10, 12][tier]!;
  }
}

function decodeBytes(bytes: number[]): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return String.fromCharCode(...bytes); // ISO-8859-1, the standard's default
  }
}

/** Parses the segments of the corrected data codewords. */
export function parseSegments(data: Uint8Array, version: number): string {
  const reader = new BitReader(data);
  let text = '';
  while (reader.available >= 4) {
    const mode = reader.read(4);
    if (mode === 0) break;
    if (mode === 7) {
      // ECI designator: 1-3 bytes by its leading bits; text is then decoded as UTF-8 when valid.
      const first = reader.read(8);
      if ((first & 0x80) !== 0) reader.read((first & 0x40) !== 0 ? 16 : 8);
      continue;
    }
    if (mode !== 1 && mode !== 2 && mode !== 4) throw new RangeError(`unsupported QR segment mode ${mode}`);
    let count = reader.read(countBits(mode, version));
    if (mode === 1) {
      for (; count >= 3; count -= 3) text += String(reader.read(10)).padStart(3, '0');
      if (count === 2) text += String(reader.read(7)).padStart(2, '0');
      else if (count === 1) text += String(reader.read(4));
    } else if (mode === 2) {
      for (; count >= 2; count -= 2) {
        const pair = reader.read(11);
        text += ALPHANUMERIC[Math.floor(pair / 45)]! + ALPHANUMERIC[pair % 45]!;
      }
      if (count === 1) text += ALPHANUMERIC[reader.read(6)]!;
    } else {
      const bytes: number[] = [];
      for (let i = 0; i < count; i++) bytes.push(reader.read(8));
      text += decodeBytes(bytes);
    }
  }
  return text;
}

/**
 * Decodes a grid of modules (row-major, 1 = dark) of the given version. Returns null when the format word is
 * unreadable, the errors exceed the code's capacity, or the segments are malformed.
 */
export function decodeMatrix(modules: Uint8Array, version: number): DecodedQr | null {
  if (version < 1 || version > MAX_VERSION) return null;
  const size = symbolSize(version);
  const format = readFormat(modules, size);
  if (!format) return null;
  const reserved = functionModules(version);
  const path = dataPath(version);
  const { ecPerBlock, dataLengths } = blockLayout(version, format.level);
  const total = dataLengths.reduce((a, b) => a + b + ecPerBlock, 0);
  const codewords = new Uint8Array(total);
  for (let i = 0; i < total * 8; i++) {
    const index = path[i]!;
    const x = index % size;
    const y = (index - x) / size;
    let bit = modules[index]!;
    if (!reserved[index] && maskInverts(format.mask, x, y)) bit ^= 1;
    if (bit) codewords[i >>> 3]! |= 0x80 >>> (i & 7);
  }
  // De-interleave: data codewords column by column over the blocks, then EC codewords likewise.
  const blocks = dataLengths.map((length) => new Uint8Array(length + ecPerBlock));
  let k = 0;
  const longest = Math.max(...dataLengths);
  for (let i = 0; i < longest; i++)
    dataLengths.forEach((length, b) => {
      if (i < length) blocks[b]![i] = codewords[k++]!;
    });
  for (let i = 0; i < ecPerBlock; i++)
    dataLengths.forEach((length, b) => {
      blocks[b]![length + i] = codewords[k++]!;
    });
  let corrected = 0;
  const data: number[] = [];
  for (let b = 0; b < blocks.length; b++) {
    const fixed = rsCorrect(blocks[b]!, ecPerBlock);
    if (fixed < 0) return null;
    corrected += fixed;
    for (let i = 0; i < dataLengths[b]!; i++) data.push(blocks[b]![i]!);
  }
  try {
    return {
      text: parseSegments(Uint8Array.from(data), version),
      version,
      level: format.level,
      mask: format.mask,
      corrected,
    };
  } catch {
    return null;
  }
}
