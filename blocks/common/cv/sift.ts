// Scale-invariant feature transform (Lowe 2004) with OpenCV's defaults, so thresholds users tune for cv2's SIFT
// (ratio tests, match counts) carry over: 3 layers per octave, sigma 1.6, contrast threshold 0.04, edge ratio 10,
// 36-bin orientation histograms and 4x4x8 descriptors scaled to 0..255. No initial upscaling (cv2 doubles the
// image first), which keeps keypoint counts, and brute-force matching, affordable.
import { gaussianBlur, halve, type FloatImage } from './float-image.ts';

export interface SiftOptions {
  layers?: number;
  contrastThreshold?: number;
  edgeThreshold?: number;
  sigma?: number;
  /** Keep at most this many keypoints (strongest responses first); 0 = all. */
  maxKeypoints?: number;
}

export interface SiftKeypoint {
  x: number;
  y: number;
  size: number;
  /** Degrees, counter-clockwise in image coordinates, as cv2.KeyPoint.angle. */
  angle: number;
  response: number;
  /** cv2's packed octave: octave | layer << 8 | sub-layer offset << 16. */
  octave: number;
}

export interface SiftFeatures {
  keypoints: SiftKeypoint[];
  /** keypoints.length x 128, row-major. */
  descriptors: Float32Array;
}

const BORDER = 5;
const MAX_INTERP_STEPS = 5;
const ORI_BINS = 36;
const ORI_PEAK_RATIO = 0.8;
const DESCR_WIDTH = 4;
const DESCR_BINS = 8;
const DESCR_LENGTH = DESCR_WIDTH * DESCR_WIDTH * DESCR_BINS;
const DESCR_SCALE = 3;
const DESCR_MAG_CLIP = 0.2;

interface Octave {
  gauss: FloatImage[];
  dog: FloatImage[];
}

interface Candidate {
  kp: SiftKeypoint;
  octaveIndex: number;
  layer: number;
}

function buildPyramid(gray: FloatImage, layers: number, sigma: number): Octave[] {
  const count = Math.max(1, Math.round(Math.log2(Math.min(gray.width, gray.height))) - 2);
  const sigmas = [sigma];
  const k = 2 ** (1 / layers);
  for (let i = 1; i < layers + 3; i++) {
    const prev = k ** (i - 1) * sigma;
    sigmas.push(Math.sqrt((prev * k) ** 2 - prev ** 2));
  }
  const octaves: Octave[] = [];
  // The input is taken to be pre-blurred by 0.5 (the camera).
  let base = gaussianBlur(gray, Math.sqrt(Math.max(sigma * sigma - 0.25, 0.01)));
  for (let o = 0; o < count; o++) {
    if (base.width <= 2 * BORDER + 2 || base.height <= 2 * BORDER + 2) break;
    const gauss = [base];
    for (let i = 1; i < layers + 3; i++) gauss.push(gaussianBlur(gauss[i - 1]!, sigmas[i]!));
    const dog: FloatImage[] = [];
    for (let i = 0; i < layers + 2; i++) {
      const a = gauss[i]!.data;
      const b = gauss[i + 1]!.data;
      const d = new Float32Array(a.length);
      for (let p = 0; p < a.length; p++) d[p] = b[p]! - a[p]!;
      dog.push({ data: d, width: base.width, height: base.height });
    }
    octaves.push({ gauss, dog });
    base = halve(gauss[layers]!);
  }
  return octaves;
}

function isExtremum(dog: FloatImage[], layer: number, idx: number, width: number, value: number): boolean {
  for (let l = layer - 1; l <= layer + 1; l++) {
    const d = dog[l]!.data;
    for (let dy = -width; dy <= width; dy += width) {
      for (let dx = -1; dx <= 1; dx++) {
        const v = d[idx + dy + dx]!;
        if (value > 0 ? v > value : v < value) return false;
      }
    }
  }
  return true;
}

/** 3x3 linear solve by Cramer's rule; null when singular. */
function solve3(h: number[], b: number[]): [number, number, number] | null {
  const [a, bb, c, d, e, f, g, hh, i] = h as [number, number, number, number, number, number, number, number, number];
  const det = a * (e * i - f * hh) - bb * (d * i - f * g) + c * (d * hh - e * g);
  if (Math.abs(det) < 1e-20) return null;
  const [x, y, z] = b as [number, number, number];
  return [
    (x * (e * i - f * hh) - bb * (y * i - f * z) + c * (y * hh - e * z)) / det,
    (a * (y * i - f * z) - x * (d * i - f * g) + c * (d * z - y * g)) / det,
    (a * (e * z - y * hh) - bb * (d * z - y * g) + x * (d * hh - e * g)) / det,
  ];
}

