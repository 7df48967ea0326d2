// Drawing on a private copy of an image's RGB pixels. Every primitive clips to the image and blends with an
// opacity; shapes are rasterised by spans so the hot loops stay on the typed array.
import type { WorkflowImage } from '../../../engine/index.ts';
import type { Rgb } from '../color.ts';

export type Point = readonly [number, number];

export class Canvas {
  constructor(
    readonly pixels: Uint8Array,
    readonly width: number,
    readonly height: number,
  ) {}

  /**
   * Always a copy: images are shared between steps (and between outputs of one step), so even with
   * `copy_image: false` a visualization must never draw into its input's buffer.
   */
  static copyOf(image: WorkflowImage): Canvas {
    return new Canvas(new Uint8Array(image.pixels), image.width, image.height);
  }

  /** The drawing as an image with the source's lineage. */
  toImage(source: WorkflowImage): WorkflowImage {
    return source.withPixels(this.pixels, this.width, this.height);
  }

  /** Blends pixels [x0, x1) of row y with colour at opacity (0..1). */
  span(y: number, x0: number, x1: number, color: Rgb, opacity = 1): void {
    if (y < 0 || y >= this.height) return;
    const from = Math.max(0, Math.floor(x0));
    const to = Math.min(this.width, Math.floor(x1));
    if (to <= from) return;
    const p = this.pixels;
    const [r, g, b] = color;
    let i = (y * this.width + from) * 3;
    const end = (y * this.width + to) * 3;
    if (opacity >= 1) {
      for (; i < end; i += 3) {
        p[i] = r;
        p[i + 1] = g;
        p[i + 2] = b;
      }
      return;
    }
    if (opacity <= 0) return;
    const keep = 1 - opacity;
    const rr = r * opacity;
    const gg = g * opacity;
    const bb = b * opacity;
    for (; i < end; i += 3) {
      p[i] = p[i]! * keep + rr + 0.5;
      p[i + 1] = p[i + 1]! * keep + gg + 0.5;
      p[i + 2] = p[i + 2]! * keep + bb + 0.5;
    }
  }

  /** Filled rectangle covering integer pixels x0..x1, y0..y1 inclusive (cv2.rectangle with thickness -1). */
  fillRect(x0: number, y0: number, x1: number, y1: number, color: Rgb, opacity = 1): void {
    const top = Math.max(0, Math.round(Math.min(y0, y1)));
    const bottom = Math.min(this.height - 1, Math.round(Math.max(y0, y1)));
    const left = Math.round(Math.min(x0, x1));
    const right = Math.round(Math.max(x0, x1)) + 1;
    for (let y = top; y <= bottom; y++) this.span(y, left, right, color, opacity);
  }

  /** Rectangle outline of the given thickness, centred on the edges x0..x1, y0..y1 (inclusive). */
  strokeRect(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1, opacity = 1): void {
    const t = Math.max(1, Math.round(thickness));
    const before = Math.floor(t / 2);
    const after = t - 1 - before;
    const l = Math.round(Math.min(x0, x1));
    const r = Math.round(Math.max(x0, x1));
    const tp = Math.round(Math.min(y0, y1));
    const bt = Math.round(Math.max(y0, y1));
    // outer edges: top and bottom bands span the full width, sides fill in between (no double blending)
    this.fillRect(l - before, tp - before, r + after, tp + after, color, opacity);
    this.fillRect(l - before, bt - before, r + after, bt + after, color, opacity);
    if (bt - before - 1 >= tp + after + 1) {
      this.fillRect(l - before, tp + after + 1, l + after, bt - before - 1, color, opacity);
      this.fillRect(r - before, tp + after + 1, r + after, bt - before - 1, color, opacity);
    }
  }

  /** Rounded rectangle, filled or outlined; `radius` in pixels. */
  roundedRect(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    radius: number,
    color: Rgb,
    fill: boolean,
    thickness = 1,
  ): void {
    const rad = Math.max(0, Math.min(radius, (x1 - x0) / 2, (y1 - y0) / 2));
    if (rad < 1) {
      if (fill) this.fillRect(x0, y0, x1, y1, color);
      else this.strokeRect(x0, y0, x1, y1, color, thickness);
      return;
    }
    if (fill) {
      for (let y = Math.max(0, Math.round(y0)); y <= Math.min(this.height - 1, Math.round(y1)); y++) {
        const dy = y < y0 + rad ? y0 + rad - y : y > y1 - rad ? y - (y1 - rad) : 0;
        const inset = dy > 0 ? rad - Math.sqrt(Math.max(0, rad * rad - dy * dy)) : 0;
        this.span(y, Math.round(x0 + inset), Math.round(x1 - inset) + 1, color);
      }
      return;
    }
    this.line([x0 + rad, y0], [x1 - rad, y0], color, thickness);
    this.line([x0 + rad, y1], [x1 - rad, y1], color, thickness);
    this.line([x0, y0 + rad], [x0, y1 - rad], color, thickness);
    this.line([x1, y0 + rad], [x1, y1 - rad], color, thickness);
    this.arc(x0 + rad, y0 + rad, rad, rad, 180, 270, color, thickness);
    this.arc(x1 - rad, y0 + rad, rad, rad, 270, 360, color, thickness);
    this.arc(x1 - rad, y1 - rad, rad, rad, 0, 90, color, thickness);
    this.arc(x0 + rad, y1 - rad, rad, rad, 90, 180, color, thickness);
  }

