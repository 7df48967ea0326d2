// Structure of a QR symbol shared by the encoder and the decoder: sizes, error-correction block layout,
// function patterns (finders, timing, alignment, format and version areas), the zig-zag data path, masks,
// and the BCH-protected format and version words. Versions 1-10 (21 to 57 modules).

export type EcLevel = 'L' | 'M' | 'Q' | 'H';

export const MIN_VERSION = 1;
export const MAX_VERSION = 10;

/** Two-bit level indicator written in the format word. */
export const EC_LEVEL_BITS: Record<EcLevel, number> = { L: 1, M: 0, Q: 3, H: 2 };
export const EC_LEVEL_OF_BITS: readonly EcLevel[] = ['M', 'L', 'H', 'Q'];

// Index = version; per level: EC codewords per block and number of blocks (ISO/IEC 18004 table 9).
const EC_PER_BLOCK: Record<EcLevel, readonly number[]> = {
  L: [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18],
  M: [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26],
  Q: [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24],
  H: [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28],
};
const BLOCK_COUNT: Record<EcLevel, readonly number[]> = {
  L: [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4],
  M: [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5],
  Q: [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8],
  H: [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8],
};

export function symbolSize(version: number): number {
  return version * 4 + 17;
}

/** Codewords in the symbol (data + EC), from the modules left after the function patterns. */
export function totalCodewords(version: number): number {
  let modules = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const alignments = Math.floor(version / 7) + 2;
    modules -= (25 * alignments - 10) * alignments - 55;
    if (version >= 7) modules -= 36;
  }
  return Math.floor(modules / 8);
}

export interface BlockLayout {
  ecPerBlock: number;
  /** Data codewords of each block, in order (short blocks first). */
  dataLengths: number[];
}

export function blockLayout(version: number, level: EcLevel): BlockLayout {
  const ecPerBlock = EC_PER_BLOCK[level][version]!;
  const blocks = BLOCK_COUNT[level][version]!;
  const total = totalCodewords(version);
  const shortLength = Math.floor(total / blocks);
  const shortBlocks = blocks - (total % blocks);
  const dataLengths: number[] = [];
  for (let i = 0; i < blocks; i++) dataLengths.push(shortLength - ecPerBlock + (i < shortBlocks ? 0 : 1));
  return { ecPerBlock, dataLengths };
}

export function dataCapacity(version: number, level: EcLevel): number {
  return blockLayout(version, level).dataLengths.reduce((a, b) => a + b, 0);
}

/** Row/column centres of the alignment patterns. */
export function alignmentCentres(version: number): number[] {
  if (version < 2) return [];
  const count = Math.floor(version / 7) + 2;
  const step = Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2;
  const centres = [6];
  for (let pos = symbolSize(version) - 7; centres.length < count; pos -= step) centres.splice(1, 0, pos);
  return centres;
}

/** Marks every module that belongs to a function pattern (not data). Row-major, size*size. */
export function functionModules(version: number): Uint8Array {
  const size = symbolSize(version);
  const mask = new Uint8Array(size * size);
  const fill = (x0: number, y0: number, w: number, h: number) => {
    for (let y = Math.max(0, y0); y < Math.min(size, y0 + h); y++) {
      for (let x = Math.max(0, x0); x < Math.min(size, x0 + w); x++) mask[y * size + x] = 1;
    }
  };
  // Finders with separators and the format areas next to them.
  fill(0, 0, 9, 9);
  fill(size - 8, 0, 8, 9);
  fill(0, size - 8, 9, 8);
  fill(6, 0, 1, size);
  fill(0, 6, size, 1);
  const centres = alignmentCentres(version);
  for (const cy of centres) {
    for (const cx of centres) {
      if (mask[cy * size + cx]) continue; // overlaps a finder
      fill(cx - 2, cy - 2, 5, 5);
    }
  }
  if (version >= 7) {
    fill(size - 11, 0, 3, 6);
    fill(0, size - 11, 6, 3);
  }
  return mask;
}

/** Data module coordinates in reading order: two-column strips from the right, alternating up and down. */
export function dataPath(version: number): Int32Array {
  const size = symbolSize(version);
  const reserved = functionModules(version);
  const path: number[] = [];
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5; // the vertical timing column is skipped
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step++) {
      const y = upward ? size - 1 - step : step;
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        if (!reserved[y * size + x]) path.push(y * size + x);
      }
    }
  }
  return Int32Array.from(path);
}

/** Whether mask `pattern` inverts the module at column x, row y. */
export function maskInverts(pattern: number, x: number, y: number): boolean {
  switch (pattern) {
    case 0:
      return (x + y) % 2 === 0;
    case 1:
      return y % 2 === 0;
    case 2:
      return x % 3 === 0;
    case 3:
      return (x + y) % 3 === 0;
    case 4:
      return (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0;
    case 5:
      return ((x * y) % 2) + ((x * y) % 3) === 0;
    case 6:
      return (((x * y) % 2) + ((x * y) % 3)) % 2 === 0;
    default:
      return (((x + y) % 2) + ((x * y) % 3)) % 2 === 0;
  }
}

/** 15-bit format word: level and mask, BCH(15,5) protected, XORed with 0x5412. */
export function formatWord(level: EcLevel, mask: number): number {
  const data = (EC_LEVEL_BITS[level] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | rem) ^ 0x5412;
}

/** 18-bit version word (versions 7+): BCH(18,6). */
export function versionWord(version: number): number {
  let rem = version;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
  return (version << 12) | rem;
}

/** [x, y] of format bit i in the copy around the top-left finder, and in the split copy. */
export function formatBitPositions(size: number, bit: number): [[number, number], [number, number]] {
  let first: [number, number];
  if (bit < 6) first = [8, bit];
  else if (bit < 8) first = [8, bit + 1];
  else if (bit === 8) first = [7, 8];
  else first = [14 - bit, 8];
  const second: [number, number] = bit < 8 ? [size - 1 - bit, 8] : [8, size - 15 + bit];
  return [first, second];
}

/** [x, y] of version bit i in the copy above the bottom-left finder (the other copy is transposed). */
export function versionBitPosition(size: number, bit: number): [number, number] {
  return [Math.floor(bit / 3), size - 11 + (bit % 3)];
}

function popcount(v: number): number {
  let c = 0;
  for (; v; v &= v - 1) c++;
  return c;
}

/** The format (level, mask) whose word is nearest to `word`, if within 3 bit errors. */
export function nearestFormat(words: readonly number[]): { level: EcLevel; mask: number } | null {
  let best: { level: EcLevel; mask: number } | null = null;
  let bestDistance = 4;
  for (const level of ['L', 'M', 'Q', 'H'] as const) {
    for (let mask = 0; mask < 8; mask++) {
      const valid = formatWord(level, mask);
      for (const word of words) {
        const d = popcount(valid ^ word);
        if (d < bestDistance) {
          bestDistance = d;
          best = { level, mask };
        }
      }
    }
  }
  return best;
}

/** The version whose word is nearest to `word`, if within 3 bit errors. */
export function nearestVersion(words: readonly number[]): number | null {
  let best: number | null = null;
  let bestDistance = 4;
  for (let version = 7; version <= 40; version++) {
    for (const word of words) {
      const d = popcount(versionWord(version) ^ word);
      if (d < bestDistance) {
        bestDistance = d;
        best = version;
      }
    }
  }
  return best;
}