/** Sub-pixel, sub-scale refinement with contrast and edge rejection; null when the extremum is rejected. */
function refine(
  oct: Octave,
  octaveIndex: number,
  layer0: number,
  r0: number,
  c0: number,
  o: Required<SiftOptions>,
): Candidate | null {
  const { width, height } = oct.dog[0]!;
  const scale = 1 / 255;
  const ds = scale * 0.5;
  const cs = scale * 0.25;
  let layer = layer0;
  let r = r0;
  let c = c0;
  let offset: [number, number, number] = [0, 0, 0];
  let grad: number[] = [0, 0, 0];
  let hess: number[] = [];
  let step = 0;
  for (; step < MAX_INTERP_STEPS; step++) {
    const img = oct.dog[layer]!.data;
    const prev = oct.dog[layer - 1]!.data;
    const next = oct.dog[layer + 1]!.data;
    const i = r * width + c;
    const v2 = img[i]! * 2;
    grad = [(img[i + 1]! - img[i - 1]!) * ds, (img[i + width]! - img[i - width]!) * ds, (next[i]! - prev[i]!) * ds];
    const dxx = (img[i + 1]! + img[i - 1]! - v2) * scale;
    const dyy = (img[i + width]! + img[i - width]! - v2) * scale;
    const dss = (next[i]! + prev[i]! - v2) * scale;
    const dxy = (img[i + width + 1]! - img[i + width - 1]! - img[i - width + 1]! + img[i - width - 1]!) * cs;
    const dxs = (next[i + 1]! - next[i - 1]! - prev[i + 1]! + prev[i - 1]!) * cs;
    const dys = (next[i + width]! - next[i - width]! - prev[i + width]! + prev[i - width]!) * cs;
    hess = [dxx, dxy, dxs, dxy, dyy, dys, dxs, dys, dss];
    const x = solve3(hess, grad);
    if (!x) return null;
    offset = [-x[0], -x[1], -x[2]];
    if (Math.abs(offset[0]) < 0.5 && Math.abs(offset[1]) < 0.5 && Math.abs(offset[2]) < 0.5) break;
    if (offset.some((v) => Math.abs(v) > 1e6)) return null;
    c += Math.round(offset[0]);
    r += Math.round(offset[1]);
    layer += Math.round(offset[2]);
    if (layer < 1 || layer > o.layers || c < BORDER || c >= width - BORDER || r < BORDER || r >= height - BORDER)
      return null;
  }
  if (step >= MAX_INTERP_STEPS) return null;
  const value = oct.dog[layer]!.data[r * width + c]! * scale;
  const contrast = value + 0.5 * (grad[0]! * offset[0] + grad[1]! * offset[1] + grad[2]! * offset[2]);
  if (Math.abs(contrast) * o.layers < o.contrastThreshold) return null;
  const [dxx, dxy, , , dyy] = hess as [number, number, number, number, number];
  const trace = dxx + dyy;
  const det = dxx * dyy - dxy * dxy;
  if (det <= 0 || trace * trace * o.edgeThreshold >= (o.edgeThreshold + 1) ** 2 * det) return null;
  const octaveScale = 2 ** octaveIndex;
  return {
    octaveIndex,
    layer,
    kp: {
      x: (c + offset[0]) * octaveScale,
      y: (r + offset[1]) * octaveScale,
      size: o.sigma * 2 ** ((layer + offset[2]) / o.layers) * octaveScale * 2,
      angle: 0,
      response: Math.abs(contrast),
      octave: octaveIndex + (layer << 8) + (Math.round((offset[2] + 0.5) * 255) << 16),
    },
  };
}

