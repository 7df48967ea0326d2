// Barcode detection in a photo: scan rows (and columns, for codes turned 90°) with LineScanner, group the
// lines that read the same text at overlapping places into one code, grow the group line by line to the ends
// of the bars, and box it. A code must be read on several lines, which keeps chance matches in textures out.
import { toGray } from '../qr/binarize.ts';
import { LineScanner, type BarcodeFormat, type LineHit } from './scanner.ts';

export type { BarcodeFormat } from './scanner.ts';

export interface DetectedBarcode {
  format: BarcodeFormat;
  text: string;
  /** Pixel box [x0, y0, x1, y1] around the bars. */
  box: [number, number, number, number];
}

/** Lines (of distinct rows) a code must be read on; Code 39 has no check character, so it needs more. */
const MIN_LINES: Record<BarcodeFormat, number> = { ean13: 2, ean8: 2, code128: 2, code39: 3 };
/** About this many scan lines across the image, at least every other line. */
const TARGET_LINES = 240;

interface Group {
  format: BarcodeFormat;
  text: string;
  first: number;
  last: number;
  start: number;
  end: number;
  lines: number;
}

const sameCode = (group: Group, hit: LineHit) =>
  group.format === hit.format && group.text === hit.text && hit.start < group.end && hit.end > group.start;

function addHit(group: Group, hit: LineHit): void {
  group.first = Math.min(group.first, hit.line);
  group.last = Math.max(group.last, hit.line);
  group.start = Math.min(group.start, hit.start);
  group.end = Math.max(group.end, hit.end);
  group.lines++;
}

/** Extends the group past its outer lines, one line at a time, while the lines still read the same code. */
function grow(scanner: LineScanner, group: Group, reach: number): void {
  for (const direction of [-1, 1]) {
    for (let k = 1; k <= reach; k++) {
      const line = (direction < 0 ? group.first : group.last) + direction;
      if (line < 0 || line >= scanner.lines) break;
      const hit = scanner.read(line).find((h) => sameCode(group, h));
      if (!hit) break;
      addHit(group, hit);
    }
  }
}

function scanDirection(gray: Uint8Array, length: number, lines: number): Group[] {
  const scanner = new LineScanner(gray, length, lines);
  const step = Math.max(2, Math.floor(lines / TARGET_LINES));
  const groups: Group[] = [];
  for (let line = step >> 1; line < lines; line += step) {
    for (const hit of scanner.read(line)) {
      // Lines that fail to read (a scratch, a smudge) may sit between lines of one code; a gap of a tenth
      // of the code's length is still the same code, further away it is another copy.
      const group = groups.find(
        (g) => sameCode(g, hit) && line - g.last <= Math.max(2 * step, 0.1 * (g.end - g.start)),
      );
      if (group) addHit(group, hit);
      else groups.push({ ...hit, first: hit.line, last: hit.line, lines: 1 });
    }
  }
  for (const group of groups) grow(scanner, group, step - 1);
  return groups.filter((g) => g.lines >= MIN_LINES[g.format]);
}

function transpose(gray: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) out[x * height + y] = gray[row + x]!;
  }
  return out;
}

/** Every EAN-13/UPC-A, EAN-8, Code 128 and Code 39 code found in an RGB image, top to bottom. */
export function detectBarcodes(rgb: Uint8Array, width: number, height: number): DetectedBarcode[] {
  const gray = toGray(rgb, width, height);
  const found: DetectedBarcode[] = [];
  for (const g of scanDirection(gray, width, height)) {
    found.push({ format: g.format, text: g.text, box: [g.start, g.first, g.end, g.last + 1] });
  }
  for (const g of scanDirection(transpose(gray, width, height), height, width)) {
    found.push({ format: g.format, text: g.text, box: [g.first, g.start, g.last + 1, g.end] });
  }
  return found.sort((a, b) => a.box[1] - b.box[1] || a.box[0] - b.box[0]);
}
