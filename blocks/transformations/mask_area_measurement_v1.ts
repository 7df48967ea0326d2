// roboflow_core/mask_area_measurement@v1: area of each detection in square pixels (mask pixel count, or box area
// without a mask or with an empty one) as `area_px`, and `area_converted` = area_px / pixels_per_unit².
import { Detections, defineBlock, literalOrSelector, selector } from '../../engine/index.ts';

interface Params {
  predictions: Detections;
  pixels_per_unit: number;
}

export function detectionAreas(d: Detections): number[] {
  const areas: number[] = [];
  for (let i = 0; i < d.length; i++) {
    const mask = d.masks?.[i];
    let count = 0;
    if (mask) for (let p = 0; p < mask.length; p++) count += mask[p] ? 1 : 0;
    const [x0, y0, x1, y1] = d.box(i);
    areas.push(count > 0 ? count : (x1 - x0) * (y1 - y0));
  }
  return areas;
}

export const maskAreaMeasurementV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/mask_area_measurement@v1',
    humanName: 'Mask Area Measurement',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'Measure the area of detected objects and optionally convert to real-world units.',
    longDescription:
      'Adds area_px (non-zero mask pixels, holes excluded; box width x height without a mask) and area_converted (area_px / pixels_per_unit²) to each detection.',
    ui: { section: 'classical_cv', icon: 'far fa-ruler-combined', blockPriority: 12, opencv: true },
    properties: {
      predictions: selector(['instance_segmentation_prediction', 'object_detection_prediction'], {
        description: 'Detection predictions to measure areas for.',
        examples: ['$steps.model.predictions'],
      }),
      pixels_per_unit: literalOrSelector({ type: 'number' }, ['float'], {
        description: 'Pixels per real-world unit of length; area_converted = area_px / pixels_per_unit².',
        default: 1.0,
        examples: [1.0, 130.0],
      }),
    },
    required: ['predictions'],
    detectionColumns: ['area_px', 'area_converted'],
    outputs: [{ name: 'predictions', kind: ['object_detection_prediction', 'instance_segmentation_prediction'] }],
  },
  run({ predictions, pixels_per_unit }) {
    const areas = detectionAreas(predictions);
    const ratio = Number(pixels_per_unit ?? 1);
    const scale = ratio > 0 ? ratio * ratio : 1;
    return { predictions: predictions.with({ data: { area_px: areas, area_converted: areas.map((a) => a / scale) } }) };
  },
});
