// roboflow_core/line_counter@v1/@v2: counts tracked objects whose anchor crosses a line segment, per video;
// a crossing is a change of side while the anchor is within the segment's span.
import {
  Detections,
  WorkflowExecutionEngineError,
  WorkflowImage,
  defineBlock,
  literalOrSelector,
  selector,
  type StepContext,
  type VideoMetadata,
} from '../../engine/index.ts';
import { videoOf } from '../common/video.ts';
import { ANCHORS, anchorOf, requireTracked } from '../common/zones.ts';

interface Params {
  image?: WorkflowImage;
  metadata?: VideoMetadata;
  detections: Detections;
  line_segment: number[][];
  triggering_anchor: string;
}

interface LineState {
  side: Map<number, boolean>;
  countIn: number;
  countOut: number;
}

/** Which side of the line a point is on (true = the "in" side), or null outside the segment's span. */
function sideOf([sx, sy]: number[], [ex, ey]: number[], [px, py]: [number, number]): boolean | null {
  const dx = ex! - sx!;
  const dy = ey! - sy!;
  const along = ((px - sx!) * dx + (py - sy!) * dy) / (dx * dx + dy * dy);
  if (along < 0 || along > 1) return null;
  const cross = dx * (py - sy!) - dy * (px - sx!);
  if (cross === 0) return null;
  return cross < 0;
}

export function countLineCrossings(context: StepContext, videoId: string, p: Params) {
  const line = p.line_segment;
  if (!Array.isArray(line) || line.length !== 2 || !line.every((pt) => Array.isArray(pt) && pt.length === 2)) {
    throw new WorkflowExecutionEngineError(
      `Step ${context.stepName}: line_segment must be two [x, y] points, got ${JSON.stringify(line)}`,
    );
  }
  const ids = requireTracked(p.detections, context.stepName);
  const key = `${context.stepName}:line:${videoId}`;
  const state = (context.state.get(key) as LineState | undefined) ?? { side: new Map(), countIn: 0, countOut: 0 };
  context.state.set(key, state);
  const crossedIn: number[] = [];
  const crossedOut: number[] = [];
  for (let i = 0; i < p.detections.length; i++) {
    const side = sideOf(line[0]!, line[1]!, anchorOf(p.detections, i, p.triggering_anchor ?? 'CENTER'));
    if (side === null) continue;
    const before = state.side.get(ids[i]!);
    state.side.set(ids[i]!, side);
    if (before === undefined || before === side) continue;
    if (side) {
      state.countIn += 1;
      crossedIn.push(i);
    } else {
      state.countOut += 1;
      crossedOut.push(i);
    }
  }
  return {
    count_in: state.countIn,
    count_out: state.countOut,
    detections_in: p.detections.select(crossedIn),
    detections_out: p.detections.select(crossedOut),
  };
}

const lineProperties = {
  detections: selector(['object_detection_prediction', 'instance_segmentation_prediction'], {
    title: 'Detections',
    description: 'Tracked detections (with tracker ids).',
    examples: ['$steps.byte_tracker.tracked_detections'],
  }),
  line_segment: literalOrSelector(
    { type: 'array', items: { type: 'array', items: { type: 'number' } } },
    ['list_of_values'],
    {
      title: 'Line Segment',
      description: 'Line as two [x, y] points.',
      examples: [
        [
          [0, 50],
          [500, 50],
        ],
        '$inputs.zones',
      ],
    },
  ),
  triggering_anchor: literalOrSelector({ type: 'string', enum: ANCHORS }, ['string'], {
    title: 'Triggering Anchor',
    description: 'Point of the box that has to cross the line.',
    default: 'CENTER',
  }),
};

const common = {
  humanName: 'Line Counter',
  blockType: 'analytics' as const,
  cacheable: false, // keeps state between runs (step output cache must not reuse it)
  shortDescription: 'Count detections passing a line.',
  ui: { section: 'video', icon: 'far fa-arrow-down-up-across-line' },
};

export const lineCounterV1 = defineBlock<Params>({
  manifest: {
    ...common,
    type: 'roboflow_core/line_counter@v1',
    aliases: ['LineCounter'],
    version: 'v1',
    properties: {
      metadata: selector(['video_metadata'], {
        title: 'Video Metadata',
        description: 'Metadata of the video.',
        examples: ['$inputs.video_metadata'],
      }),
      ...lineProperties,
    },
    required: ['metadata', 'detections', 'line_segment'],
    outputs: [
      { name: 'count_in', kind: ['integer'] },
      { name: 'count_out', kind: ['integer'] },
    ],
  },
  run(p, context) {
    const { count_in, count_out } = countLineCrossings(context, videoOf(null, p.metadata).id, p);
    return { count_in, count_out };
  },
});

export const lineCounterV2 = defineBlock<Params>({
  manifest: {
    ...common,
    type: 'roboflow_core/line_counter@v2',
    version: 'v2',
    properties: {
      image: selector(['image'], { title: 'Image', description: 'Video frame.', examples: ['$inputs.image'] }),
      ...lineProperties,
    },
    required: ['image', 'detections', 'line_segment'],
    outputs: [
      { name: 'count_in', kind: ['integer'] },
      { name: 'count_out', kind: ['integer'] },
      { name: 'detections_in', kind: ['object_detection_prediction', 'instance_segmentation_prediction'] },
      { name: 'detections_out', kind: ['object_detection_prediction', 'instance_segmentation_prediction'] },
    ],
  },
  run(p, context) {
    return countLineCrossings(context, videoOf(p.image).id, p);
  },
});