/** Dominant gradient orientations (degrees) around a keypoint: every histogram peak within 80% of the maximum. */
function orientations(img: FloatImage, px: number, py: number, radius: number, sigma: number): number[] {
  const { data, width, height } = img;
  const raw = new Float64Array(ORI_BINS);
  const expScale = -1 / (2 * sigma * sigma);
  for (let i = -radius; i <= radius; i++) {
    const y = py + i;
    if (y <= 0 || y >= height - 1) continue;
    for (let j = -radius; j <= radius; j++) {
      const x = px + j;
      if (x <= 0 || x >= width - 1) continue;
      const p = y * width + x;
      const dx = data[p + 1]! - data[p - 1]!;
      const dy = data[p - width]! - data[p + width]!;
      let deg = (Math.atan2(dy, dx) * 180) / Math.PI;
      if (deg < 0) deg += 360;
      let bin = Math.round((deg * ORI_BINS) / 360);
      if (bin >= ORI_BINS) bin -= ORI_BINS;
      raw[bin]! += Math.exp((i * i + j * j) * expScale) * Math.hypot(dx, dy);
    }
  }
  const hist = new Float64Array(ORI_BINS);
  const at = (k: number) => raw[(k + ORI_BINS) % ORI_BINS]!;
  for (let k = 0; k < ORI_BINS; k++)
    hist[k] = (at(k - 2) + at(k + 2)) / 16 + ((at(k - 1) + at(k + 1)) * 4) / 16 + (at(k) * 6) / 16;
  let max = 0;
  for (let k = 0; k < ORI_BINS; k++) max = Math.max(max, hist[k]!);
  const out: number[] = [];
  for (let k = 0; k < ORI_BINS; k++) {
    const l = hist[(k + ORI_BINS - 1) % ORI_BINS]!;
    const r = hist[(k + 1) % ORI_BINS]!;
    const h = hist[k]!;
    if (h > l && h > r && h >= max * ORI_PEAK_RATIO) {
      let bin = k + (0.5 * (l - r)) / (l - 2 * h + r);
      bin = bin < 0 ? ORI_BINS + bin : bin >= ORI_BINS ? bin - ORI_BINS : bin;
      let angle = 360 - (360 / ORI_BINS) * bin;
      if (Math.abs(angle - 360) < 1e-6) angle = 0;
      out.push(angle);
    }
  }
  return out;
}

// Long on purpose: Lowe's descriptor loop over the sample grid, a numerical hot loop.
/** 4x4 spatial cells x 8 orientation bins, trilinearly interpolated, normalised, clipped at 0.2, scaled to bytes. */
function describe(
  img: FloatImage,
  ptx: number,
  pty: number,
  angle: number,
  scl: number,
  dst: Float32Array,
  at: number,
): void {
  const { data, width, height } = img;
  const d = DESCR_WIDTH;
  const n = DESCR_BINS;
  const cx = Math.round(ptx);
  const cy = Math.round(pty);
  let ori = 360 - angle;
  if (Math.abs(ori - 360) < 1e-6) ori = 0;
  const histWidth = DESCR_SCALE * scl;
  const radius = Math.min(Math.round(histWidth * Math.SQRT2 * (d + 1) * 0.5), Math.round(Math.hypot(width, height)));
  const cosT = Math.cos((ori * Math.PI) / 180) / histWidth;
  const sinT = Math.sin((ori * Math.PI) / 180) / histWidth;
  const binsPerDeg = n / 360;
  const expScale = -1 / (d * d * 0.5);
  const stride = n + 2;
  const hist = new Float64Array((d + 2) * (d + 2) * stride);
  for (let i = -radius; i <= radius; i++) {
    const y = cy + i;
    if (y <= 0 || y >= height - 1) continue;
    for (let j = -radius; j <= radius; j++) {
      const x = cx + j;
      if (x <= 0 || x >= width - 1) continue;
      const cRot = j * cosT - i * sinT;
      const rRot = j * sinT + i * cosT;
      let rbin = rRot + d / 2 - 0.5;
      let cbin = cRot + d / 2 - 0.5;
      if (rbin <= -1 || rbin >= d || cbin <= -1 || cbin >= d) continue;
      const p = y * width + x;
      const dx = data[p + 1]! - data[p - 1]!;
      const dy = data[p - width]! - data[p + width]!;
      let deg = (Math.atan2(dy, dx) * 180) / Math.PI;
      if (deg < 0) deg += 360;
      let obin = (deg - ori) * binsPerDeg;
      const mag = Math.hypot(dx, dy) * Math.exp((cRot * cRot + rRot * rRot) * expScale);
      const r0 = Math.floor(rbin);
      const c0 = Math.floor(cbin);
      let o0 = Math.floor(obin);
      rbin -= r0;
      cbin -= c0;
      obin -= o0;
      if (o0 < 0) o0 += n;
      if (o0 >= n) o0 -= n;
      for (let dr = 0; dr < 2; dr++) {
        const vr = dr ? mag * rbin : mag * (1 - rbin);
        for (let dc = 0; dc < 2; dc++) {
          const vc = dc ? vr * cbin : vr * (1 - cbin);
          const idx = ((r0 + 1 + dr) * (d + 2) + c0 + 1 + dc) * stride + o0;
          hist[idx]! += vc * (1 - obin);
          hist[idx + 1]! += vc * obin;
        }
      }
    }
  }
  let norm = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const idx = ((i + 1) * (d + 2) + j + 1) * stride;
      hist[idx]! += hist[idx + n]!;
      hist[idx + 1]! += hist[idx + n + 1]!;
      for (let k = 0; k < n; k++) {
        const v = hist[idx + k]!;
        dst[at + (i * d + j) * n + k] = v;
        norm += v * v;
      }
    }
  }
  const clip = Math.sqrt(norm) * DESCR_MAG_CLIP;
  norm = 0;
  for (let k = 0; k < DESCR_LENGTH; k++) {
    const v = Math.min(dst[at + k]!, clip);
    dst[at + k] = v;
    norm += v * v;
  }
  const factor = 512 / Math.max(Math.sqrt(norm), 1e-7);
  for (let k = 0; k < DESCR_LENGTH; k++) dst[at + k] = Math.min(255, Math.round(dst[at + k]! * factor));
}

