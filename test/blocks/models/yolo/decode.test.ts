// YOLO head decoding on a hand-made [1, 4 + classes, anchors] output: best class per anchor, thresholds (one for
// all classes or one per class), ties to the lowest class, boxes from centre and size, and NMS per class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeYolo } from '../../../../blocks/models/yolo/decode.ts';

/** Channel-major output for anchors given as [cx, cy, w, h, ...class scores]. */
function head(anchors: number[][]): Float32Array {
  const channels = anchors[0]!.length;
  const out = new Float32Array(channels * anchors.length);
  anchors.forEach((values, n) => values.forEach((v, c) => (out[c * anchors.length + n] = v)));
  return out;
}

const options = { iouThreshold: 0.5, classAgnosticNms: false, maxCandidates: 100, maxDetections: 100 };

test('one threshold: best class per anchor, scores at the threshold dropped, ties to the lowest class', () => {
  const output = head([
    [10, 10, 4, 4, 0.1, 0.9, 0.2],
    [50, 50, 10, 20, 0.5, 0.5, 0.1], // exactly at the threshold: dropped
    [80, 20, 6, 6, 0.7, 0.7, 0.3], // a tie: class 0
    [30, 70, 2, 2, 0.2, 0.1, 0.3], // under the threshold
  ]);
  const result = decodeYolo(output, 7, 4, { ...options, numClasses: 3, confidence: 0.5 });
  assert.equal(result.count, 2);
  assert.deepEqual(Array.from(result.anchor), [0, 2]);
  assert.deepEqual(Array.from(result.classId), [1, 0]);
  assert.deepEqual(Array.from(result.confidence), [Math.fround(0.9), Math.fround(0.7)]);
  assert.deepEqual(Array.from(result.xyxy.subarray(0, 4)), [8, 8, 12, 12]);
  // A threshold no float32 score equals: anchors with every score under it still never appear.
  const lower = decodeYolo(output, 7, 4, { ...options, numClasses: 3, confidence: 0.4 });
  assert.deepEqual(Array.from(lower.anchor), [0, 2, 1]);
});

test('per-class thresholds apply to the best class of each anchor', () => {
  const output = head([
    [10, 10, 4, 4, 0.6, 0.3],
    [50, 50, 4, 4, 0.2, 0.6],
  ]);
  const result = decodeYolo(output, 6, 2, { ...options, numClasses: 2, confidence: new Float32Array([0.7, 0.5]) });
  assert.deepEqual(Array.from(result.anchor), [1]);
  assert.deepEqual(Array.from(result.classId), [1]);
});

test('overlapping boxes of one class are suppressed, of two classes kept unless class-agnostic', () => {
  const output = head([
    [10, 10, 10, 10, 0.9, 0],
    [11, 10, 10, 10, 0.8, 0],
    [10, 11, 10, 10, 0, 0.7],
  ]);
  const perClass = decodeYolo(output, 6, 3, { ...options, numClasses: 2, confidence: 0.25 });
  assert.deepEqual(Array.from(perClass.anchor), [0, 2]);
  const agnostic = decodeYolo(output, 6, 3, { ...options, numClasses: 2, confidence: 0.25, classAgnosticNms: true });
  assert.deepEqual(Array.from(agnostic.anchor), [0]);
});
