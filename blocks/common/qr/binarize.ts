// Grayscale and two binarizations of it: a local one (pixel darker than the mean of a window around it, so
// shading and photos around the code do not matter) and Otsu's global threshold as a fallback.

export interface BinaryImage {
  /** width*height, 1 = dark. */
  bits: Uint8Array;
  width: number;
  height: number;
}

export function toGray(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const gray = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < gray.length; i++, j += 3)
    gray[i] = (rgb[j]! * 77 + rgb[j + 1]! * 150 + rgb[j + 2]! * 29) >> 8;
  return gray;
}

/**
 * Dark where the pixel is below the mean of a (2r+1)² window by more than `offset`. The window radius is an
 * eighth of the shorter side: a QR code has at least 21 modules, so the window always spans more than the 3x3
 * dark centre of a finder pattern, which would otherwise read as light.
 */
export function binarizeLocal(gray: Uint8Array, width: number, height: number, offset = 8): BinaryImage {
  const radius = Math.max(7, Math.round(Math.min(width, height) / 8));
  const stride = width + 1;
  const integral = new Float64Array(stride * (height + 1));
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    for (let x = 0; x < width; x++) {
      rowSum += gray[y * width + x]!;
      integral[(y + 1) * stride + x + 1] = integral[y * stride + x + 1]! + rowSum;
    }
  }
  const bits = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(width, x + radius + 1);
      const sum =
        integral[y1 * stride + x1]! -
        integral[y0 * stride + x1]! -
        integral[y1 * stride + x0]! +
        integral[y0 * stride + x0]!;
      const mean = sum / ((x1 - x0) * (y1 - y0));
      bits[y * width + x] = gray[y * width + x]! < mean - offset ? 1 : 0;
    }
  }
  return { bits, width, height };
}

export function binarizeOtsu(gray: Uint8Array, width: number, height: number): BinaryImage {
  const histogram = new Float64Array(256);
  for (const v of gray) histogram[v]!++;
  const total = gray.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * histogram[i]!;
  let weightBelow = 0;
  let sumBelow = 0;
  let best = 0;
  let threshold = 128;
  for (let t = 0; t < 256; t++) {
    weightBelow += histogram[t]!;
    if (weightBelow === 0) continue;
    const weightAbove = total - weightBelow;
    if (weightAbove === 0) break;
    sumBelow += t * histogram[t]!;
    const meanBelow = sumBelow / weightBelow;
    const meanAbove = (sumAll - sumBelow) / weightAbove;
    const between = weightBelow * weightAbove * (meanBelow - meanAbove) ** 2;
    if (between > best) {
      best = between;
      threshold = t;
    }
  }
  const bits = new Uint8Array(total);
  for (let i = 0; i < total; i++) bits[i] = gray[i]! <= threshold ? 1 : 0;
  return { bits, width, height };
}
