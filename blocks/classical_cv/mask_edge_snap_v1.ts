// roboflow_core/mask_edge_snap@v1: refines segmentation masks by moving each contour point along its normal
// onto the strongest nearby image edge. Edges: Sobel magnitude over a local adaptive threshold, closed and
// thinned once (Zhang-Suen), kept near the mask boundaries, and only as components enclosing enough area.
import { randomUUID } from 'node:crypto';
import { Detections, defineBlock, selector, traceOuterBoundary, type WorkflowImage } from '../../engine/index.ts';
import { externalContours } from '../common/cv/contours.ts';
import { distanceTransform } from '../common/cv/distance.ts';
import { sobel } from '../common/cv/gradients.ts';
import { rankFilter, toGray } from '../common/draw/filters.ts';
import { polygonArea, polygonMask, type Point } from '../common/mask-geometry.ts';
import { cvManifest, floatParam, inputImage, intParam } from './common.ts';

interface Params {
  image: WorkflowImage;
  segmentation: Detections;
  pixel_tolerance: number;
  sigma: number;
  min_contour_area: number;
  dilation_iterations: number;
  boundary_band_width: number;
  adaptive_window_size: number;
}

/** Nearest-neighbour resize of a 0/1 mask to the image size (masks normally already match it). */
function maskAt(mask: Uint8Array, [mh, mw]: readonly [number, number], width: number, height: number): Uint8Array {
  if (mh === height && mw === width) return mask;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(mh - 1, Math.floor((y * mh) / height));
    for (let x = 0; x < width; x++)
      out[y * width + x] = mask[sy * mw + Math.min(mw - 1, Math.floor((x * mw) / width))]!;
  }
  return out;
}

interface Region {
  x0: number;
  y0: number;
  w: number;
  h: number;
  /** The mask cut to the region. */
  mask: Uint8Array;
}

/** The mask's bounding box grown by `margin` (clamped to the image), so per-mask work skips empty space. */
function regionOf(mask: Uint8Array, width: number, height: number, margin: number): Region | null {
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (!mask[row + x]) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (maxX < 0) return null;
  const x0 = Math.max(0, minX - margin);
  const y0 = Math.max(0, minY - margin);
  const w = Math.min(width, maxX + margin + 1) - x0;
  const h = Math.min(height, maxY + margin + 1) - y0;
  const sub = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) sub.set(mask.subarray((y0 + y) * width + x0, (y0 + y) * width + x0 + w), y * w);
  return { x0, y0, w, h, mask: sub };
}

/** Local mean + sigma x local standard deviation threshold of the gradient magnitude (box window). */
function adaptiveEdges(mag: Float32Array, width: number, height: number, window: number, sigma: number): Uint8Array {
  const sw = width + 1;
  const sum = new Float64Array(sw * (height + 1));
  const sq = new Float64Array(sw * (height + 1));
  for (let y = 0; y < height; y++) {
    let rs = 0;
    let rq = 0;
    for (let x = 0; x < width; x++) {
      const v = mag[y * width + x]!;
      rs += v;
      rq += v * v;
      sum[(y + 1) * sw + x + 1] = sum[y * sw + x + 1]! + rs;
      sq[(y + 1) * sw + x + 1] = sq[y * sw + x + 1]! + rq;
    }
  }
  const r = window >> 1;
  const edges = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      const n = (y1 - y0) * (x1 - x0);
      const s = sum[y1 * sw + x1]! - sum[y0 * sw + x1]! - sum[y1 * sw + x0]! + sum[y0 * sw + x0]!;
      const q = sq[y1 * sw + x1]! - sq[y0 * sw + x1]! - sq[y1 * sw + x0]! + sq[y0 * sw + x0]!;
      const mean = s / n;
      const std = Math.sqrt(Math.max(q / n - mean * mean, 0));
      if (mag[y * width + x]! > mean + sigma * std) edges[y * width + x] = 1;
    }
  }
  return edges;
}

/** One Zhang-Suen thinning iteration (both sub-iterations) on a 0/1 image; borders untouched. */
export function zhangSuenOnce(img: Uint8Array, width: number, height: number): void {
  if (width < 3 || height < 3) return;
  for (const pass of [0, 1]) {
    const remove: number[] = [];
    for (let y = 1; y < height - 1; y++) {
      for (let x = 1; x < width - 1; x++) {
        const i = y * width + x;
        if (!img[i]) continue;
        // P2..P9 clockwise from north.
        const p = [
          img[i - width]!,
          img[i - width + 1]!,
          img[i + 1]!,
          img[i + width + 1]!,
          img[i + width]!,
          img[i + width - 1]!,
          img[i - 1]!,
          img[i - width - 1]!,
        ];
        const b = p.reduce((s, v) => s + v, 0);
        if (b < 2 || b > 6) continue;
        let a = 0;
        for (let k = 0; k < 8; k++) if (!p[k] && p[(k + 1) % 8]) a++;
        if (a !== 1) continue;
        const [p2, , p4, , p6, , p8] = p;
        const ok =
          pass === 0 ? !(p2! && p4! && p6!) && !(p4! && p6! && p8!) : !(p2! && p4! && p8!) && !(p2! && p6! && p8!);
        if (ok) remove.push(i);
      }
    }
    for (const i of remove) img[i] = 0;
  }
}

