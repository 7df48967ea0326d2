// roboflow_core/detections_list_rollup@v1: maps child detections (one Detections per parent box, e.g. a model
// run on dynamic crops and collapsed) back into the parent image and merges same-class children that overlap
// across crops: boxes by union, masks by pixel union, keypoint instances whose keypoints lie close together.
import {
  DETECTION_KINDS,
  Detections,
  WorkflowExecutionEngineError,
  defineBlock,
  literalOrSelector,
  selector,
} from '../../engine/index.ts';
import { newDetectionId, translate } from '../common/detections-utils.ts';
import { groupConnected, maskIoU, maskOverlaps } from './rollup-merge.ts';

type Strategy = 'max' | 'mean' | 'min';

interface Params {
  parent_detection: Detections;
  child_detections: Detections[];
  confidence_strategy: Strategy;
  overlap_threshold: number;
  keypoint_merge_threshold: number;
}

const FRAME_COLUMNS = ['root_parent_dimensions', 'parent_dimensions', 'image_dimensions'];

function combine(values: number[], strategy: Strategy): number {
  if (strategy === 'mean') return values.reduce((s, v) => s + v, 0) / values.length;
  return strategy === 'min' ? Math.min(...values) : Math.max(...values);
}

function boxIoU(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number): number {
  const w = Math.min(a[ai * 4 + 2]!, b[bi * 4 + 2]!) - Math.max(a[ai * 4]!, b[bi * 4]!);
  const h = Math.min(a[ai * 4 + 3]!, b[bi * 4 + 3]!) - Math.max(a[ai * 4 + 1]!, b[bi * 4 + 1]!);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const area = (d: ArrayLike<number>, i: number) => (d[i * 4 + 2]! - d[i * 4]!) * (d[i * 4 + 3]! - d[i * 4 + 1]!);
  return inter / (area(a, ai) + area(b, bi) - inter);
}

function meanKeypointDistance(a: number[][] | undefined, b: number[][] | undefined): number {
  if (!a || !b || a.length !== b.length || a.length === 0) return Infinity;
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += Math.hypot(a[k]![0]! - b[k]![0]!, a[k]![1]! - b[k]![1]!);
  return sum / a.length;
}

const meanOf = (rows: number[][][]): number[][] =>
  rows[0]!.map((_, k) => [0, 1].map((c) => rows.reduce((s, r) => s + r[k]![c]!, 0) / rows.length));

/** The children of every crop in parent-image coordinates, as one Detections (masks pasted into the frame). */
function childrenInParent(parent: Detections, children: Detections[], frame: [number, number]): Detections {
  const [height, width] = frame;
  const moved = children.map((child, i) => {
    const dx = Math.trunc(parent.xyxy[i * 4]!);
    const dy = Math.trunc(parent.xyxy[i * 4 + 1]!);
    return translate(child, dx, dy, { width, height });
  });
  return Detections.merge(moved);
}

/** Rolled-up detections live in the root image: their lineage columns say so. */
function inRootFrame(d: Detections, frame: [number, number]): Detections {
  const n = d.length;
  const rows = <T>(value: () => T) => Array.from({ length: n }, value);
  const data: Record<string, unknown[]> = {};
  const rootIds = d.column<string>('root_parent_id');
  if (rootIds) data.parent_id = [...rootIds];
  for (const c of ['parent_coordinates', 'root_parent_coordinates']) if (d.data[c]) data[c] = rows(() => [0, 0]);
  for (const c of FRAME_COLUMNS) if (d.data[c]) data[c] = rows(() => [...frame]);
  return d.with({ data });
}

function mergeGroup(all: Detections, group: number[], p: Params, kind: 'box' | 'mask' | 'keypoints'): Detections {
  const first = all.select([group[0]!]);
  const confidence = Float32Array.of(
    combine(
      group.map((i) => all.confidence[i]!),
      p.confidence_strategy ?? 'max',
    ),
  );
  if (group.length === 1) return first;
  const data: Record<string, unknown[]> = { detection_id: [newDetectionId()] };
  const xyxy = new Float32Array(4);
  if (kind === 'keypoints') {
    for (let k = 0; k < 4; k++) xyxy[k] = group.reduce((s, i) => s + all.xyxy[i * 4 + k]!, 0) / group.length;
    data.keypoints_xy = [meanOf(group.map((i) => all.get<number[][]>('keypoints_xy', i)!))];
    const confidences = group.map((i) => all.get<number[]>('keypoints_confidence', i));
    if (confidences.every(Boolean))
      data.keypoints_confidence = [
        confidences[0]!.map((_, k) => confidences.reduce((s, c) => s + c![k]!, 0) / group.length),
      ];
  } else {
    xyxy.set([Infinity, Infinity, -Infinity, -Infinity]);
    for (const i of group) {
      xyxy[0] = Math.min(xyxy[0]!, all.xyxy[i * 4]!);
      xyxy[1] = Math.min(xyxy[1]!, all.xyxy[i * 4 + 1]!);
      xyxy[2] = Math.max(xyxy[2]!, all.xyxy[i * 4 + 2]!);
      xyxy[3] = Math.max(xyxy[3]!, all.xyxy[i * 4 + 3]!);
    }
  }
  let masks = first.masks;
  if (kind === 'mask' && all.masks) {
    const union = new Uint8Array(all.masks[group[0]!]!.length);
    for (const i of group) all.masks[i]!.forEach((v, px) => v && (union[px] = 1));
    masks = [union];
  }
  return first.with({ xyxy, confidence, data, masks });
}

