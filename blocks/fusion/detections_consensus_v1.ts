// roboflow_core/detections_consensus@v1: fuses detections from several sources; a box survives when enough
// sources (required_votes) saw an overlapping box, and the survivors decide whether required objects are present.
import {
  DETECTION_KINDS,
  Batch,
  Detections,
  defineBlock,
  isBatch,
  literal,
  literalOrSelector,
  selector,
  selectorList,
} from '../../engine/index.ts';
import { fill, iou, newDetectionId } from '../common/detections-utils.ts';

type Aggregation = 'average' | 'max' | 'min';
type CoordinatesAggregation = 'average' | 'max' | 'min';

interface Params {
  predictions_batches: Array<Batch<Detections>> | Batch<Detections[]>;
  required_votes: number;
  class_aware: boolean;
  iou_threshold: number;
  confidence: number;
  classes_to_consider: string[] | null;
  required_objects: number | Record<string, number> | null;
  presence_confidence_aggregation: Aggregation;
  detections_merge_confidence_aggregation: Aggregation;
  detections_merge_coordinates_aggregation: CoordinatesAggregation;
}

const AGGREGATE: Record<string, (v: number[]) => number> = {
  average: (v) => v.reduce((s, x) => s + x, 0) / v.length,
  max: (v) => Math.max(...v),
  min: (v) => Math.min(...v),
};

interface Vote {
  source: number;
  index: number;
}

function className(d: Detections, i: number): string {
  return String(d.get('class_name', i) ?? d.classId[i]);
}

/** Groups of votes: each detection of each source joins the best-overlapping unused box of every other source. */
function collectVotes(sources: Detections[], iouThreshold: number, classAware: boolean): Vote[][] {
  const used = sources.map((d) => new Uint8Array(d.length));
  const groups: Vote[][] = [];
  sources.forEach((d, s) => {
    for (let i = 0; i < d.length; i++) {
      if (used[s]![i]) continue;
      used[s]![i] = 1;
      const group: Vote[] = [{ source: s, index: i }];
      for (let t = s + 1; t < sources.length; t++) {
        const other = sources[t]!;
        let best = -1;
        let bestIou = iouThreshold;
        for (let j = 0; j < other.length; j++) {
          if (used[t]![j]) continue;
          if (classAware && className(other, j) !== className(d, i)) continue;
          const overlap = iou(d.xyxy, i, other.xyxy, j);
          if (overlap > bestIou) {
            bestIou = overlap;
            best = j;
          }
        }
        if (best >= 0) {
          used[t]![best] = 1;
          group.push({ source: t, index: best });
        }
      }
      groups.push(group);
    }
  });
  return groups;
}

function mergeGroup(
  sources: Detections[],
  group: Vote[],
  confidenceAgg: Aggregation,
  coordinatesAgg: CoordinatesAggregation,
): Detections {
  const boxes = group.map(({ source, index }) => sources[source]!.box(index));
  const xyxy = new Float32Array(4);
  if (coordinatesAgg === 'average') {
    for (let k = 0; k < 4; k++) xyxy[k] = AGGREGATE.average!(boxes.map((b) => b[k]!));
  } else {
    // max / min pick the largest / smallest box.
    const areas = boxes.map(([x0, y0, x1, y1]) => (x1 - x0) * (y1 - y0));
    const pick = areas.indexOf((coordinatesAgg === 'max' ? Math.max : Math.min)(...areas));
    xyxy.set(boxes[pick]!);
  }
  const confidences = group.map(({ source, index }) => sources[source]!.confidence[index]!);
  // Class of the most common name among voters (first on ties).
  const names = group.map(({ source, index }) => className(sources[source]!, index));
  const winner = names.reduce(
    (best, name) => (names.filter((n) => n === name).length > names.filter((n) => n === best).length ? name : best),
    names[0]!,
  );
  const first = group[names.indexOf(winner)]!;
  const base = sources[first.source]!.select([first.index]);
  return base.with({
    xyxy,
    confidence: Float32Array.of(AGGREGATE[confidenceAgg]!(confidences)),
    data: { detection_id: [newDetectionId()] },
    masks: null,
    maskShape: null,
  });
}

function presence(
  consensus: Detections,
  required: Params['required_objects'],
  aggregation: Aggregation,
  classAware: boolean,
): { object_present: boolean | Record<string, boolean>; presence_confidence: number | Record<string, number> } {
  const byClass = new Map<string, number[]>();
  for (let i = 0; i < consensus.length; i++) {
    const name = classAware ? className(consensus, i) : 'any_object';
    byClass.set(name, [...(byClass.get(name) ?? []), consensus.confidence[i]!]);
  }
  const confidences = Object.fromEntries([...byClass].map(([name, values]) => [name, AGGREGATE[aggregation]!(values)]));
  if (required === null || required === undefined || typeof required === 'number') {
    const needed = typeof required === 'number' ? required : 1;
    const present = consensus.length >= needed && consensus.length > 0;
    const all = [...byClass.values()].flat();
    return {
      object_present: present,
      presence_confidence: present ? (classAware ? confidences : AGGREGATE[aggregation]!(all)) : classAware ? {} : 0,
    };
  }
  const present = Object.entries(required).every(([name, count]) => (byClass.get(name)?.length ?? 0) >= count);
  return { object_present: present, presence_confidence: confidences };
}