/** Keeps the 8-connected components whose outer contour encloses at least `minArea` (polygon area). */
function keepEnclosing(edges: Uint8Array, width: number, height: number, minArea: number): Uint8Array {
  const out = new Uint8Array(edges.length);
  const seen = new Uint8Array(edges.length);
  const queue = new Int32Array(edges.length);
  for (let start = 0; start < edges.length; start++) {
    if (!edges[start] || seen[start]) continue;
    let tail = 0;
    queue[tail++] = start;
    seen[start] = 1;
    for (let head = 0; head < tail; head++) {
      const p = queue[head]!;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const q = ny * width + nx;
          if (edges[q] && !seen[q]) {
            seen[q] = 1;
            queue[tail++] = q;
          }
        }
      }
    }
    const flat = traceOuterBoundary(edges, width, height, start);
    const polygon: Point[] = [];
    for (let i = 0; i < flat.length; i += 2) polygon.push([flat[i]!, flat[i + 1]!]);
    if (polygonArea(polygon) >= minArea) for (let k = 0; k < tail; k++) out[queue[k]!] = 1;
  }
  return out;
}

/** Every pixel step along a closed polygon (undoes the collinear-point simplification of contour tracing). */
function densify(polygon: readonly Point[]): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const [ax, ay] = polygon[i]!;
    const [bx, by] = polygon[(i + 1) % polygon.length]!;
    const steps = Math.max(Math.abs(bx - ax), Math.abs(by - ay), 1);
    for (let s = 0; s < steps; s++)
      out.push([Math.round(ax + ((bx - ax) * s) / steps), Math.round(ay + ((by - ay) * s) / steps)]);
  }
  return out;
}

function snapMask(
  mask: Uint8Array,
  width: number,
  height: number,
  edges: Uint8Array,
  mag: Float32Array,
  tol: number,
): Uint8Array {
  const region = regionOf(mask, width, height, tol + 2);
  if (!region) return mask;
  const { x0, y0, w, h } = region;
  const contours = externalContours(region.mask, w, h);
  if (contours.length === 0) return mask;
  const depth = distanceTransform(w, h, (i) => !region.mask[i]);
  const dilated = rankFilter(region.mask, w, h, 1, 3, 'max');
  // Region coordinates; edges and magnitudes are read at image coordinates.
  const target = (k: number) => {
    const x = k % w;
    const i = (y0 + (k - x) / w) * width + x0 + x;
    return edges[i] === 1 && (depth[k]! <= tol || !dilated[k]);
  };
  const magAt = (k: number) => mag[(y0 + Math.floor(k / w)) * width + x0 + (k % w)]!;
  const refined = new Uint8Array(w * h);
  for (const contour of contours) {
    const points = densify(contour);
    const n = points.length;
    const moved = points.map(([x, y], i): Point => {
      const [ax, ay] = points[(i + 5) % n]!;
      const [bx, by] = points[(i - 5 + 5 * n) % n]!;
      const tx = ax - bx;
      const ty = ay - by;
      const length = Math.hypot(tx, ty);
      if (length < 1e-6) return [x, y];
      const nx = -ty / length;
      const ny = tx / length;
      let best = -Infinity;
      let to: Point = [x, y];
      for (const sign of [1, -1]) {
        for (let d = 1; d <= tol; d++) {
          const sx = Math.round(x + sign * nx * d);
          const sy = Math.round(y + sign * ny * d);
          if (sx < 0 || sy < 0 || sx >= w || sy >= h) continue;
          const k = sy * w + sx;
          if (!target(k)) continue;
          const score = magAt(k) * (1 - d / (tol + 1));
          if (score > best) [best, to] = [score, [sx, sy]];
        }
      }
      return to;
    });
    const fill = polygonMask(moved, w, h);
    for (let i = 0; i < fill.length; i++) refined[i] = refined[i]! | fill[i]!;
  }
  const out = new Uint8Array(width * height);
  for (let y = 0; y < h; y++) out.set(refined.subarray(y * w, (y + 1) * w), (y0 + y) * width + x0);
  return out;
}

