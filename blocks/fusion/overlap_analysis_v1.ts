// roboflow_core/overlap_analysis@v1: for every (reference, candidate) pair, intersection / reference area (mask
// pixels when both have masks of one frame, else boxes); pairs reaching min_overlap become records.
import { Detections, defineBlock, literalOrSelector, registerKindSerializer, selector } from '../../engine/index.ts';

// This block's output kind: a list of overlap records, serialized as plain JSON.
registerKindSerializer('detections_overlaps', 'generic', { listValued: true });

interface Params {
  reference_predictions: Detections;
  candidate_predictions: Detections;
  min_overlap: number;
}

function boxOverlapRatio(ref: readonly number[], cand: readonly number[]): number {
  const w = Math.min(ref[2]!, cand[2]!) - Math.max(ref[0]!, cand[0]!);
  const h = Math.min(ref[3]!, cand[3]!) - Math.max(ref[1]!, cand[1]!);
  const area = (ref[2]! - ref[0]!) * (ref[3]! - ref[1]!);
  return w > 0 && h > 0 && area > 0 ? (w * h) / area : 0;
}

function maskOverlapRatio(ref: Uint8Array, cand: Uint8Array): number {
  let inter = 0;
  let area = 0;
  for (let i = 0; i < ref.length; i++) {
    if (!ref[i]) continue;
    area++;
    if (cand[i]) inter++;
  }
  return area ? inter / area : 0;
}

export function overlapRecords(ref: Detections, cand: Detections, minOverlap: number): Array<Record<string, unknown>> {
  const sameFrame =
    ref.masks && cand.masks && ref.maskShape?.[0] === cand.maskShape?.[0] && ref.maskShape?.[1] === cand.maskShape?.[1];
  const records: Array<Record<string, unknown>> = [];
  for (let i = 0; i < ref.length; i++) {
    for (let j = 0; j < cand.length; j++) {
      const boxRatio = boxOverlapRatio(ref.box(i), cand.box(j));
      if (boxRatio <= 0) continue;
      const ratio = sameFrame ? maskOverlapRatio(ref.masks![i]!, cand.masks![j]!) : boxRatio;
      if (ratio < minOverlap) continue;
      const record: Record<string, unknown> = {
        reference_class: ref.get('class_name', i) ?? null,
        reference_confidence: ref.confidence[i],
        candidate_class: cand.get('class_name', j) ?? null,
        candidate_confidence: cand.confidence[j],
        overlap_ratio: ratio,
      };
      if (ref.data.detection_id) record.reference_detection_id = ref.get('detection_id', i);
      if (cand.data.detection_id) record.candidate_detection_id = cand.get('detection_id', j);
      records.push(record);
    }
  }
  return records;
}

const KINDS = ['object_detection_prediction', 'instance_segmentation_prediction'];

export const overlapAnalysisV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/overlap_analysis@v1',
    aliases: ['OverlapAnalysis'],
    humanName: 'Overlap Analysis',
    version: 'v1',
    blockType: 'fusion',
    shortDescription: 'Compute pairwise overlap between two sets of detections.',
    longDescription:
      'Reports intersection over the reference detection\u2019s area for every overlapping reference/candidate pair at or above min_overlap.',
    properties: {
      reference_predictions: selector(KINDS, {
        title: 'Reference Predictions',
        description: 'Detections whose area is the denominator of the ratio.',
        examples: ['$steps.model_a.predictions'],
      }),
      candidate_predictions: selector(KINDS, {
        title: 'Candidate Predictions',
        description: 'Detections checked against each reference.',
        examples: ['$steps.model_b.predictions'],
      }),
      min_overlap: literalOrSelector({ type: 'number', minimum: 0, maximum: 1 }, ['float_zero_to_one'], {
        title: 'Min Overlap',
        description: 'Smallest intersection / reference area reported.',
        default: 0.1,
        examples: [0.1, '$inputs.min_overlap'],
      }),
    },
    required: ['reference_predictions', 'candidate_predictions'],
    outputs: [{ name: 'overlaps', kind: ['detections_overlaps'] }],
  },
  run: ({ reference_predictions, candidate_predictions, min_overlap }) => ({
    overlaps: overlapRecords(reference_predictions, candidate_predictions, Number(min_overlap ?? 0.1)),
  }),
});
