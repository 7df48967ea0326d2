// Reads symbols along one scan line of a grayscale image: the line (averaged with its neighbours against
// noise) is thresholded, edges are placed with sub-pixel interpolation, and every dark run that follows a
// wide light run is tried as the start of each symbology, reading the line in both directions.
import { decodeCode128 } from './code128.ts';
import { decodeCode39 } from './code39.ts';
import { decodeEan13, decodeEan8 } from './ean.ts';
import { sumRuns, type ScanRuns, type SymbolDecoder } from './runs.ts';

export type BarcodeFormat = 'ean13' | 'ean8' | 'code128' | 'code39';

const DECODERS: ReadonlyArray<readonly [BarcodeFormat, SymbolDecoder]> = [
  ['ean13', decodeEan13],
  ['ean8', decodeEan8],
  ['code128', decodeCode128],
  ['code39', decodeCode39],
];

/** A symbol read on one line: where it starts and ends along the line, in pixels. */
export interface LineHit {
  format: BarcodeFormat;
  text: string;
  line: number;
  start: number;
  end: number;
}

/** Local threshold: the mean of a window along the line, less a margin so flat areas do not flicker. */
const LOCAL_MARGIN = 10;

/** Gray lines (rows of a row-major buffer) and the reusable buffers to read them. */
export class LineScanner {
  private readonly line: Float32Array;
  private readonly threshold: Float32Array;
  private readonly prefix: Float64Array;
  private readonly edges: Float64Array;
  private readonly widths: Float64Array;
  private readonly reversed: Float64Array;
  private readonly radius: number;

  constructor(
    private readonly gray: Uint8Array,
    readonly length: number,
    readonly lines: number,
  ) {
    this.line = new Float32Array(length);
    this.threshold = new Float32Array(length);
    this.prefix = new Float64Array(length + 1);
    this.edges = new Float64Array(length + 2);
    this.widths = new Float64Array(length + 2);
    this.reversed = new Float64Array(length + 2);
    this.radius = Math.max(24, Math.round(length / 12));
  }

  /** Every symbol read on line `index`: local threshold first, the line's global midpoint when that finds none. */
  read(index: number): LineHit[] {
    this.loadLine(index);
    this.localThreshold();
    const hits = this.readThresholded(index);
    if (hits.length) return hits;
    this.globalThreshold();
    return this.readThresholded(index);
  }

  private loadLine(index: number): void {
    const { gray, length, line } = this;
    const above = Math.max(0, index - 1) * length;
    const at = index * length;
    const below = Math.min(this.lines - 1, index + 1) * length;
    for (let x = 0; x < length; x++) line[x] = (gray[above + x]! + 2 * gray[at + x]! + gray[below + x]!) / 4;
  }

  private localThreshold(): void {
    const { line, prefix, threshold, length, radius } = this;
    for (let x = 0; x < length; x++) prefix[x + 1] = prefix[x]! + line[x]!;
    for (let x = 0; x < length; x++) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(length, x + radius + 1);
      threshold[x] = (prefix[x1]! - prefix[x0]!) / (x1 - x0) - LOCAL_MARGIN;
    }
  }

  private globalThreshold(): void {
    const histogram = new Uint32Array(256);
    for (const v of this.line) histogram[v | 0]!++;
    const percentile = (fraction: number) => {
      let seen = 0;
      for (let v = 0; v < 256; v++) if ((seen += histogram[v]!) >= fraction * this.length) return v;
      return 255;
    };
    this.threshold.fill((percentile(0.05) + percentile(0.95)) / 2);
  }

  /** Runs of the thresholded line; index 0 is light (possibly 0 wide). */
  private toRuns(): ScanRuns {
    const { line, threshold, edges, widths, length } = this;
    let edgeCount = 0;
    let dark = line[0]! < threshold[0]!;
    if (dark) edges[edgeCount++] = 0;
    for (let x = 1; x < length; x++) {
      const isDark = line[x]! < threshold[x]!;
      if (isDark === dark) continue;
      const before = line[x - 1]! - threshold[x - 1]!;
      const after = line[x]! - threshold[x]!;
      edges[edgeCount++] = x - 0.5 + before / (before - after);
      dark = isDark;
    }
    let previous = 0;
    for (let e = 0; e < edgeCount; e++) {
      widths[e] = edges[e]! - previous;
      previous = edges[e]!;
    }
    widths[edgeCount] = length - previous;
    return { widths, count: edgeCount + 1 };
  }

  private readThresholded(index: number): LineHit[] {
    const forward = this.toRuns();
    const hits = readRuns(forward, index, (at) => at);
    // The reversed line, starting light again: a leading 0-wide run when the line ended dark.
    const { count } = forward;
    const pad = count % 2 === 0 ? 1 : 0;
    this.reversed[0] = 0;
    for (let i = 0; i < count; i++) this.reversed[pad + i] = forward.widths[count - 1 - i]!;
    const backward = readRuns({ widths: this.reversed, count: count + pad }, index, (at) => this.length - at);
    return hits.concat(backward.filter((hit) => !hits.some((h) => h.format === hit.format && h.text === hit.text)));
  }
}

function readRuns(runs: ScanRuns, line: number, toLine: (at: number) => number): LineHit[] {
  const hits: LineHit[] = [];
  let position = runs.widths[0]!;
  for (let i = 1; i < runs.count - 1; i += 2) {
    // A quiet zone is several modules wide and no symbol starts with a bar wider than 3 modules.
    if (runs.widths[i - 1]! >= 1.5 * runs.widths[i]!) {
      for (const [format, decode] of DECODERS) {
        const read = decode(runs, i);
        if (!read) continue;
        const end = position + sumRuns(runs, i, read.end - i);
        const [a, b] = [toLine(position), toLine(end)];
        hits.push({ format, text: read.text, line, start: Math.min(a, b), end: Math.max(a, b) });
        break;
      }
    }
    position += runs.widths[i]! + runs.widths[i + 1]!;
  }
  return hits;
}
