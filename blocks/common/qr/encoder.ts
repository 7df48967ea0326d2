// QR encoder: text as one byte-mode segment (UTF-8), smallest version 1-10 that fits the level, RS codewords
// per block, interleaving, placement, and the mask with the lowest penalty.
import { rsEncode } from './reed-solomon.ts';
import {
  MAX_VERSION,
  MIN_VERSION,
  alignmentCentres,
  blockLayout,
  dataCapacity,
  dataPath,
  formatBitPositions,
  formatWord,
  functionModules,
  maskInverts,
  symbolSize,
  versionBitPosition,
  versionWord,
  type EcLevel,
} from './symbol.ts';

export interface QrMatrix {
  version: number;
  size: number;
  level: EcLevel;
  mask: number;
  /** size*size, row-major, 1 = dark. */
  modules: Uint8Array;
}

export interface EncodeOptions {
  level?: EcLevel;
  /** Force a version instead of the smallest that fits. */
  version?: number;
  /** Force a mask pattern (0-7) instead of the lowest-penalty one. */
  mask?: number;
}

export class QrCapacityError extends Error {}

class BitBuffer {
  readonly bits: number[] = [];
  append(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) this.bits.push((value >>> i) & 1);
  }
}

function byteCountBits(version: number): number {
  return version < 10 ? 8 : 16;
}

/** Data codewords: mode, count, bytes, terminator, padding to a byte, then 0xEC/0x11 filler. */
function dataCodewords(bytes: Uint8Array, version: number, capacity: number): Uint8Array {
  const buffer = new BitBuffer();
  buffer.append(0b0100, 4);
  buffer.append(bytes.length, byteCountBits(version));
  for (const b of bytes) buffer.append(b, 8);
  const capacityBits = capacity * 8;
  buffer.append(0, Math.min(4, capacityBits - buffer.bits.length));
  buffer.append(0, (8 - (buffer.bits.length % 8)) % 8);
  const out = new Uint8Array(capacity);
  const used = buffer.bits.length / 8;
  for (let i = 0; i < used; i++) {
    let v = 0;
    for (let j = 0; j < 8; j++) v = (v << 1) | buffer.bits[i * 8 + j]!;
    out[i] = v;
  }
  for (let i = used, pad = 0; i < capacity; i++, pad ^= 1) out[i] = pad ? 0x11 : 0xec;
  return out;
}

function fitsIn(byteLength: number, version: number, level: EcLevel): boolean {
  return 4 + byteCountBits(version) + byteLength * 8 <= dataCapacity(version, level) * 8;
}

/** Splits data into blocks, appends each block's EC codewords, and interleaves them column-wise. */
export function interleaveWithEc(data: Uint8Array, version: number, level: EcLevel): Uint8Array {
  const { ecPerBlock, dataLengths } = blockLayout(version, level);
  const blocks: Uint8Array[] = [];
  const ecBlocks: Uint8Array[] = [];
  let offset = 0;
  for (const length of dataLengths) {
    const block = data.subarray(offset, offset + length);
    offset += length;
    blocks.push(block);
    ecBlocks.push(rsEncode(block, ecPerBlock));
  }
  const out: number[] = [];
  const longest = Math.max(...dataLengths);
  for (let i = 0; i < longest; i++) for (const block of blocks) if (i < block.length) out.push(block[i]!);
  for (let i = 0; i < ecPerBlock; i++) for (const ec of ecBlocks) out.push(ec[i]!);
  return Uint8Array.from(out);
}

function drawFunctionPatterns(modules: Uint8Array, version: number): void {
  const size = symbolSize(version);
  const set = (x: number, y: number, dark: boolean) => {
    if (x >= 0 && y >= 0 && x < size && y < size) modules[y * size + x] = dark ? 1 : 0;
  };
  for (let i = 0; i < size; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  for (const [cx, cy] of [
    [3, 3],
    [size - 4, 3],
    [3, size - 4],
  ] as const) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const ring = Math.max(Math.abs(dx), Math.abs(dy));
        set(cx + dx, cy + dy, ring !== 2 && ring !== 4);
      }
    }
  }
  const centres = alignmentCentres(version);
  const last = centres.length - 1;
  centres.forEach((cy, i) =>
    centres.forEach((cx, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++) set(cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
    }),
  );
  if (version >= 7) {
    const word = versionWord(version);
    for (let bit = 0; bit < 18; bit++) {
      const [x, y] = versionBitPosition(size, bit);
      const dark = ((word >>> bit) & 1) === 1;
      set(x, y, dark);
      set(y, x, dark);
    }
  }
  set(8, size - 8, true);
}

