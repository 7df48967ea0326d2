// What the SIFT blocks share: features of a WorkflowImage, the keypoint dicts Roboflow outputs
// (`cv2.KeyPoint` fields), descriptor rows, and drawings of keypoints and matches.
import type { WorkflowImage } from '../../engine/index.ts';
import { Canvas } from '../common/draw/index.ts';
import type { Rgb } from '../common/color.ts';
import { grayFloat } from '../common/cv/float-image.ts';
import { type DescriptorSet, type Match } from '../common/cv/matching.ts';
import { detectAndCompute, SIFT_DESCRIPTOR_LENGTH, type SiftFeatures, type SiftKeypoint } from '../common/cv/sift.ts';

export interface KeypointDict {
  pt: [number, number];
  size: number;
  angle: number;
  response: number;
  octave: number;
  class_id: number;
}

export function imageFeatures(image: WorkflowImage): SiftFeatures {
  return detectAndCompute(grayFloat(image.pixels, image.width, image.height));
}

export function keypointDicts(keypoints: readonly SiftKeypoint[]): KeypointDict[] {
  return keypoints.map((k) => ({
    pt: [k.x, k.y],
    size: k.size,
    angle: k.angle,
    response: k.response,
    octave: k.octave,
    class_id: -1,
  }));
}

export function featureSet(features: SiftFeatures): DescriptorSet {
  return { data: features.descriptors, count: features.keypoints.length, length: SIFT_DESCRIPTOR_LENGTH };
}

/** Descriptor rows as numpy_array values (null, as cv2 gives None, when there are no keypoints). */
export function descriptorRows(features: SiftFeatures): number[][] | null {
  const n = features.keypoints.length;
  if (!n) return null;
  const rows: number[][] = [];
  for (let i = 0; i < n; i++)
    rows.push(Array.from(features.descriptors.subarray(i * SIFT_DESCRIPTOR_LENGTH, (i + 1) * SIFT_DESCRIPTOR_LENGTH)));
  return rows;
}

/** A stable colour per keypoint (cv2 picks random ones). */
function keypointColor(i: number): Rgb {
  const h = Math.imul(i + 1, 2654435761) >>> 0;
  return [64 + (h & 127), 64 + ((h >>> 8) & 191), 64 + ((h >>> 16) & 127)];
}

function drawKeypointMarks(canvas: Canvas, keypoints: readonly SiftKeypoint[], dx = 0): void {
  keypoints.forEach((k, i) => canvas.strokeCircle(k.x + dx, k.y, 3, keypointColor(i), 1));
}

/** The image with a small circle at every keypoint (as cv2.drawKeypoints with default flags). */
export function drawKeypoints(image: WorkflowImage, keypoints: readonly SiftKeypoint[]): WorkflowImage {
  const canvas = Canvas.copyOf(image);
  drawKeypointMarks(canvas, keypoints);
  return canvas.toImage(image);
}

/** Both images side by side (top-aligned), keypoints circled and each match joined by a line (cv2.drawMatches). */
export function drawMatches(
  a: WorkflowImage,
  ka: readonly SiftKeypoint[],
  b: WorkflowImage,
  kb: readonly SiftKeypoint[],
  matches: readonly Match[],
): WorkflowImage {
  const width = a.width + b.width;
  const height = Math.max(a.height, b.height);
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < a.height; y++)
    pixels.set(a.pixels.subarray(y * a.width * 3, (y + 1) * a.width * 3), y * width * 3);
  for (let y = 0; y < b.height; y++)
    pixels.set(b.pixels.subarray(y * b.width * 3, (y + 1) * b.width * 3), (y * width + a.width) * 3);
  const canvas = new Canvas(pixels, width, height);
  drawKeypointMarks(canvas, ka);
  drawKeypointMarks(canvas, kb, a.width);
  matches.forEach((m, i) => {
    const p = ka[m.queryIdx]!;
    const q = kb[m.trainIdx]!;
    canvas.line([p.x, p.y], [q.x + a.width, q.y], keypointColor(i), 1);
  });
  return canvas.toImage(a);
}
