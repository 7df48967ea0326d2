// Rasterises encoded module widths (bars first) as an RGB image: vertical bars of `moduleSize` pixels per
// module, `height` pixels tall, with a light quiet zone of `quiet` modules on each side and `margin` pixels
// above and below.
import { widthsToModules } from './runs.ts';

export interface BarcodeRenderOptions {
  moduleSize?: number;
  height?: number;
  quiet?: number;
  margin?: number;
}

export interface RenderedBarcode {
  /** RGB, interleaved. */
  pixels: Uint8Array;
  width: number;
  height: number;
}

export function renderBarcode(widths: readonly number[], options: BarcodeRenderOptions = {}): RenderedBarcode {
  const moduleSize = options.moduleSize ?? 2;
  const quiet = options.quiet ?? 10;
  const margin = options.margin ?? 10;
  const barHeight = options.height ?? 60;
  const modules = widthsToModules(widths);
  const width = (modules.length + 2 * quiet) * moduleSize;
  const height = barHeight + 2 * margin;
  const row = new Uint8Array(width * 3).fill(255);
  modules.forEach((bar, m) => {
    if (bar) row.fill(0, (quiet + m) * moduleSize * 3, (quiet + m + 1) * moduleSize * 3);
  });
  const pixels = new Uint8Array(width * height * 3).fill(255);
  for (let y = margin; y < margin + barHeight; y++) pixels.set(row, y * width * 3);
  return { pixels, width, height };
}