export function rollUpDetections(
  parent: Detections,
  children: Detections[],
  p: Params,
): { rolled_up_detections: Detections; crop_zones: number[][][] } {
  if (parent.length !== children.length) {
    throw new WorkflowExecutionEngineError(
      `DetectionsListRollUp: parent_detection has ${parent.length} boxes but child_detections holds ${children.length} lists; they must match one to one`,
    );
  }
  const crop_zones = Array.from({ length: parent.length }, (_, i) => {
    const [x0, y0, x1, y1] = parent.box(i);
    return [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ];
  });
  const frame =
    parent.get<[number, number]>('root_parent_dimensions', 0) ?? parent.get<[number, number]>('image_dimensions', 0);
  if (parent.length > 0 && !frame)
    throw new WorkflowExecutionEngineError(
      'DetectionsListRollUp: parent_detection lacks root_parent_dimensions, so the parent image size is unknown',
    );
  const all = childrenInParent(parent, children, frame ?? [0, 0]);
  if (all.length === 0) return { rolled_up_detections: Detections.empty(), crop_zones };
  const kind =
    all.data.keypoints_xy && all.column('prediction_type')?.[0] === 'keypoint-detection'
      ? 'keypoints'
      : all.masks
        ? 'mask'
        : 'box';
  const threshold = Number(p.overlap_threshold ?? 0);
  const keypointThreshold = Number(p.keypoint_merge_threshold ?? 10);
  const merges = (i: number, j: number): boolean => {
    if (kind === 'keypoints')
      return meanKeypointDistance(all.get('keypoints_xy', i), all.get('keypoints_xy', j)) < keypointThreshold;
    if (kind === 'mask')
      return threshold <= 0
        ? maskOverlaps(all.masks![i]!, all.masks![j]!)
        : maskIoU(all.masks![i]!, all.masks![j]!) >= threshold;
    const overlap = boxIoU(all.xyxy, i, all.xyxy, j);
    return threshold <= 0 ? overlap > 0 : overlap >= threshold;
  };
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < all.length; i++) byClass.set(all.classId[i]!, [...(byClass.get(all.classId[i]!) ?? []), i]);
  const parts: Detections[] = [];
  for (const rows of byClass.values()) {
    // Keypoint instances merge into the first of a run (no chaining), boxes and masks by connected overlap.
    for (const group of groupConnected(rows, merges, kind !== 'keypoints')) parts.push(mergeGroup(all, group, p, kind));
  }
  return { rolled_up_detections: inRootFrame(Detections.merge(parts), frame!), crop_zones };
}

export const detectionsListRollupV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/detections_list_rollup@v1',
    aliases: ['DetectionsListRollUp'],
    humanName: 'Detections List Roll-Up',
    version: 'v1',
    blockType: 'fusion',
    shortDescription: 'Roll up multiple levels of dimensionality back to a single dimension.',
    longDescription:
      'Maps child detections made on crops back into the parent image and merges overlapping children of the same class.',
    ui: { section: 'advanced', icon: 'fal fa-bring-front', blockPriority: 6 },
    properties: {
      parent_detection: selector([...DETECTION_KINDS], {
        title: 'Parent Detection',
        description: 'The detections whose boxes the children were found in (one child list per box).',
        examples: ['$steps.detection_offset.predictions'],
      }),
      child_detections: selector(['list_of_values'], {
        title: 'Child Detections',
        description:
          'One Detections per parent box, e.g. the output of Dimension Collapse over a model run on dynamic crops.',
        examples: ['$steps.dimension_collapse.output'],
      }),
      confidence_strategy: literalOrSelector({ type: 'string', enum: ['max', 'mean', 'min'] }, ['list_of_values'], {
        title: 'Confidence Strategy',
        description: 'How confidences of merged children combine.',
        default: 'max',
        examples: ['min', 'mean', 'max'],
      }),
      overlap_threshold: literalOrSelector({ type: 'number', minimum: 0, maximum: 1 }, ['float_zero_to_one'], {
        title: 'Overlap Threshold',
        description: 'IoU needed to merge children; 0 merges any overlap.',
        default: 0.0,
        examples: [0.0, 0.5],
      }),
      keypoint_merge_threshold: literalOrSelector({ type: 'number', minimum: 0 }, ['float'], {
        title: 'Keypoint Merge Threshold',
        description: 'Mean keypoint distance (pixels) under which keypoint detections merge.',
        default: 10.0,
        examples: [0.0, 20.0],
      }),
    },
    required: ['parent_detection', 'child_detections'],
    outputs: [
      {
        name: 'rolled_up_detections',
        kind: ['instance_segmentation_prediction', 'object_detection_prediction', 'keypoint_detection_prediction'],
      },
      { name: 'crop_zones', kind: ['list_of_values'] },
    ],
  },
  run(params) {
    const children = (params.child_detections ?? []).filter((c): c is Detections => c instanceof Detections);
    return rollUpDetections(params.parent_detection, children, params);
  },
});
