// roboflow_core/detections_nearest_neighbor@v1: for each query detection, the nearest target detection(s) by
// pixel distance between anchor points (ties within 1 px all match; self-matches by detection_id and targets
// beyond max_distance excluded). Outputs the queries with `nearest_target_distance` plus aligned matched pairs.
import {
  DETECTION_KINDS,
  Detections,
  WorkflowExecutionEngineError,
  defineBlock,
  literalOrSelector,
  selector,
} from '../../engine/index.ts';
import { boxAnchor } from '../common/draw/index.ts';

const KINDS = [...DETECTION_KINDS];
const ANCHORS = [
  'CENTER',
  'CENTER_LEFT',
  'CENTER_RIGHT',
  'TOP_CENTER',
  'TOP_LEFT',
  'TOP_RIGHT',
  'BOTTOM_LEFT',
  'BOTTOM_CENTER',
  'BOTTOM_RIGHT',
  'KEYPOINT',
];
const TIE_EPSILON_PX = 1;
const MAX_DETECTIONS_PER_SET = 1000;
const MAX_MATCHED_PAIRS = 10_000;
const MAX_MATCHED_PAIRS_WITH_MASKS = 100;

interface Params {
  query_predictions: Detections;
  target_predictions: Detections;
  query_point: string;
  target_point: string;
  query_keypoint_name: string | null;
  target_keypoint_name: string | null;
  max_distance: number | null;
}

/** Anchor of every detection; null where a requested keypoint is missing. */
function anchors(
  d: Detections,
  point: string,
  keypointName: string | null,
  field: string,
  step: string,
): Array<[number, number] | null> {
  if (point !== 'KEYPOINT')
    return Array.from({ length: d.length }, (_, i) => boxAnchor(d.box(i), point) as [number, number]);
  const xy = d.column<number[][]>('keypoints_xy');
  const names = d.column<string[]>('keypoints_class_name');
  if (!keypointName || (d.length > 0 && (!xy || !names))) {
    throw new WorkflowExecutionEngineError(
      `Step ${step}: ${field}=KEYPOINT needs keypoint detection predictions and a keypoint name`,
    );
  }
  return Array.from({ length: d.length }, (_, i) => {
    const k = names![i]?.indexOf(keypointName) ?? -1;
    const p = k >= 0 ? xy![i]?.[k] : undefined;
    return p ? [p[0]!, p[1]!] : null;
  });
}

const pointProperty = (title: string, description: string) =>
  literalOrSelector({ type: 'string', enum: ANCHORS }, ['string'], {
    title,
    description,
    default: 'CENTER',
    examples: ['CENTER', '$inputs.query_point'],
  });

const keypointProperty = (title: string, anchorField: string) => ({
  ...literalOrSelector([{ type: 'string' }, { type: 'null' }], ['string'], {
    title,
    description: `Keypoint class used as the anchor when ${anchorField} is KEYPOINT.`,
    examples: ['left_shoulder'],
  }),
  default: null,
  relevant_for: { [anchorField]: { values: ['KEYPOINT'], required: true } },
});

export const detectionsNearestNeighborV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/detections_nearest_neighbor@v1',
    humanName: 'Nearest Neighbor Detection Match',
    version: 'v1',
    blockType: 'classical_computer_vision',
    shortDescription: 'Find the closest target detection for each query detection using pixel distance.',
    longDescription:
      'Matches every query detection to its nearest target detection(s) by Euclidean pixel distance between anchor points; ties within 1 px all match, a detection never matches itself (same detection_id), and max_distance drops far targets.',
    ui: { section: 'classical_cv', icon: 'far fa-crosshairs', blockPriority: 12 },
    properties: {
      query_predictions: selector(KINDS, {
        title: 'Query Detections',
        description: 'Detections to find nearest-neighbor matches for.',
        examples: ['$steps.model.predictions'],
      }),
      target_predictions: selector(KINDS, {
        title: 'Target Detections',
        description: "Detections searched for each query's nearest match (may be the same set).",
        examples: ['$steps.model.predictions'],
      }),
      query_point: pointProperty('Query Anchor Point', 'Anchor point of each query detection (or KEYPOINT).'),
      target_point: pointProperty('Target Anchor Point', 'Anchor point of each target detection (or KEYPOINT).'),
      query_keypoint_name: keypointProperty('Query Keypoint Name', 'query_point'),
      target_keypoint_name: keypointProperty('Target Keypoint Name', 'target_point'),
      max_distance: {
        ...literalOrSelector([{ type: 'integer', minimum: 0 }, { type: 'null' }], ['integer'], {
          title: 'Maximum Match Distance',
          description: 'Targets farther than this many pixels are not matched (unset: no limit).',
          examples: [50, '$inputs.max_distance'],
        }),
        default: null,
      },
    },
    required: ['query_predictions', 'target_predictions'],
    detectionColumns: ['nearest_target_distance'],
    outputs: [
      { name: 'query_predictions', kind: KINDS },
      { name: 'matched_query_detections', kind: KINDS },
      { name: 'matched_target_detections', kind: KINDS },
    ],
  },
  run(p, context) {
    const step = context.stepName;
    const { query_predictions: query, target_predictions: target } = p;
    if (query.length > MAX_DETECTIONS_PER_SET || target.length > MAX_DETECTIONS_PER_SET) {
      throw new WorkflowExecutionEngineError(
        `Step ${step}: query_predictions and target_predictions may hold at most ${MAX_DETECTIONS_PER_SET} detections each (got ${query.length} and ${target.length})`,
      );
    }
    const q = anchors(query, p.query_point ?? 'CENTER', p.query_keypoint_name ?? null, 'query_point', step);
    const t = anchors(target, p.target_point ?? 'CENTER', p.target_keypoint_name ?? null, 'target_point', step);
    const queryIds = query.column<string>('detection_id');
    const targetIds = target.column<string>('detection_id');
    const limit = p.max_distance ?? Infinity;
    const pairLimit = query.masks || target.masks ? MAX_MATCHED_PAIRS_WITH_MASKS : MAX_MATCHED_PAIRS;
    const nearest: Array<number | null> = [];
    const matchedQuery: number[] = [];
    const matchedTarget: number[] = [];
    const distances = new Float64Array(target.length);
    for (let i = 0; i < query.length; i++) {
      let best = Infinity;
      for (let j = 0; j < target.length; j++) {
        const a = q[i];
        const b = t[j];
        const excluded = !a || !b || (queryIds?.[i] !== undefined && queryIds[i] === targetIds?.[j]);
        distances[j] = excluded ? Infinity : Math.hypot(a[0] - b[0], a[1] - b[1]);
        if (distances[j]! > limit) distances[j] = Infinity;
        if (distances[j]! < best) best = distances[j]!;
      }
      nearest.push(Number.isFinite(best) ? best : null);
      if (!Number.isFinite(best)) continue;
      for (let j = 0; j < target.length; j++) {
        if (distances[j]! > best + TIE_EPSILON_PX) continue;
        matchedQuery.push(i);
        matchedTarget.push(j);
      }
      if (matchedQuery.length > pairLimit) {
        throw new WorkflowExecutionEngineError(
          `Step ${step}: more than ${pairLimit} matched query-target pairs; reduce ties (co-located anchors) or the number of detections`,
        );
      }
    }
    return {
      query_predictions: query.with({ data: { nearest_target_distance: nearest } }),
      matched_query_detections: query.select(matchedQuery),
      matched_target_detections: target.select(matchedTarget),
    };
  },
});
