// roboflow_core/distance_measurement@v1: gap between two objects (by class name) along one axis, in pixels and in
// centimetres through a reference object of known size or a fixed pixel-per-centimetre ratio. Overlapping boxes,
// or boxes that overlap along the measuring axis, are 0 apart.
import {
  Detections,
  WorkflowExecutionEngineError,
  defineBlock,
  literal,
  literalOrSelector,
  selector,
} from '../../engine/index.ts';

type Box = [number, number, number, number];

interface Params {
  predictions: Detections;
  object_1_class_name: string;
  object_2_class_name: string;
  reference_axis: 'horizontal' | 'vertical';
  calibration_method: 'reference object' | 'pixel to centimeter';
  reference_object_class_name: string;
  reference_width: number;
  reference_height: number;
  pixel_ratio: number;
}

const roundedBox = (d: Detections, i: number): Box => d.box(i).map((v) => Math.round(v)) as Box;

function firstOfClass(d: Detections, className: string): Box | null {
  const names = d.column<string>('class_name') ?? [];
  const i = names.indexOf(className);
  return i < 0 ? null : roundedBox(d, i);
}

function firstBoxes(d: Detections, first: string, second: string): [Box | null, Box | null] {
  const names = d.column<string>('class_name') ?? [];
  let a: Box | null = null;
  let b: Box | null = null;
  for (let i = 0; i < d.length && !(a && b); i++) {
    if (names[i] === first) a = roundedBox(d, i);
    else if (names[i] === second) b = roundedBox(d, i);
  }
  return [a, b];
}

const overlaps = (a: Box, b: Box) => !(a[2] < b[0] || b[2] < a[0] || a[3] < b[1] || b[3] < a[1]);

function overlapOnAxis(a: Box, b: Box, axis: string): boolean {
  return axis === 'horizontal' ? a[0] < b[2] && a[2] > b[0] : a[1] < b[3] && a[3] > b[1];
}

function pixelGap(a: Box, b: Box, axis: string): number {
  return axis === 'vertical'
    ? b[1] > a[3]
      ? b[1] - a[3]
      : Math.abs(a[1] - b[3])
    : b[0] > a[2]
      ? b[0] - a[2]
      : Math.abs(a[0] - b[2]);
}

const referenceOnly = (required = true) => ({
  relevant_for: { calibration_method: { values: ['reference object'], required } },
});

export const distanceMeasurementV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/distance_measurement@v1',
    humanName: 'Distance Measurement',
    version: 'v1',
    blockType: 'classical_computer_vision',
    shortDescription:
      'Measure the distance between two bounding boxes on a 2D plane with a camera perpendicular to the plane.',
    longDescription:
      'Measures the gap between the first boxes of two classes along an axis, calibrated by a reference object of known size or a pixel-to-centimetre ratio on the same plane.',
    ui: { section: 'classical_cv', icon: 'far fa-ruler-horizontal', opencv: true },
    properties: {
      predictions: selector(
        ['object_detection_prediction', 'instance_segmentation_prediction'],
        {
          title: 'Object Detections',
          description: 'Detections holding both objects (and the reference object).',
          examples: ['$steps.model.predictions'],
        },
        { selectedElement: 'step_output' },
      ),
      object_1_class_name: literal(
        { type: 'string' },
        { title: 'First Object Class Name', description: 'The class name of the first object.', examples: ['car'] },
      ),
      object_2_class_name: literal(
        { type: 'string' },
        {
          title: 'Second Object Class Name',
          description: 'The class name of the second object.',
          examples: ['person'],
        },
      ),
      reference_axis: literal(
        { enum: ['horizontal', 'vertical'], type: 'string' },
        {
          title: 'Reference Axis',
          description: 'The axis along which the distance will be measured.',
          examples: ['vertical', 'horizontal'],
        },
      ),
      calibration_method: literal(
        { enum: ['reference object', 'pixel to centimeter'], type: 'string' },
        { title: 'Calibration Method', description: 'How to calibrate the measurement.' },
      ),
      reference_object_class_name: {
        ...literalOrSelector({ type: 'string' }, ['string'], {
          title: 'Reference Object Class Name',
          description: 'The class name of the reference object.',
          default: 'reference-object',
          examples: ['reference-object', '$inputs.reference_object_class_name'],
        }),
        ...referenceOnly(),
      },
      reference_width: {
        ...literalOrSelector({ type: 'number', exclusiveMinimum: 0 }, ['float'], {
          title: 'Width',
          description: 'Width of the reference object in centimeters',
          default: 2.5,
          examples: [2.5, '$inputs.reference_width'],
        }),
        ...referenceOnly(),
      },
      reference_height: {
        ...literalOrSelector({ type: 'number', exclusiveMinimum: 0 }, ['float'], {
          title: 'Height',
          description: 'Height of the reference object in centimeters',
          default: 2.5,
          examples: [2.5, '$inputs.reference_height'],
        }),
        ...referenceOnly(),
      },
      pixel_ratio: {
        ...literalOrSelector({ type: 'number', exclusiveMinimum: 0 }, ['float'], {
          title: 'Reference Pixel-to-Centimeter Ratio',
          description: 'Pixels per centimetre in the image (e.g. 100).',
          default: 100,
          examples: [100, '$inputs.pixel_ratio'],
        }),
        relevant_for: { calibration_method: { values: ['pixel to centimeter'], required: true } },
      },
    },
    required: ['predictions', 'object_1_class_name', 'object_2_class_name', 'reference_axis', 'calibration_method'],
    outputs: [
      { name: 'distance_cm', kind: ['integer'] },
      { name: 'distance_pixel', kind: ['integer'] },
    ],
    executionEngineCompatibility: '>=1.0.0,<2.0.0',
  },
  run(p, context) {
    const fail = (message: string) => new WorkflowExecutionEngineError(`Step ${context.stepName}: ${message}`);
    const [a, b] = firstBoxes(p.predictions, p.object_1_class_name, p.object_2_class_name);
    if (!a || !b) throw fail(`class '${p.object_1_class_name}' or '${p.object_2_class_name}' not found in predictions`);
    if (overlaps(a, b) || overlapOnAxis(a, b, p.reference_axis)) return { distance_cm: 0, distance_pixel: 0 };
    const gap = pixelGap(a, b, p.reference_axis);
    let pixelsPerCm: number;
    if (p.calibration_method === 'reference object') {
      const reference = firstOfClass(p.predictions, p.reference_object_class_name ?? 'reference-object');
      if (!reference) throw fail(`reference class '${p.reference_object_class_name}' not found in predictions`);
      const width = Number(p.reference_width ?? 2.5);
      const height = Number(p.reference_height ?? 2.5);
      if (!(width > 0 && height > 0)) throw fail('reference_width and reference_height must be greater than zero');
      pixelsPerCm =
        (Math.abs(reference[2] - reference[0]) / width + Math.abs(reference[3] - reference[1]) / height) / 2;
    } else if (p.calibration_method === 'pixel to centimeter') {
      pixelsPerCm = Number(p.pixel_ratio ?? 100);
      if (!(pixelsPerCm > 0)) throw fail('pixel_ratio must be greater than zero');
    } else {
      throw fail(
        `calibration_method must be 'reference object' or 'pixel to centimeter', got ${JSON.stringify(p.calibration_method)}`,
      );
    }
    return { distance_cm: gap / pixelsPerCm, distance_pixel: gap };
  },
});