  /** Straight line; thickness 1 is Bresenham, thicker lines are filled quads with round caps (as cv2 draws). */
  line(a: Point, b: Point, color: Rgb, thickness = 1, opacity = 1): void {
    const t = Math.max(1, Math.round(thickness));
    if (t === 1) {
      let x0 = Math.round(a[0]);
      let y0 = Math.round(a[1]);
      const x1 = Math.round(b[0]);
      const y1 = Math.round(b[1]);
      const dx = Math.abs(x1 - x0);
      const dy = -Math.abs(y1 - y0);
      const sx = x0 < x1 ? 1 : -1;
      const sy = y0 < y1 ? 1 : -1;
      let err = dx + dy;
      for (;;) {
        this.span(y0, x0, x0 + 1, color, opacity);
        if (x0 === x1 && y0 === y1) break;
        const e2 = 2 * err;
        if (e2 >= dy) {
          err += dy;
          x0 += sx;
        }
        if (e2 <= dx) {
          err += dx;
          y0 += sy;
        }
      }
      return;
    }
    const half = t / 2;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len > 0) {
      const nx = (-(b[1] - a[1]) / len) * half;
      const ny = ((b[0] - a[0]) / len) * half;
      this.fillPolygon(
        [
          [a[0] + nx, a[1] + ny],
          [b[0] + nx, b[1] + ny],
          [b[0] - nx, b[1] - ny],
          [a[0] - nx, a[1] - ny],
        ],
        color,
        opacity,
      );
    }
    if (opacity >= 1) {
      this.fillCircle(a[0], a[1], half, color);
      this.fillCircle(b[0], b[1], half, color);
    }
  }

  /** Open or closed polyline. */
  polyline(points: readonly Point[], color: Rgb, thickness = 1, closed = false): void {
    for (let i = 0; i + 1 < points.length; i++) this.line(points[i]!, points[i + 1]!, color, thickness);
    if (closed && points.length > 2) this.line(points[points.length - 1]!, points[0]!, color, thickness);
  }

  /** Filled disc of radius r centred on (cx, cy). */
  fillCircle(cx: number, cy: number, r: number, color: Rgb, opacity = 1): void {
    const top = Math.max(0, Math.ceil(cy - r));
    const bottom = Math.min(this.height - 1, Math.floor(cy + r));
    for (let y = top; y <= bottom; y++) {
      const dy = y - cy;
      const dx = Math.sqrt(Math.max(0, r * r - dy * dy));
      this.span(y, Math.ceil(cx - dx), Math.floor(cx + dx) + 1, color, opacity);
    }
  }

  /** Ring of the given thickness centred on radius r. */
  strokeCircle(cx: number, cy: number, r: number, color: Rgb, thickness = 1): void {
    this.arc(cx, cy, r, r, 0, 360, color, thickness);
  }

  /** Elliptical arc from startDeg to endDeg (degrees, clockwise in image coordinates, 0 = +x). */
  arc(
    cx: number,
    cy: number,
    rx: number,
    ry: number,
    startDeg: number,
    endDeg: number,
    color: Rgb,
    thickness = 1,
  ): void {
    const steps = Math.max(8, Math.ceil((Math.abs(endDeg - startDeg) / 360) * Math.PI * (rx + ry)));
    const points: Point[] = [];
    for (let s = 0; s <= steps; s++) {
      const angle = ((startDeg + ((endDeg - startDeg) * s) / steps) * Math.PI) / 180;
      points.push([cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)]);
    }
    this.polyline(points, color, thickness);
  }

  /** Even-odd scanline fill sampling pixel centres. */
  fillPolygon(points: readonly Point[], color: Rgb, opacity = 1): void {
    if (points.length < 3) return;
    let minY = Infinity;
    let maxY = -Infinity;
    for (const [, y] of points) {
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const top = Math.max(0, Math.floor(minY));
    const bottom = Math.min(this.height - 1, Math.ceil(maxY));
    const crossings: number[] = [];
    for (let y = top; y <= bottom; y++) {
      const sy = y + 0.5;
      crossings.length = 0;
      for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
        const [xi, yi] = points[i]!;
        const [xj, yj] = points[j]!;
        if (yi <= sy !== yj <= sy) crossings.push(xi + ((sy - yi) * (xj - xi)) / (yj - yi));
      }
      crossings.sort((p, q) => p - q);
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        this.span(y, Math.ceil(crossings[k]! - 0.5), Math.ceil(crossings[k + 1]! - 0.5), color, opacity);
      }
    }
  }

  /** Blends colour over the pixels where a 0/1 mask (same size as the canvas) is set. */
  overlayMask(mask: Uint8Array, color: Rgb, opacity: number): void {
    const p = this.pixels;
    const keep = 1 - opacity;
    const [r, g, b] = color;
    const n = Math.min(mask.length, this.width * this.height);
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      const o = i * 3;
      p[o] = p[o]! * keep + r * opacity + 0.5;
      p[o + 1] = p[o + 1]! * keep + g * opacity + 0.5;
      p[o + 2] = p[o + 2]! * keep + b * opacity + 0.5;
    }
  }
}

/** Clamps a box to the image and rounds it to integer pixel bounds [x0, x1) x [y0, y1). */
export function clampBox(box: readonly number[], width: number, height: number): [number, number, number, number] {
  const x0 = Math.max(0, Math.min(width, Math.floor(box[0]!)));
  const y0 = Math.max(0, Math.min(height, Math.floor(box[1]!)));
  const x1 = Math.max(x0, Math.min(width, Math.ceil(box[2]!)));
  const y1 = Math.max(y0, Math.min(height, Math.ceil(box[3]!)));
  return [x0, y0, x1, y1];
}
