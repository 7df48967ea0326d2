// Morphological operations with a square kernel, on any number of interleaved channels.
import { rankFilter } from '../common/draw/index.ts';

export const MORPHOLOGY_OPERATIONS = [
  'Erosion',
  'Dilation',
  'Opening',
  'Closing',
  'Opening then Closing',
  'Gradient',
  'Top Hat',
  'Black Hat',
] as const;

export function morphology(
  src: Uint8Array,
  width: number,
  height: number,
  channels: number,
  k: number,
  operation: string,
): Uint8Array | null {
  const erode = (a: Uint8Array) => rankFilter(a, width, height, channels, k, 'min');
  const dilate = (a: Uint8Array) => rankFilter(a, width, height, channels, k, 'max');
  const open = (a: Uint8Array) => dilate(erode(a));
  const close = (a: Uint8Array) => erode(dilate(a));
  const difference = (a: Uint8Array, b: Uint8Array) => a.map((v, i) => Math.max(0, v - b[i]!));
  switch (operation) {
    case 'Erosion':
      return erode(src);
    case 'Dilation':
      return dilate(src);
    case 'Opening':
      return open(src);
    case 'Closing':
      return close(src);
    case 'Opening then Closing':
      return close(open(src));
    case 'Gradient':
      return difference(dilate(src), erode(src));
    case 'Top Hat':
      return difference(src, open(src));
    case 'Black Hat':
      return difference(close(src), src);
    default:
      return null;
  }
}
