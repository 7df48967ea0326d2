// roboflow_core/detections_difference@v1: one-to-one matching of "before" (reference) and "after" (candidate)
// detections by a spatial + class cost, greedy cheapest-first; unmatched references are removed, matched and
// unmatched candidates are persisted / new. Overlapping pairs cost spatial_weight * (1 - IoU); disjoint ones
// spatial_weight * (1 + centre distance / enclosing diagonal), so any overlap beats any disjoint pair.
import { Detections, defineBlock, literalOrSelector, selector } from '../../engine/index.ts';
import { iou } from '../common/detections-utils.ts';

interface Params {
  reference_predictions: Detections;
  candidate_predictions: Detections;
  spatial_weight: number;
  class_mismatch_penalty: number;
  reject_cost: number;
  class_strict: boolean;
  min_removed_to_verify: number;
}

function spatialTerm(a: Detections, i: number, b: Detections, j: number): number {
  const overlap = iou(a.xyxy, i, b.xyxy, j);
  if (overlap > 0) return 1 - overlap;
  const [ax0, ay0, ax1, ay1] = a.box(i);
  const [bx0, by0, bx1, by1] = b.box(j);
  const centres = Math.hypot((ax0 + ax1 - bx0 - bx1) / 2, (ay0 + ay1 - by0 - by1) / 2);
  const diagonal = Math.hypot(Math.max(ax1, bx1) - Math.min(ax0, bx0), Math.max(ay1, by1) - Math.min(ay0, by0));
  return 1 + (diagonal > 0 ? centres / diagonal : 0);
}

/** Class labels to compare: names when both sides have them, else class ids. */
function labels(a: Detections, b: Detections): [unknown[], unknown[]] {
  const an = a.column('class_name');
  const bn = b.column('class_name');
  return an && bn ? [an, bn] : [Array.from(a.classId), Array.from(b.classId)];
}

export function matchDetections(
  reference: Detections,
  candidate: Detections,
  p: Omit<Params, 'reference_predictions' | 'candidate_predictions' | 'min_removed_to_verify'>,
): Array<[number, number]> {
  const [refLabels, candLabels] = labels(reference, candidate);
  const pairs: Array<{ i: number; j: number; cost: number }> = [];
  for (let i = 0; i < reference.length; i++) {
    for (let j = 0; j < candidate.length; j++) {
      const mismatch = refLabels[i] !== candLabels[j];
      if (mismatch && p.class_strict) continue;
      const cost =
        p.spatial_weight * spatialTerm(reference, i, candidate, j) + (mismatch ? p.class_mismatch_penalty : 0);
      if (cost <= p.reject_cost) pairs.push({ i, j, cost });
    }
  }
  // Cheapest first; ties in row-major order, as a flat argmin would pick them.
  pairs.sort((x, y) => x.cost - y.cost || x.i - y.i || x.j - y.j);
  const usedRef = new Uint8Array(reference.length);
  const usedCand = new Uint8Array(candidate.length);
  const matches: Array<[number, number]> = [];
  for (const { i, j } of pairs) {
    if (usedRef[i] || usedCand[j]) continue;
    usedRef[i] = 1;
    usedCand[j] = 1;
    matches.push([i, j]);
  }
  return matches;
}

const numberProperty = (kind: string, description: string, defaultValue: number, extra: Record<string, unknown> = {}) =>
  literalOrSelector({ type: kind === 'integer' ? 'integer' : 'number', ...extra }, [kind], {
    description,
    default: defaultValue,
    examples: [defaultValue],
  });

export const detectionsDifferenceV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/detections_difference@v1',
    aliases: ['DetectionsDifference'],
    humanName: 'Detections Difference',
    version: 'v1',
    blockType: 'fusion',
    shortDescription: 'Match detections across before/after images and report removed, persisted and new objects.',
    longDescription:
      'Assigns reference ("before") detections to candidate ("after") detections one-to-one by a spatial and class cost; reports removed, persisted and new detections, their counts, and verified (non-empty reference with at least min_removed_to_verify removals).',
    ui: { section: 'advanced', icon: 'fal fa-not-equal', blockPriority: 11 },
    properties: {
      reference_predictions: selector(['object_detection_prediction'], {
        description: 'Detections from the reference ("before") image.',
        examples: ['$steps.before_model.predictions'],
      }),
      candidate_predictions: selector(['object_detection_prediction'], {
        description: 'Detections from the candidate ("after") image.',
        examples: ['$steps.after_model.predictions'],
      }),
      spatial_weight: numberProperty('float_zero_to_one', 'Weight of the spatial term in the matching cost.', 0.4, {
        minimum: 0,
        maximum: 1,
      }),
      class_mismatch_penalty: numberProperty(
        'float',
        'Cost added to a pair of different classes (ignored with class_strict).',
        0.15,
        { minimum: 0 },
      ),
      reject_cost: numberProperty('float', 'Pairs costing more than this are not matched.', 0.75, { minimum: 0 }),
      class_strict: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        description: 'Never match detections of different classes.',
        default: false,
        examples: [false],
      }),
      min_removed_to_verify: numberProperty('integer', 'Removed detections needed for `verified` to be true.', 1, {
        minimum: 1,
      }),
    },
    required: ['reference_predictions', 'candidate_predictions'],
    outputs: [
      { name: 'removed_detections', kind: ['object_detection_prediction'] },
      { name: 'persisted_detections', kind: ['object_detection_prediction'] },
      { name: 'new_detections', kind: ['object_detection_prediction'] },
      { name: 'removed_count', kind: ['integer'] },
      { name: 'new_count', kind: ['integer'] },
      { name: 'verified', kind: ['boolean'] },
    ],
  },
  run(p) {
    const reference = p.reference_predictions;
    const candidate = p.candidate_predictions;
    const matches = matchDetections(reference, candidate, {
      spatial_weight: Number(p.spatial_weight ?? 0.4),
      class_mismatch_penalty: Number(p.class_mismatch_penalty ?? 0.15),
      reject_cost: Number(p.reject_cost ?? 0.75),
      class_strict: Boolean(p.class_strict),
    });
    const matchedRef = new Set(matches.map(([i]) => i));
    const matchedCand = new Set(matches.map(([, j]) => j));
    const removed = Array.from({ length: reference.length }, (_, i) => i).filter((i) => !matchedRef.has(i));
    const fresh = Array.from({ length: candidate.length }, (_, j) => j).filter((j) => !matchedCand.has(j));
    return {
      removed_detections: reference.select(removed),
      persisted_detections: candidate.select([...matchedCand].sort((a, b) => a - b)),
      new_detections: candidate.select(fresh),
      removed_count: removed.length,
      new_count: fresh.length,
      verified: reference.length > 0 && removed.length >= Number(p.min_removed_to_verify ?? 1),
    };
  },
});