/** Keypoints and their 128-d descriptors for a grayscale float image (0..255). */
export function detectAndCompute(gray: FloatImage, options: SiftOptions = {}): SiftFeatures {
  const o: Required<SiftOptions> = {
    layers: options.layers ?? 3,
    contrastThreshold: options.contrastThreshold ?? 0.04,
    edgeThreshold: options.edgeThreshold ?? 10,
    sigma: options.sigma ?? 1.6,
    maxKeypoints: options.maxKeypoints ?? 0,
  };
  const octaves = buildPyramid(gray, o.layers, o.sigma);
  const threshold = Math.floor((0.5 * o.contrastThreshold * 255) / o.layers);
  const found: Candidate[] = [];
  octaves.forEach((oct, octaveIndex) => {
    const { width, height } = oct.dog[0]!;
    for (let layer = 1; layer <= o.layers; layer++) {
      const dog = oct.dog[layer]!.data;
      for (let r = BORDER; r < height - BORDER; r++) {
        for (let c = BORDER; c < width - BORDER; c++) {
          const idx = r * width + c;
          const v = dog[idx]!;
          if (Math.abs(v) <= threshold || !isExtremum(oct.dog, layer, idx, width, v)) continue;
          const candidate = refine(oct, octaveIndex, layer, r, c, o);
          if (!candidate) continue;
          const octaveScale = 2 ** octaveIndex;
          const scl = (candidate.kp.size * 0.5) / octaveScale;
          const img = oct.gauss[candidate.layer]!;
          const px = Math.round(candidate.kp.x / octaveScale);
          const py = Math.round(candidate.kp.y / octaveScale);
          for (const angle of orientations(img, px, py, Math.round(4.5 * scl), 1.5 * scl)) {
            found.push({ ...candidate, kp: { ...candidate.kp, angle } });
          }
        }
      }
    }
  });
  let kept = dedupe(found);
  if (o.maxKeypoints > 0 && kept.length > o.maxKeypoints)
    kept = [...kept].sort((a, b) => b.kp.response - a.kp.response).slice(0, o.maxKeypoints);
  const descriptors = new Float32Array(kept.length * DESCR_LENGTH);
  kept.forEach((cand, i) => {
    const octaveScale = 2 ** cand.octaveIndex;
    const img = octaves[cand.octaveIndex]!.gauss[cand.layer]!;
    describe(
      img,
      cand.kp.x / octaveScale,
      cand.kp.y / octaveScale,
      cand.kp.angle,
      (cand.kp.size * 0.5) / octaveScale,
      descriptors,
      i * DESCR_LENGTH,
    );
  });
  return { keypoints: kept.map((c) => c.kp), descriptors };
}

function dedupe(candidates: Candidate[]): Candidate[] {
  const sorted = [...candidates].sort(
    (a, b) => a.kp.x - b.kp.x || a.kp.y - b.kp.y || a.kp.size - b.kp.size || a.kp.angle - b.kp.angle,
  );
  return sorted.filter((c, i) => {
    if (i === 0) return true;
    const p = sorted[i - 1]!.kp;
    return !(p.x === c.kp.x && p.y === c.kp.y && p.size === c.kp.size && p.angle === c.kp.angle);
  });
}

export const SIFT_DESCRIPTOR_LENGTH = DESCR_LENGTH;
