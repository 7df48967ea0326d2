// Outer boundaries of the outermost foreground regions of a binary image (cv2.findContours with RETR_EXTERNAL
// and CHAIN_APPROX_SIMPLE): 8-connected regions, regions sitting inside another region's hole skipped, boundary
// traced clockwise from each region's first pixel in raster order, straight runs reduced to their end points.

// Clockwise in image coordinates (y down), starting west: W, NW, N, NE, E, SE, S, SW.
const DX = [-1, -1, 0, 1, 1, 1, 0, -1];
const DY = [0, -1, -1, -1, 0, 1, 1, 1];

/** Background pixels 4-connected to the image border (everything else that is background is a hole). */
function outsideBackground(mask: Uint8Array, width: number, height: number): Uint8Array {
  const outside = new Uint8Array(mask.length);
  const queue = new Int32Array(mask.length);
  let tail = 0;
  const seed = (p: number) => {
    if (!mask[p] && !outside[p]) {
      outside[p] = 1;
      queue[tail++] = p;
    }
  };
  for (let x = 0; x < width; x++) {
    seed(x);
    seed((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  for (let head = 0; head < tail; head++) {
    const p = queue[head]!;
    const x = p % width;
    if (x > 0) seed(p - 1);
    if (x < width - 1) seed(p + 1);
    if (p >= width) seed(p - width);
    if (p < mask.length - width) seed(p + width);
  }
  return outside;
}

/** Marks the 8-connected region containing `start` in `seen`. */
function markRegion(mask: Uint8Array, width: number, height: number, start: number, seen: Uint8Array, queue: Int32Array): void {
  let tail = 0;
  queue[tail++] = start;
  seen[start] = 1;
  for (let head = 0; head < tail; head++) {
    const p = queue[head]!;
    const x = p % width;
    const y = (p - x) / width;
    for (let d = 0; d < 8; d++) {
      const nx = x + DX[d]!;
      const ny = y + DY[d]!;
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
      const q = ny * width + nx;
      if (mask[q] && !seen[q]) {
        seen[q] = 1;
        queue[tail++] = q;
      }
    }
  }
}

/** Moore-neighbour trace of the region's outer boundary from its first raster pixel; points as [x, y]. */
function traceBoundary(mask: Uint8Array, width: number, height: number, start: number): Array<[number, number]> {
  const sx = start % width;
  const sy = (start - sx) / width;
  const on = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x] !== 0;
  const points: Array<[number, number]> = [[sx, sy]];
  let x = sx;
  let y = sy;
  let from = 0; // the west neighbour of a region's first raster pixel is background
  let firstMove = -1;
  for (let guard = 4 * mask.length + 8; guard > 0; guard--) {
    let move = -1;
    for (let i = 1; i <= 8; i++) {
      const d = (from + i) % 8;
      if (on(x + DX[d]!, y + DY[d]!)) {
        move = d;
        break;
      }
    }
    if (move < 0) break;
    if (x === sx && y === sy && move === firstMove) break;
    if (firstMove < 0) firstMove = move;
    x += DX[move]!;
    y += DY[move]!;
    from = (move + (move % 2 === 0 ? 6 : 5)) % 8;
    points.push([x, y]);
  }
  if (points.length > 1) points.pop(); // back at the start
  return points;
}

/** Drops points where the boundary keeps going straight. */
function dropStraightRuns(points: Array<[number, number]>): Array<[number, number]> {
  const n = points.length;
  if (n < 3) return points;
  return points.filter((p, i) => {
    const a = points[(i + n - 1) % n]!;
    const b = points[(i + 1) % n]!;
    return !(p[0] - a[0] === b[0] - p[0] && p[1] - a[1] === b[1] - p[1]);
  });
}

/** External contours of a binary mask (non-zero = foreground). */
export function externalContours(mask: Uint8Array, width: number, height: number): Array<Array<[number, number]>> {
  const outside = outsideBackground(mask, width, height);
  const seen = new Uint8Array(mask.length);
  const queue = new Int32Array(mask.length);
  const contours: Array<Array<[number, number]>> = [];
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p] || seen[p]) continue;
    markRegion(mask, width, height, p, seen, queue);
    const nested = p % width > 0 && !outside[p - 1];
    if (!nested) contours.push(dropStraightRuns(traceBoundary(mask, width, height, p)));
  }
  return contours;
}
