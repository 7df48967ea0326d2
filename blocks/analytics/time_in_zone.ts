// roboflow_core/time_in_zone@v1..v3: seconds each tracked object has spent inside a polygon zone (data column
// `time_in_zone`), per video; time comes from frame numbers / fps for video files, else frame timestamps.
import {
  Detections,
  WorkflowImage,
  defineBlock,
  literalOrSelector,
  selector,
  type StepContext,
  type VideoMetadata,
} from '../../engine/index.ts';
import { pointInPolygon } from '../common/uql/index.ts';
import { nowSeconds } from '../common/video.ts';
import { videoOf } from '../common/video.ts';
import { ANCHORS, anchorOf, asPolygon, requireTracked } from '../common/zones.ts';

interface Params {
  image: WorkflowImage;
  metadata?: VideoMetadata;
  detections: Detections;
  zone: number[][] | number[][][];
  triggering_anchor: string;
  remove_out_of_zone_detections: boolean;
  reset_out_of_zone_detections: boolean;
}

/** One polygon, or (v3) several: a point in any of them is in the zone. */
function zonesOf(zone: unknown, step: string, multiple: boolean): number[][][] {
  const nested = multiple && Array.isArray(zone) && Array.isArray(zone[0]) && Array.isArray((zone[0] as unknown[])[0]);
  return nested ? (zone as unknown[]).map((z) => asPolygon(z, step, 'zone')) : [asPolygon(zone, step, 'zone')];
}

export function timeInZone(context: StepContext, p: Params, multipleZones: boolean): { timed_detections: Detections } {
  const zones = zonesOf(p.zone, context.stepName, multipleZones);
  const ids = requireTracked(p.detections, context.stepName);
  const video = videoOf(p.image, p.metadata);
  const key = `${context.stepName}:zone:${video.id}`;
  const entered = (context.state.get(key) as Map<number, number> | undefined) ?? new Map<number, number>();
  context.state.set(key, entered);
  const now = nowSeconds(p.image ?? null);
  const keep: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < p.detections.length; i++) {
    const [x, y] = anchorOf(p.detections, i, p.triggering_anchor ?? 'CENTER');
    const inside = zones.some((z) => pointInPolygon(x, y, z));
    const id = ids[i]!;
    if (inside) {
      if (!entered.has(id)) entered.set(id, now);
      times.push(now - entered.get(id)!);
      keep.push(i);
      continue;
    }
    if (p.reset_out_of_zone_detections ?? true) entered.delete(id);
    if (p.remove_out_of_zone_detections ?? true) continue;
    times.push(0);
    keep.push(i);
  }
  return { timed_detections: p.detections.select(keep).with({ data: { time_in_zone: times } }) };
}

const zoneProperties = {
  detections: selector(['object_detection_prediction', 'instance_segmentation_prediction'], {
    title: 'Detections',
    description: 'Tracked detections (with tracker ids).',
    examples: ['$steps.object_detection_model.predictions'],
  }),
  zone: literalOrSelector({ type: 'array', items: { type: 'array' } }, ['list_of_values'], {
    title: 'Zone',
    description: 'Polygon as [[x, y], ...] points.',
    examples: [
      [
        [100, 100],
        [100, 200],
        [300, 200],
        [300, 100],
      ],
      '$inputs.zone',
    ],
  }),
  triggering_anchor: literalOrSelector({ type: 'string', enum: ANCHORS }, ['string'], {
    title: 'Triggering Anchor',
    description: 'Point of the box that must be in the zone.',
    default: 'CENTER',
  }),
  remove_out_of_zone_detections: literalOrSelector({ type: 'boolean' }, ['boolean'], {
    title: 'Remove Out Of Zone Detections',
    description: 'Drop detections outside the zone.',
    default: true,
  }),
  reset_out_of_zone_detections: literalOrSelector({ type: 'boolean' }, ['boolean'], {
    title: 'Reset Out Of Zone Detections',
    description: 'Restart the timer of objects that leave the zone.',
    default: true,
  }),
};
const image = selector(['image'], { title: 'Image', description: 'Video frame.', examples: ['$inputs.image'] });
const common = {
  humanName: 'Time in Zone',
  blockType: 'analytics' as const,
  cacheable: false, // keeps state between runs (step output cache must not reuse it)
  shortDescription: 'Track object time in zone.',
  ui: { section: 'video', icon: 'far fa-timer' },
  detectionColumns: ['time_in_zone'],
  outputs: [{ name: 'timed_detections', kind: ['object_detection_prediction', 'instance_segmentation_prediction'] }],
};

export const timeInZoneV1 = defineBlock<Params>({
  manifest: {
    ...common,
    type: 'roboflow_core/time_in_zone@v1',
    aliases: ['TimeInZone'],
    version: 'v1',
    properties: {
      image,
      metadata: selector(['video_metadata'], { title: 'Video Metadata', description: 'Metadata of the video.' }),
      ...zoneProperties,
    },
    required: ['image', 'metadata', 'detections', 'zone'],
  },
  run: (p, context) => timeInZone(context, p, false),
});

export const timeInZoneV2 = defineBlock<Params>({
  manifest: {
    ...common,
    type: 'roboflow_core/time_in_zone@v2',
    version: 'v2',
    properties: { image, ...zoneProperties },
    required: ['image', 'detections', 'zone'],
  },
  run: (p, context) => timeInZone(context, p, false),
});

export const timeInZoneV3 = defineBlock<Params>({
  manifest: {
    ...common,
    type: 'roboflow_core/time_in_zone@v3',
    version: 'v3',
    properties: { image, ...zoneProperties },
    required: ['image', 'detections', 'zone'],
  },
  run: (p, context) => timeInZone(context, p, true),
});
