// Colours and palettes as Roboflow's visualization blocks name them (supervision's ColorPalette / Color,
// matplotlib colormap names) and the lookup that picks one colour per detection.
import { Detections, WorkflowExecutionEngineError } from '../../engine/index.ts';

/** [r, g, b], each 0..255. */
export type Rgb = readonly [number, number, number];

const NAMED_COLORS: Record<string, Rgb> = {
  WHITE: [255, 255, 255],
  BLACK: [0, 0, 0],
  RED: [255, 0, 0],
  GREEN: [0, 255, 0],
  BLUE: [0, 0, 255],
  YELLOW: [255, 255, 0],
  ROBOFLOW: [163, 81, 251],
};

function hexToRgb(hex: string): Rgb | null {
  let h = hex.replace(/^#/, '').trim();
  if (h.length === 3)
    h = h
      .split('')
      .map((c) => c + c)
      .join('');
  if (!/^[0-9a-fA-F]{6}$/.test(h)) return null;
  const v = parseInt(h, 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function clampByte(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/**
 * Parses a colour written the way Roboflow blocks accept it: `#RRGGBB` / `#RGB`, `rgb(r, g, b)`,
 * `bgr(b, g, r)`, or a supervision colour name (`WHITE`, `BLACK`, `RED`, ...). Returns null when unreadable.
 */
export function parseColor(value: unknown): Rgb | null {
  if (Array.isArray(value) && value.length >= 3 && value.slice(0, 3).every((v) => typeof v === 'number')) {
    return [clampByte(value[0]), clampByte(value[1]), clampByte(value[2])];
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text.startsWith('#')) return hexToRgb(text);
  const lower = text.toLowerCase();
  if (lower.startsWith('rgb') || lower.startsWith('bgr') || lower.startsWith('(')) {
    const numbers = text.match(/-?\d+(\.\d+)?/g)?.map(Number) ?? [];
    if (numbers.length < 3) return null;
    const [a, b, c] = numbers.map(clampByte) as [number, number, number];
    return lower.startsWith('bgr') ? [c, b, a] : [a, b, c];
  }
  return NAMED_COLORS[text.toUpperCase()] ?? hexToRgb(text);
}

/** parseColor that throws a typed error naming the step and field. */
export function requireColor(value: unknown, stepName: string, field: string): Rgb {
  const color = parseColor(value);
  if (!color) {
    throw new WorkflowExecutionEngineError(
      `Step ${stepName}: field \`${field}\` holds ${JSON.stringify(value)}, expected a colour such as ` +
        `"#FF0000", "rgb(255, 0, 0)", "bgr(0, 0, 255)" or a name like "WHITE"`,
    );
  }
  return color;
}

const hexList = (list: string): Rgb[] =>
  list
    .split(/\s+/)
    .filter(Boolean)
    .map((h) => hexToRgb(h)!);

// supervision's ColorPalette.DEFAULT and ColorPalette.ROBOFLOW.
const DEFAULT_PALETTE = hexList(
  'A351FB FF4040 FFA1A0 FF7633 FFB633 D1D435 4CFB12 94CF1A 40DE8A 1B9640 00D6C2 2E9CAA 00C4FF 364797 6675FF 0019EF 863AFF 530087 CD3AFF FF97CA FF39C9',
);
const ROBOFLOW_PALETTE = hexList('C7FC00 FF00FF 8622FF FE0056 00FFCE FF8000 00B7EB FFFF00 0E7AFE FFABAB 0000FF CCCCCC');

// Continuous matplotlib colormaps, sampled at 9 evenly spaced stops; in-between values are interpolated.
const CONTINUOUS_MAPS: Record<string, Rgb[]> = {
  viridis: hexList('440154 472d7b 3b528b 2c728e 21918c 28ae80 5ec962 addc30 fde725'),
  plasma: hexList('0d0887 4c02a1 7e03a8 a92395 cc4778 e56b5d f89540 fdc328 f0f921'),
  inferno: hexList('000004 1f0c48 550f6d 88226a ba3655 e35933 f98e09 f9cb35 fcffa4'),
  magma: hexList('000004 1c1044 4f127b 812581 b5367a e55064 fb8761 fec287 fcfdbf'),
  cividis: hexList('00224e 233e6c 424d6b 5f636e 7c7b78 9b9477 bcaf6f dfcb5d fee838'),
};

// Qualitative matplotlib colormaps, listed exactly.
const LISTED_MAPS: Record<string, Rgb[]> = {
  tab10: hexList('1f77b4 ff7f0e 2ca02c d62728 9467bd 8c564b e377c2 7f7f7f bcbd22 17becf'),
  set1: hexList('e41a1c 377eb8 4daf4a 984ea3 ff7f00 ffff33 a65628 f781bf 999999'),
  set2: hexList('66c2a5 fc8d62 8da0cb e78ac3 a6d854 ffd92f e5c494 b3b3b3'),
  pastel1: hexList('fbb4ae b3cde3 ccebc5 decbe4 fed9a6 ffffcc e5d8bd fddaec f2f2f2'),
  dark2: hexList('1b9e77 d95f02 7570b3 e7298a 66a61e e6ab02 a6761d 666666'),
};

export const PALETTE_NAMES = [
  'DEFAULT',
  'CUSTOM',
  'ROBOFLOW',
  'Matplotlib Viridis',
  'Matplotlib Plasma',
  'Matplotlib Inferno',
  'Matplotlib Magma',
  'Matplotlib Cividis',
  'Matplotlib Tab10',
  'Matplotlib Set1',
  'Matplotlib Set2',
  'Matplotlib Pastel1',
  'Matplotlib Dark2',
] as const;

export const COLOR_AXES = ['INDEX', 'CLASS', 'TRACK'] as const;
export type ColorAxis = (typeof COLOR_AXES)[number];

function sampleContinuous(stops: Rgb[], count: number): Rgb[] {
  const out: Rgb[] = [];
  for (let i = 0; i < count; i++) {
    const t = count === 1 ? 0 : i / (count - 1);
    const pos = t * (stops.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(stops.length - 1, lo + 1);
    const f = pos - lo;
    const a = stops[lo]!;
    const b = stops[hi]!;
    out.push([
      clampByte(a[0] + (b[0] - a[0]) * f),
      clampByte(a[1] + (b[1] - a[1]) * f),
      clampByte(a[2] + (b[2] - a[2]) * f),
    ]);
  }
  return out;
}

function sampleListed(colors: Rgb[], count: number): Rgb[] {
  if (count >= colors.length) return colors.slice();
  // matplotlib resamples a listed map by picking evenly spaced entries.
  return Array.from(
    { length: count },
    (_, i) => colors[count === 1 ? 0 : Math.round((i * (colors.length - 1)) / (count - 1))]!,
  );
}

/** The palette a visualization step asked for (`color_palette`, `palette_size`, `custom_colors`). */
export function buildPalette(
  name: string,
  paletteSize: number,
  customColors: readonly unknown[] | null | undefined,
  stepName = 'visualization',
): Rgb[] {
  if (name === 'CUSTOM') {
    const colors = (customColors ?? []).map((c, i) => requireColor(c, stepName, `custom_colors[${i}]`));
    if (colors.length === 0) {
      throw new WorkflowExecutionEngineError(
        `Step ${stepName}: field \`custom_colors\` must list at least one colour when \`color_palette\` is CUSTOM`,
      );
    }
    return colors;
  }
  if (name === 'DEFAULT') return DEFAULT_PALETTE;
  if (name === 'ROBOFLOW') return ROBOFLOW_PALETTE;
  const key = name.replace(/^Matplotlib\s+/i, '').toLowerCase();
  const size = Math.max(1, Math.floor(paletteSize || 10));
  if (CONTINUOUS_MAPS[key]) return sampleContinuous(CONTINUOUS_MAPS[key], size);
  if (LISTED_MAPS[key]) return sampleListed(LISTED_MAPS[key], size);
  throw new WorkflowExecutionEngineError(
    `Step ${stepName}: field \`color_palette\` holds unknown palette ${JSON.stringify(name)}, expected one of ${PALETTE_NAMES.join(', ')}`,
  );
}

/** The index into the palette for detection i (supervision's ColorLookup). */
export function colorIndex(detections: Detections, i: number, axis: ColorAxis): number {
  if (axis === 'INDEX') return i;
  if (axis === 'TRACK') {
    const tracker = detections.trackerId?.[i];
    if (tracker === undefined) {
      throw new WorkflowExecutionEngineError(
        'Could not use color_axis TRACK: the predictions carry no tracker ids (run a tracker block first)',
      );
    }
    return tracker;
  }
  return detections.classId[i]!;
}

export function paletteColor(palette: readonly Rgb[], index: number): Rgb {
  const n = palette.length;
  return palette[((index % n) + n) % n]!;
}
