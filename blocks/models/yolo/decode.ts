// Decodes Ultralytics-style YOLO heads laid out channel-major as [1, C, N] (C = 4 box + nc class scores +
// extra channels: 32 mask coefficients for segmentation, K*3 keypoint values for pose). Works on the raw
// output typed array; only surviving candidates are copied out.
import { nonMaxSuppression } from '../../common/nms.ts';

export interface YoloDecodeOptions {
  numClasses: number;
  /** One threshold for all classes, or one per class. */
  confidence: number | Float32Array;
  iouThreshold: number;
  classAgnosticNms: boolean;
  maxCandidates: number;
  maxDetections: number;
}

export interface YoloCandidates {
  count: number;
  /** xyxy in model-input pixels. */
  xyxy: Float32Array;
  confidence: Float32Array;
  classId: Int32Array;
  /** Anchor index of each detection in the raw output, to read its extra channels. */
  anchor: Int32Array;
}

export function decodeYolo(
  output: Float32Array,
  channels: number,
  anchors: number,
  options: YoloDecodeOptions,
): YoloCandidates {
  const nc = options.numClasses;
  if (channels < 4 + nc) throw new Error(`YOLO output has ${channels} channels, fewer than 4 + ${nc} classes`);
  const threshold = options.confidence;
  // Best class per anchor, scanning class rows in memory order (the channel-major layout makes a per-anchor
  // scan jump `anchors` floats per class: several times slower). Ties keep the lowest class, as before.
  // One threshold: scores at or under it can never be kept, so most never touch bestScore (same result, ~2x faster).
  const floor = typeof threshold === 'number' ? threshold : -Infinity;
  const bestScore = new Float32Array(anchors).fill(floor);
  const bestClass = new Int32Array(anchors).fill(-1);
  for (let c = 0; c < nc; c++) {
    const row = (4 + c) * anchors;
    for (let n = 0; n < anchors; n++) {
      const s = output[row + n]!;
      if (s > floor && s > bestScore[n]!) {
        bestScore[n] = s;
        bestClass[n] = c;
      }
    }
  }
  const scores: number[] = [];
  const classes: number[] = [];
  const anchorsKept: number[] = [];
  for (let n = 0; n < anchors; n++) {
    if (bestClass[n]! < 0) continue; // no score above the threshold
    const best = bestScore[n]!;
    const min = typeof threshold === 'number' ? threshold : (threshold[bestClass[n]!] ?? 0);
    if (best > min) {
      scores.push(best);
      classes.push(bestClass[n]!);
      anchorsKept.push(n);
    }
  }
  const order = scores
    .map((_, i) => i)
    .sort((a, b) => scores[b]! - scores[a]!)
    .slice(0, options.maxCandidates);
  const total = scores.length;
  const boxes = new Float32Array(total * 4);
  const classIds = Int32Array.from(classes);
  for (const i of order) {
    const n = anchorsKept[i]!;
    const cx = output[n]!,
      cy = output[anchors + n]!,
      w = output[2 * anchors + n]!,
      h = output[3 * anchors + n]!;
    boxes[i * 4] = cx - w / 2;
    boxes[i * 4 + 1] = cy - h / 2;
    boxes[i * 4 + 2] = cx + w / 2;
    boxes[i * 4 + 3] = cy + h / 2;
  }
  const kept = nonMaxSuppression(
    boxes,
    classIds,
    order,
    options.iouThreshold,
    options.classAgnosticNms,
    options.maxDetections,
  );
  const count = kept.length;
  const result: YoloCandidates = {
    count,
    xyxy: new Float32Array(count * 4),
    confidence: new Float32Array(count),
    classId: new Int32Array(count),
    anchor: new Int32Array(count),
  };
  kept.forEach((i, k) => {
    result.xyxy.set(boxes.subarray(i * 4, i * 4 + 4), k * 4);
    result.confidence[k] = scores[i]!;
    result.classId[k] = classes[i]!;
    result.anchor[k] = anchorsKept[i]!;
  });
  return result;
}