function drawFormat(modules: Uint8Array, size: number, level: EcLevel, mask: number): void {
  const word = formatWord(level, mask);
  for (let bit = 0; bit < 15; bit++) {
    const dark = (word >>> bit) & 1;
    for (const [x, y] of formatBitPositions(size, bit)) modules[y * size + x] = dark;
  }
}

/** ISO 18004 mask penalty: runs of 5+, 2x2 blocks, finder-like 1:1:3:1:1 runs, dark/light balance. */
export function maskPenalty(modules: Uint8Array, size: number): number {
  let penalty = 0;
  const at = (x: number, y: number, transposed: boolean) =>
    transposed ? modules[x * size + y]! : modules[y * size + x]!;
  for (const transposed of [false, true]) {
    for (let y = 0; y < size; y++) {
      let run = 1;
      for (let x = 1; x <= size; x++) {
        if (x < size && at(x, y, transposed) === at(x - 1, y, transposed)) {
          run++;
          continue;
        }
        if (run >= 5) penalty += 3 + run - 5;
        run = 1;
      }
      // 1011101 with four light modules on either side (outside the symbol counts as light).
      for (let x = -4; x < size; x++) {
        const v = (i: number) => (x + i >= 0 && x + i < size ? at(x + i, y, transposed) : 0);
        if (v(4) && !v(5) && v(6) && v(7) && v(8) && !v(9) && v(10)) {
          const lightBefore = !v(0) && !v(1) && !v(2) && !v(3);
          const lightAfter = !v(11) && !v(12) && !v(13) && !v(14);
          if (lightBefore) penalty += 40;
          if (lightAfter) penalty += 40;
        }
      }
    }
  }
  for (let y = 0; y + 1 < size; y++) {
    for (let x = 0; x + 1 < size; x++) {
      const c = modules[y * size + x];
      if (c === modules[y * size + x + 1] && c === modules[(y + 1) * size + x] && c === modules[(y + 1) * size + x + 1])
        penalty += 3;
    }
  }
  let dark = 0;
  for (const m of modules) dark += m;
  const total = size * size;
  penalty += Math.floor(Math.abs(dark * 20 - total * 10) / total) * 10;
  return penalty;
}

/** Encodes text (UTF-8, byte mode) into a QR matrix. */
export function encodeQr(text: string, options: EncodeOptions = {}): QrMatrix {
  const level = options.level ?? 'M';
  const bytes = new TextEncoder().encode(text);
  let version = options.version;
  if (version === undefined) {
    for (let v = MIN_VERSION; v <= MAX_VERSION && version === undefined; v++)
      if (fitsIn(bytes.length, v, level)) version = v;
  }
  if (
    version === undefined ||
    version < MIN_VERSION ||
    version > MAX_VERSION ||
    !fitsIn(bytes.length, version, level)
  ) {
    throw new QrCapacityError(
      `${bytes.length} bytes do not fit a QR code of version ${options.version ?? `${MIN_VERSION}-${MAX_VERSION}`} at level ${level} ` +
        `(version ${MAX_VERSION} holds ${Math.floor((dataCapacity(MAX_VERSION, level) * 8 - 4 - byteCountBits(MAX_VERSION)) / 8)} bytes)`,
    );
  }
  const size = symbolSize(version);
  const codewords = interleaveWithEc(dataCodewords(bytes, version, dataCapacity(version, level)), version, level);
  const base = new Uint8Array(size * size);
  drawFunctionPatterns(base, version);
  const path = dataPath(version);
  for (let i = 0; i < path.length; i++) {
    const bit = i < codewords.length * 8 ? (codewords[i >>> 3]! >>> (7 - (i & 7))) & 1 : 0;
    base[path[i]!] = bit;
  }
  const reserved = functionModules(version);
  let best: QrMatrix | null = null;
  let bestPenalty = Infinity;
  const masks = options.mask !== undefined ? [options.mask] : [0, 1, 2, 3, 4, 5, 6, 7];
  for (const mask of masks) {
    const modules = base.slice();
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++)
        if (!reserved[y * size + x] && maskInverts(mask, x, y)) modules[y * size + x]! ^= 1;
    }
    drawFormat(modules, size, level, mask);
    const penalty = masks.length === 1 ? 0 : maskPenalty(modules, size);
    if (penalty < bestPenalty) {
      bestPenalty = penalty;
      best = { version, size, level, mask, modules };
    }
  }
  return best!;
}
