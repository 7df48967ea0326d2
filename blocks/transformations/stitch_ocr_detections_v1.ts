// roboflow_core/stitch_ocr_detections@v1: turns OCR character/word detections into text.
import { Batch, Detections, defineBlock, literal, literalOrSelector, selector } from '../../engine/index.ts';
import { READING_DIRECTIONS, stitchText, type ReadingDirection } from './stitch_ocr_detections.ts';

export interface StitchOcrParams {
  predictions: Batch<Detections>;
  reading_direction: ReadingDirection;
  tolerance: number;
  delimiter: string;
}

export const STITCH_OCR_PROPERTIES = {
  predictions: selector(['object_detection_prediction'], {
    title: 'OCR Detections',
    description: 'Detections whose class names are characters or words.',
    examples: ['$steps.my_ocr_detection_model.predictions'],
  }),
  reading_direction: literal(
    { type: 'string', enum: READING_DIRECTIONS },
    { title: 'Reading Direction', description: 'Direction the text is read in.', default: 'left_to_right' },
  ),
  tolerance: literalOrSelector({ type: 'integer', exclusiveMinimum: 0 }, ['integer'], {
    title: 'Tolerance',
    description: 'Pixels by which boxes of one line may be misaligned.',
    default: 10,
    examples: [10, '$inputs.tolerance'],
  }),
  delimiter: literalOrSelector({ type: 'string' }, ['string'], {
    title: 'Delimiter',
    description: 'Text placed between the elements of a line.',
    default: '',
    examples: ['', ' '],
  }),
};

export const stitchOcrDetectionsV1 = defineBlock<StitchOcrParams>({
  manifest: {
    type: 'roboflow_core/stitch_ocr_detections@v1',
    humanName: 'Stitch OCR Detections',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'Combine OCR detections into text, line by line.',
    ui: { section: 'advanced', icon: 'fal fa-reel' },
    properties: STITCH_OCR_PROPERTIES,
    required: ['predictions'],
    outputs: [{ name: 'ocr_text', kind: ['string'] }],
    batchParameters: ['predictions'],
    executionEngineCompatibility: '>=1.0.0,<2.0.0',
  },
  run({ predictions, reading_direction, tolerance, delimiter }) {
    return predictions.values.map((d) => ({
      ocr_text: d
        ? stitchText(d, reading_direction ?? 'left_to_right', Number(tolerance ?? 10), delimiter ?? '')
        : null,
    }));
  },
});
