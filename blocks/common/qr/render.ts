// Rasterises a QR matrix: square modules of `moduleSize` pixels with a quiet zone of `border` modules.
import type { QrMatrix } from './encoder.ts';

export interface RenderOptions {
  moduleSize?: number;
  border?: number;
  fill?: readonly [number, number, number];
  back?: readonly [number, number, number];
}

export interface RenderedQr {
  /** RGB, interleaved. */
  pixels: Uint8Array;
  width: number;
  height: number;
}

export function renderQr(matrix: QrMatrix, options: RenderOptions = {}): RenderedQr {
  const moduleSize = options.moduleSize ?? 10;
  const border = options.border ?? 4;
  const fill = options.fill ?? [0, 0, 0];
  const back = options.back ?? [255, 255, 255];
  const side = (matrix.size + 2 * border) * moduleSize;
  const pixels = new Uint8Array(side * side * 3);
  const row = new Uint8Array(side * 3);
  for (let my = -border; my < matrix.size + border; my++) {
    for (let mx = -border; mx < matrix.size + border; mx++) {
      const inside = mx >= 0 && my >= 0 && mx < matrix.size && my < matrix.size;
      const color = inside && matrix.modules[my * matrix.size + mx] ? fill : back;
      for (let px = 0; px < moduleSize; px++) row.set(color, ((mx + border) * moduleSize + px) * 3);
    }
    // Every pixel row of a module row is the same.
    for (let py = 0; py < moduleSize; py++) pixels.set(row, ((my + border) * moduleSize + py) * side * 3);
  }
  return { pixels, width: side, height: side };
}
