// OpenCV's TM_CCOEFF_NORMED template matching score map, with the cross term computed through 2-D FFTs
// (fft.js) and the window sums through integral images, so a 100x60 template over a VGA photo takes
// milliseconds instead of billions of multiply-adds.
import FFT from 'fft.js';

function nextPow2(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

/** In-place 2-D complex FFT of an interleaved (re, im) array of size w x h (both powers of two). */
function fft2d(data: Float64Array, w: number, h: number, inverse: boolean): void {
  const rowFft = new FFT(w);
  const row = new Float64Array(w * 2);
  const rowOut = new Float64Array(w * 2);
  for (let y = 0; y < h; y++) {
    row.set(data.subarray(y * w * 2, (y + 1) * w * 2));
    if (inverse) rowFft.inverseTransform(rowOut, row);
    else rowFft.transform(rowOut, row);
    data.set(rowOut, y * w * 2);
  }
  const colFft = new FFT(h);
  const col = new Float64Array(h * 2);
  const colOut = new Float64Array(h * 2);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      col[y * 2] = data[(y * w + x) * 2]!;
      col[y * 2 + 1] = data[(y * w + x) * 2 + 1]!;
    }
    if (inverse) colFft.inverseTransform(colOut, col);
    else colFft.transform(colOut, col);
    for (let y = 0; y < h; y++) {
      data[(y * w + x) * 2] = colOut[y * 2]!;
      data[(y * w + x) * 2 + 1] = colOut[y * 2 + 1]!;
    }
  }
}

export interface ScoreMap {
  scores: Float32Array;
  width: number;
  height: number;
}

/**
 * Normalized correlation coefficient of `template` (tw x th) at every position where it fits inside `image`
 * (iw x ih): a (iw - tw + 1) x (ih - th + 1) map in [-1, 1]. Flat windows (no variance) score 0.
 */
export function matchTemplateCcoeffNormed(
  image: ArrayLike<number>,
  iw: number,
  ih: number,
  template: ArrayLike<number>,
  tw: number,
  th: number,
): ScoreMap {
  const ow = iw - tw + 1;
  const oh = ih - th + 1;
  const n = tw * th;
  let tMean = 0;
  for (let i = 0; i < n; i++) tMean += template[i]!;
  tMean /= n;
  let tNorm = 0;
  for (let i = 0; i < n; i++) tNorm += (template[i]! - tMean) ** 2;

  // Cross term sum(T' * I) by FFT correlation: IFFT(FFT(I) . conj(FFT(T'))).
  const fw = nextPow2(iw);
  const fh = nextPow2(ih);
  const a = new Float64Array(fw * fh * 2);
  for (let y = 0; y < ih; y++) for (let x = 0; x < iw; x++) a[(y * fw + x) * 2] = image[y * iw + x]!;
  const b = new Float64Array(fw * fh * 2);
  for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) b[(y * fw + x) * 2] = template[y * tw + x]! - tMean;
  fft2d(a, fw, fh, false);
  fft2d(b, fw, fh, false);
  for (let i = 0; i < a.length; i += 2) {
    const re = a[i]! * b[i]! + a[i + 1]! * b[i + 1]!;
    const im = a[i + 1]! * b[i]! - a[i]! * b[i + 1]!;
    a[i] = re;
    a[i + 1] = im;
  }
  fft2d(a, fw, fh, true);

  // Integral images of I and I^2 for each window's variance.
  const sw = iw + 1;
  const sum = new Float64Array(sw * (ih + 1));
  const sq = new Float64Array(sw * (ih + 1));
  for (let y = 0; y < ih; y++) {
    let rs = 0;
    let rq = 0;
    for (let x = 0; x < iw; x++) {
      const v = image[y * iw + x]!;
      rs += v;
      rq += v * v;
      sum[(y + 1) * sw + x + 1] = sum[y * sw + x + 1]! + rs;
      sq[(y + 1) * sw + x + 1] = sq[y * sw + x + 1]! + rq;
    }
  }
  const scores = new Float32Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const s = sum[(y + th) * sw + x + tw]! - sum[y * sw + x + tw]! - sum[(y + th) * sw + x]! + sum[y * sw + x]!;
      const q = sq[(y + th) * sw + x + tw]! - sq[y * sw + x + tw]! - sq[(y + th) * sw + x]! + sq[y * sw + x]!;
      const variance = q - (s * s) / n;
      const denominator = Math.sqrt(Math.max(variance, 0) * tNorm);
      if (denominator < 1e-6 * n) continue;
      const numerator = a[(y * fw + x) * 2]!;
      scores[y * ow + x] = Math.max(-1, Math.min(1, numerator / denominator));
    }
  }
  return { scores, width: ow, height: oh };
}
