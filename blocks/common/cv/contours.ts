// Outer boundaries of the outermost foreground regions of a binary image (cv2.findContours with RETR_EXTERNAL
// and CHAIN_APPROX_SIMPLE), built on the engine's region scan and Moore-neighbour boundary trace: regions sitting
// inside another region's hole are skipped.
import { maskRegions, traceOuterBoundary } from '../../../engine/index.ts';

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

/** External contours of an image channel (non-zero = foreground), each as a list of [x, y] points. */
export function externalContours(values: Uint8Array, width: number, height: number): Array<Array<[number, number]>> {
  const mask = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) mask[i] = values[i] ? 1 : 0;
  const outside = outsideBackground(mask, width, height);
  const contours: Array<Array<[number, number]>> = [];
  for (const { start } of maskRegions(mask, width, height)) {
    if (start % width > 0 && !outside[start - 1]) continue; // inside a hole of another region
    const flat = traceOuterBoundary(mask, width, height, start);
    const points: Array<[number, number]> = [];
    for (let i = 0; i < flat.length; i += 2) points.push([flat[i]!, flat[i + 1]!]);
    contours.push(points);
  }
  return contours;
}