function sourcesAt(batches: Params['predictions_batches'], position: number): Detections[] {
  if (isBatch(batches))
    return ((batches.values[position] ?? []) as Array<Detections | null>).filter((d): d is Detections => !!d);
  return batches
    .map((b) => (isBatch(b) ? b.values[position] : (b as unknown as Detections)))
    .filter((d): d is Detections => !!d);
}

function batchLength(batches: Params['predictions_batches']): number {
  if (isBatch(batches)) return batches.length;
  return batches.reduce((n, b) => Math.max(n, isBatch(b) ? b.length : 1), 0);
}

export function detectionsConsensus(sources: Detections[], p: Omit<Params, 'predictions_batches'>) {
  const classes = p.classes_to_consider;
  const minConfidence = Number(p.confidence ?? 0);
  const filtered = sources.map((d) =>
    d.filter((i) => d.confidence[i]! >= minConfidence && (!classes || classes.includes(className(d, i)))),
  );
  const groups = collectVotes(filtered, Number(p.iou_threshold ?? 0.3), p.class_aware ?? true);
  const merged = groups
    .filter((g) => g.length >= Number(p.required_votes))
    .map((g) =>
      mergeGroup(
        filtered,
        g,
        p.detections_merge_confidence_aggregation ?? 'average',
        p.detections_merge_coordinates_aggregation ?? 'average',
      ),
    );
  const predictions = merged.length ? Detections.merge(merged) : (filtered[0]?.select([]) ?? Detections.empty());
  return {
    predictions,
    ...presence(
      predictions,
      p.required_objects ?? null,
      p.presence_confidence_aggregation ?? 'max',
      p.class_aware ?? true,
    ),
  };
}

const AGGREGATION_ENUM = { type: 'string', enum: ['average', 'max', 'min'] };

export const detectionsConsensusV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/detections_consensus@v1',
    aliases: ['DetectionsConsensus'],
    humanName: 'Detections Consensus',
    version: 'v1',
    blockType: 'fusion',
    shortDescription: 'Combine predictions from multiple detections models to make a decision about object presence.',
    ui: { section: 'flow_control', icon: 'fal fa-circle-check' },
    properties: {
      predictions_batches: selectorList([...DETECTION_KINDS], {
        title: 'Predictions Batches',
        description: 'Predictions of the models taking part in the vote.',
        examples: [['$steps.a.predictions', '$steps.b.predictions']],
      }),
      required_votes: literalOrSelector({ type: 'integer', minimum: 1 }, ['integer'], {
        title: 'Required Votes',
        description: 'Sources that must agree on a box.',
        examples: [2, '$inputs.required_votes'],
      }),
      class_aware: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        title: 'Class Aware',
        description: 'Only boxes of the same class vote together.',
        default: true,
      }),
      iou_threshold: literalOrSelector({ type: 'number', minimum: 0, maximum: 1 }, ['float_zero_to_one'], {
        title: 'IoU Threshold',
        description: 'Overlap needed to count as the same object.',
        default: 0.3,
      }),
      confidence: literalOrSelector({ type: 'number', minimum: 0, maximum: 1 }, ['float_zero_to_one'], {
        title: 'Confidence',
        description: 'Boxes below this confidence are ignored.',
        default: 0,
      }),
      classes_to_consider: literalOrSelector(
        { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }] },
        ['list_of_values'],
        { title: 'Classes To Consider', description: 'Only these classes vote (all when null).', default: null },
      ),
      required_objects: literalOrSelector(
        [
          { type: 'integer', minimum: 1 },
          { type: 'object', additionalProperties: { type: 'integer' } },
          { type: 'null' },
        ],
        ['integer', 'dictionary'],
        {
          title: 'Required Objects',
          description: 'How many (per class) consensus objects make the objects present.',
          default: null,
        },
      ),
      presence_confidence_aggregation: literal(AGGREGATION_ENUM, {
        title: 'Presence Confidence Aggregation',
        description: 'How presence confidence is aggregated.',
        default: 'max',
      }),
      detections_merge_confidence_aggregation: literal(AGGREGATION_ENUM, {
        title: 'Merge Confidence Aggregation',
        description: 'How voters\u2019 confidences are merged.',
        default: 'average',
      }),
      detections_merge_coordinates_aggregation: literal(AGGREGATION_ENUM, {
        title: 'Merge Coordinates Aggregation',
        description: 'How voters\u2019 boxes are merged.',
        default: 'average',
      }),
    },
    required: ['predictions_batches', 'required_votes'],
    outputs: [
      { name: 'predictions', kind: ['object_detection_prediction', 'instance_segmentation_prediction'] },
      { name: 'object_present', kind: ['boolean', 'dictionary'] },
      { name: 'presence_confidence', kind: ['float_zero_to_one', 'dictionary'] },
    ],
    batchParameters: ['predictions_batches'],
  },
  run(params) {
    const { predictions_batches, ...options } = params;
    const out = [];
    for (let i = 0; i < batchLength(predictions_batches); i++)
      out.push(detectionsConsensus(sourcesAt(predictions_batches, i), options));
    return out;
  },
});
