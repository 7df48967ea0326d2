// 3x3 Sobel derivatives of a single-channel image (reflect-101 borders, as cv2.Sobel with ksize 3).
import { reflect } from '../draw/filters.ts';

export interface Gradients {
  gx: Float32Array;
  gy: Float32Array;
}

export function sobel(gray: ArrayLike<number>, width: number, height: number): Gradients {
  const gx = new Float32Array(width * height);
  const gy = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const up = reflect(y - 1, height) * width;
    const row = y * width;
    const down = reflect(y + 1, height) * width;
    for (let x = 0; x < width; x++) {
      const l = reflect(x - 1, width);
      const r = reflect(x + 1, width);
      const tl = gray[up + l]!;
      const tr = gray[up + r]!;
      const bl = gray[down + l]!;
      const br = gray[down + r]!;
      gx[row + x] = tr + 2 * gray[row + r]! + br - tl - 2 * gray[row + l]! - bl;
      gy[row + x] = bl + 2 * gray[down + x]! + br - tl - 2 * gray[up + x]! - tr;
    }
  }
  return { gx, gy };
}
