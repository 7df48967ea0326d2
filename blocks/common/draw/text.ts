// Text on images. Glyphs come from the system's DejaVu Sans through sharp's SVG renderer (librsvg): all the
// texts of one image are composed into one SVG covering just their area, rendered once, and alpha-blended onto
// the pixels here. Layout needs widths before rendering, so glyph advances are measured once per process.
import sharp from 'sharp';
import type { Rgb } from '../color.ts';
import type { Canvas } from './canvas.ts';

export const FONT_FAMILY = "'DejaVu Sans', sans-serif";
/** DejaVu Sans: capital height and descent as fractions of the font size. */
export const CAP_HEIGHT_EM = 0.729;
export const DESCENT_EM = 0.236;
/** Font size in px for text_scale 1 (OpenCV's Hershey simplex font at scale 1 is ~22px tall). */
export const PX_PER_TEXT_SCALE = 30;

const MEASURE_PX = 100;
const FIRST_CHAR = 32;
const LAST_CHAR = 126;

let advancesPromise: Promise<Float32Array> | undefined;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// Each row renders `|c|`; the ink span of the row minus that of `||` is the advance of c (in em).
async function measureAdvances(): Promise<Float32Array> {
  const rowHeight = Math.round(MEASURE_PX * 1.4);
  const rows = ['||'];
  for (let c = FIRST_CHAR; c <= LAST_CHAR; c++) rows.push(`|${String.fromCharCode(c)}|`);
  const width = MEASURE_PX * 4;
  const height = rowHeight * rows.length;
  const texts = rows
    .map((r, i) => `<text x="10" y="${i * rowHeight + MEASURE_PX}" xml:space="preserve">${escapeXml(r)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g font-family="${FONT_FAMILY}" font-size="${MEASURE_PX}" fill="#000">${texts}</g></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const spans = rows.map((_, i) => {
    let left = Infinity;
    let right = -Infinity;
    for (let y = i * rowHeight; y < (i + 1) * rowHeight; y++) {
      for (let x = 0; x < info.width; x++) {
        if (data[(y * info.width + x) * info.channels + 3]! > 96) {
          if (x < left) left = x;
          if (x > right) right = x;
        }
      }
    }
    return right - left + 1;
  });
  const advances = new Float32Array(LAST_CHAR - FIRST_CHAR + 1);
  for (let c = 0; c < advances.length; c++) advances[c] = Math.max(0, spans[c + 1]! - spans[0]!) / MEASURE_PX;
  return advances;
}

function advances(): Promise<Float32Array> {
  advancesPromise ??= measureAdvances().catch(() => new Float32Array(LAST_CHAR - FIRST_CHAR + 1).fill(0.62));
  return advancesPromise;
}

export interface TextSize {
  width: number;
  /** Height of capitals above the baseline. */
  height: number;
  /** Depth of descenders below the baseline. */
  descent: number;
}

/** Size of a single line of text at fontPx. */
export async function measureText(text: string, fontPx: number): Promise<TextSize> {
  const table = await advances();
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    em += code >= FIRST_CHAR && code <= LAST_CHAR ? table[code - FIRST_CHAR]! : 0.7;
  }
  return {
    width: Math.ceil(em * fontPx),
    height: Math.round(CAP_HEIGHT_EM * fontPx),
    descent: Math.ceil(DESCENT_EM * fontPx),
  };
}

export interface TextItem {
  text: string;
  /** Left end of the baseline. */
  x: number;
  y: number;
  color: Rgb;
  fontPx: number;
  /** Heavier strokes for larger `text_thickness`. */
  bold?: boolean;
}

/** Renders all items with one SVG pass and blends them onto the canvas. */
export async function drawTexts(canvas: Canvas, items: readonly TextItem[]): Promise<void> {
  const visible = items.filter((t) => t.text.length > 0 && t.fontPx > 0);
  if (visible.length === 0) return;
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const item of visible) {
    const size = await measureText(item.text, item.fontPx);
    left = Math.min(left, item.x - item.fontPx * 0.2);
    right = Math.max(right, item.x + size.width + item.fontPx * 0.4);
    top = Math.min(top, item.y - item.fontPx);
    bottom = Math.max(bottom, item.y + item.fontPx * 0.4);
  }
  const x0 = Math.max(0, Math.floor(left));
  const y0 = Math.max(0, Math.floor(top));
  const x1 = Math.min(canvas.width, Math.ceil(right));
  const y1 = Math.min(canvas.height, Math.ceil(bottom));
  if (x1 <= x0 || y1 <= y0) return;
  const w = x1 - x0;
  const h = y1 - y0;
  const body = visible
    .map(
      (t) =>
        `<text x="${(t.x - x0).toFixed(2)}" y="${(t.y - y0).toFixed(2)}" font-size="${t.fontPx.toFixed(2)}"` +
        `${t.bold ? ' font-weight="bold"' : ''} fill="rgb(${t.color[0]},${t.color[1]},${t.color[2]})">${escapeXml(t.text)}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><g font-family="${FONT_FAMILY}" xml:space="preserve">${body}</g></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const p = canvas.pixels;
  const ch = info.channels;
  for (let y = 0; y < Math.min(h, info.height); y++) {
    for (let x = 0; x < Math.min(w, info.width); x++) {
      const s = (y * info.width + x) * ch;
      const a = data[s + 3]!;
      if (a === 0) continue;
      const d = ((y0 + y) * canvas.width + x0 + x) * 3;
      if (a === 255) {
        p[d] = data[s]!;
        p[d + 1] = data[s + 1]!;
        p[d + 2] = data[s + 2]!;
      } else {
        const f = a / 255;
        p[d] = p[d]! * (1 - f) + data[s]! * f + 0.5;
        p[d + 1] = p[d + 1]! * (1 - f) + data[s + 1]! * f + 0.5;
        p[d + 2] = p[d + 2]! * (1 - f) + data[s + 2]! * f + 0.5;
      }
    }
  }
}
