// roboflow_core/size_measurement@v1: real-world width/height of objects from a reference object of known size.
// Masked detections are measured along their minimum-area rectangle (width = the side nearest horizontal).
import {
  Detections,
  WorkflowExecutionEngineError,
  defineBlock,
  isDetections,
  literalOrSelector,
  selector,
} from '../../engine/index.ts';
import { maskPolygon, polygonArea, rotatedRectOf, type Point } from '../common/mask-geometry.ts';

interface Params {
  object_predictions: Detections;
  reference_predictions: Detections | unknown[];
  reference_dimensions: string | number[];
}

type Size = [number, number] | null;

function detectionSize(d: Detections, i: number): Size {
  if (!d.masks || !d.maskShape) {
    const [x0, y0, x1, y1] = d.box(i);
    return [x1 - x0, y1 - y0];
  }
  return polygonSize(maskPolygon(d.masks[i]!, d.maskShape));
}

function polygonSize(points: readonly Point[]): Size {
  if (points.length < 3 || polygonArea(points) <= 0) return null;
  const rect = rotatedRectOf(points);
  return [rect.width, rect.height];
}

function parseDimensions(value: unknown, step: string): [number, number] {
  const parts =
    typeof value === 'string'
      ? value.split(',').map((p) => Number(p.trim()))
      : Array.isArray(value)
        ? value.map(Number)
        : [];
  if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p))) {
    throw new WorkflowExecutionEngineError(
      `Step ${step}: reference_dimensions must be 'width,height' or [width, height], got ${JSON.stringify(value)}`,
    );
  }
  return [parts[0]!, parts[1]!];
}

export const sizeMeasurementV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/size_measurement@v1',
    humanName: 'Size Measurement',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'Measure the dimensions of objects in relation to a reference object.',
    longDescription:
      "Scales each object's pixel width and height by reference_dimensions / the reference object's pixel size (the most confident reference detection, or a reference polygon).",
    ui: { section: 'classical_cv', icon: 'far fa-ruler', blockPriority: 10, opencv: true },
    properties: {
      object_predictions: selector(['instance_segmentation_prediction', 'object_detection_prediction'], {
        description: 'Model predictions to measure the dimensions of.',
        examples: ['$segmentation.object_predictions'],
      }),
      reference_predictions: literalOrSelector(
        { type: 'array' },
        ['instance_segmentation_prediction', 'object_detection_prediction', 'list_of_values'],
        {
          description: 'Reference object (the most confident detection is used), or a reference polygon.',
          examples: ['$segmentation.reference_predictions'],
        },
      ),
      reference_dimensions: literalOrSelector(
        [{ type: 'string' }, { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 }],
        ['string', 'list_of_values'],
        {
          description: 'Dimensions of the reference object in the desired units, as "width,height" or [width, height].',
          examples: [[4.5, 3.0], '5.0,5.0', '$inputs.reference_dimensions'],
        },
      ),
    },
    required: ['object_predictions', 'reference_predictions', 'reference_dimensions'],
    outputs: [{ name: 'dimensions', kind: ['list_of_values'] }],
  },
  run({ object_predictions, reference_predictions, reference_dimensions }, context) {
    const [realWidth, realHeight] = parseDimensions(reference_dimensions, context.stepName);
    let reference: Size = null;
    if (isDetections(reference_predictions)) {
      if (reference_predictions.length === 0) return { dimensions: null };
      let best = 0;
      for (let i = 1; i < reference_predictions.length; i++)
        if (reference_predictions.confidence[i]! > reference_predictions.confidence[best]!) best = i;
      reference = detectionSize(reference_predictions, best);
    } else if (Array.isArray(reference_predictions)) {
      reference = polygonSize(reference_predictions as Point[]);
    }
    if (!reference || !reference[0] || !reference[1]) return { dimensions: null };
    const scaleW = realWidth / reference[0];
    const scaleH = realHeight / reference[1];
    const dimensions = Array.from({ length: object_predictions.length }, (_, i) => {
      const size = detectionSize(object_predictions, i);
      if (!size || !(size[0] > 0 && size[1] > 0)) return null;
      const width = size[0] * scaleW;
      const height = size[1] * scaleH;
      return { width, height, longer: Math.max(width, height), shorter: Math.min(width, height) };
    });
    return { dimensions };
  },
});