export const maskEdgeSnapV1 = defineBlock<Params>({
  manifest: cvManifest({
    type: 'roboflow_core/mask_edge_snap@v1',
    humanName: 'Mask Edge Snap',
    shortDescription: 'Snap segmentation mask outlines onto nearby image edges.',
    longDescription:
      'Finds edges (Sobel magnitude above a local mean + `sigma` local standard deviations in a `adaptive_window_size` window, closed `dilation_iterations` times and thinned), keeps those within `boundary_band_width` of a mask boundary that enclose at least `min_contour_area`, then moves every outline point of each mask along its normal to the strongest edge within `pixel_tolerance` pixels. Boxes, classes, confidences and tracker ids are kept; `edges` holds the edge map as one detection.',
    icon: 'far fa-vector-square',
    properties: {
      image: inputImage(),
      segmentation: selector(['instance_segmentation_prediction'], {
        title: 'Segmentation',
        description: 'Instance segmentation predictions whose masks are refined.',
        examples: ['$steps.segmentation_model.predictions'],
      }),
      pixel_tolerance: intParam('Pixel Tolerance', 'How far (px) an outline point may move.', 15, {
        minimum: 1,
        maximum: 100,
      }),
      sigma: floatParam('Sigma', 'Edge threshold in local standard deviations above the local mean.', 1.0, ['float'], {
        minimum: 0.01,
        maximum: 10,
      }),
      min_contour_area: floatParam('Min Contour Area', 'Smallest area an edge structure must enclose.', 50, ['float'], {
        minimum: 0,
        maximum: 10000,
      }),
      dilation_iterations: intParam('Dilation Iterations', 'Closing passes joining broken edges (0: none).', 2, {
        minimum: 0,
        maximum: 20,
      }),
      boundary_band_width: intParam(
        'Boundary Band Width',
        'Edges farther than this from a mask boundary are ignored.',
        15,
        {
          minimum: 1,
          maximum: 100,
        },
      ),
      adaptive_window_size: intParam('Adaptive Window Size', 'Window of the local edge threshold.', 41, {
        minimum: 3,
        maximum: 201,
      }),
    },
    required: ['image', 'segmentation'],
    propertyAliases: { images: 'image' },
    outputs: [
      { name: 'refined_segmentation', kind: ['instance_segmentation_prediction'] },
      { name: 'edges', kind: ['instance_segmentation_prediction'] },
    ],
  }),
  run(p) {
    const { image, segmentation } = p;
    const { width, height } = image;
    const tol = Number(p.pixel_tolerance);
    const hasMasks = !!segmentation.masks && !!segmentation.maskShape && segmentation.length > 0;
    const masks = hasMasks ? segmentation.masks!.map((m) => maskAt(m, segmentation.maskShape!, width, height)) : [];

    // Band around every mask boundary (the whole image without masks).
    const r = Math.max(1, Number(p.boundary_band_width));
    let band: Uint8Array | null = null;
    if (hasMasks) {
      band = new Uint8Array(width * height);
      for (const mask of masks) {
        const region = regionOf(mask, width, height, r + 1);
        if (!region) continue;
        const { x0, y0, w, h } = region;
        // dilate(mask) AND NOT erode(mask) with a disc of radius r.
        const toMask = distanceTransform(w, h, (i) => region.mask[i] === 1);
        const toBackground = distanceTransform(w, h, (i) => region.mask[i] !== 1);
        for (let k = 0; k < w * h; k++) {
          if (toMask[k]! <= r && !(toBackground[k]! > r)) band[(y0 + Math.floor(k / w)) * width + x0 + (k % w)] = 1;
        }
      }
    }

    const { gx, gy } = sobel(toGray(image.pixels), width, height);
    const mag = new Float32Array(width * height);
    for (let i = 0; i < mag.length; i++) mag[i] = Math.hypot(gx[i]!, gy[i]!);
    let win = Math.max(3, Number(p.adaptive_window_size));
    if (win % 2 === 0) win++;
    let edges = adaptiveEdges(mag, width, height, win, Number(p.sigma));
    const iterations = Number(p.dilation_iterations);
    if (iterations > 0) {
      for (let k = 0; k < iterations; k++) edges = rankFilter(edges, width, height, 1, 3, 'max');
      for (let k = 0; k < iterations; k++) edges = rankFilter(edges, width, height, 1, 3, 'min');
      zhangSuenOnce(edges, width, height);
    }
    if (band) for (let i = 0; i < edges.length; i++) edges[i] = edges[i]! & band[i]!;
    const surviving = keepEnclosing(edges, width, height, Number(p.min_contour_area));

    let edgeDetections = Detections.empty();
    let x0 = width;
    let y0 = height;
    let x1 = -1;
    let y1 = -1;
    for (let i = 0; i < surviving.length; i++) {
      if (!surviving[i]) continue;
      const x = i % width;
      const y = (i - x) / width;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
    if (x1 >= 0) {
      edgeDetections = new Detections(
        Float32Array.from([x0, y0, x1 + 1, y1 + 1]),
        Float32Array.from([1]),
        Int32Array.from([0]),
        { class_name: ['edges'], detection_id: [randomUUID()] },
        [surviving],
        [height, width],
      );
    }
    if (!hasMasks) return { refined_segmentation: segmentation, edges: edgeDetections };
    const refined = masks.map((mask) => snapMask(mask, width, height, surviving, mag, tol));
    return {
      refined_segmentation: segmentation.with({ masks: refined, maskShape: [height, width] }),
      edges: edgeDetections,
    };
  },
});
