// roboflow_core/detection_offset@v1: grows every box by a margin (pixels or percent of the box), clipped to
// the image; the grown box gets a new detection_id and remembers the original as its parent_id.
import {
  DETECTION_KINDS,
  Batch,
  Detections,
  defineBlock,
  literal,
  literalOrSelector,
  selector,
} from '../../engine/index.ts';
import { fill, newDetectionId } from '../common/detections-utils.ts';

const KINDS = [...DETECTION_KINDS];

interface Params {
  predictions: Batch<Detections>;
  offset_width: number;
  offset_height: number;
  units: 'Pixels' | 'Percent (%)' | string;
}

export function offsetDetections(
  d: Detections,
  offsetWidth: number,
  offsetHeight: number,
  percent: boolean,
): Detections {
  if (d.length === 0) return d;
  const dims = d.column<[number, number]>('image_dimensions');
  const xyxy = new Float32Array(d.xyxy.length);
  for (let i = 0; i < d.length; i++) {
    const [x0, y0, x1, y1] = d.box(i);
    const halfW = percent ? Math.floor(((x1 - x0) * offsetWidth) / 200) : Math.floor(offsetWidth / 2);
    const halfH = percent ? Math.floor(((y1 - y0) * offsetHeight) / 200) : Math.floor(offsetHeight / 2);
    const [h, w] = dims?.[i] ?? [Infinity, Infinity];
    xyxy[i * 4] = Math.max(0, x0 - halfW);
    xyxy[i * 4 + 1] = Math.max(0, y0 - halfH);
    xyxy[i * 4 + 2] = Math.min(w, x1 + halfW);
    xyxy[i * 4 + 3] = Math.min(h, y1 + halfH);
  }
  const ids = d.column<string>('detection_id') ?? fill(d.length, null);
  return d.with({ xyxy, data: { parent_id: [...ids], detection_id: ids.map(() => newDetectionId()) } });
}

export const detectionOffsetV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/detection_offset@v1',
    aliases: ['DetectionOffset'],
    humanName: 'Detection Offset',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'Apply a padding around the width and height of detections.',
    ui: { section: 'transformation', icon: 'fal fa-distribute-spacing-horizontal' },
    properties: {
      predictions: selector(KINDS, {
        title: 'Regions of Interest',
        description: 'Model predictions to offset dimensions for.',
        examples: ['$steps.object_detection_model.predictions'],
      }),
      offset_width: literalOrSelector({ type: 'integer', minimum: 0 }, ['integer'], {
        title: 'Width Offset',
        description: 'Offset for box width.',
        examples: [10, '$inputs.offset_x'],
      }),
      offset_height: literalOrSelector({ type: 'integer', minimum: 0 }, ['integer'], {
        title: 'Height Offset',
        description: 'Offset for box height.',
        examples: [10, '$inputs.offset_y'],
      }),
      units: literal(
        { type: 'string', enum: ['Percent (%)', 'Pixels'] },
        { title: 'Units', description: 'Units for offset dimensions.', default: 'Pixels' },
      ),
    },
    required: ['predictions', 'offset_width', 'offset_height'],
    outputs: [{ name: 'predictions', kind: KINDS }],
    batchParameters: ['predictions'],
  },
  run({ predictions, offset_width, offset_height, units }) {
    const percent = units === 'Percent (%)';
    return predictions.values.map((d) => ({
      predictions: d ? offsetDetections(d, Number(offset_width), Number(offset_height), percent) : null,
    }));
  },
});
