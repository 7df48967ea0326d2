// roboflow_core/stitch_ocr_detections@v2: as v1, with the line tolerance either fixed (`tolerance`) or derived
// from the boxes (`otsu`: a multiple of the median box height; `collimate`: collimate_tolerance pixels).
import { defineBlock, literal, literalOrSelector } from '../../engine/index.ts';
import { medianLineHeight, stitchText } from './stitch_ocr_detections.ts';
import { STITCH_OCR_PROPERTIES, type StitchOcrParams } from './stitch_ocr_detections_v1.ts';

interface Params extends StitchOcrParams {
  stitching_algorithm: 'tolerance' | 'otsu' | 'collimate';
  otsu_threshold_multiplier: number;
  collimate_tolerance: number;
}

export const stitchOcrDetectionsV2 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/stitch_ocr_detections@v2',
    humanName: 'Stitch OCR Detections',
    version: 'v2',
    blockType: 'transformation',
    shortDescription: 'Combine OCR detections into text, line by line, with adaptive line grouping.',
    ui: { section: 'advanced', icon: 'fal fa-reel' },
    properties: {
      ...STITCH_OCR_PROPERTIES,
      stitching_algorithm: literal(
        { type: 'string', enum: ['tolerance', 'otsu', 'collimate'] },
        { title: 'Stitching Algorithm', description: 'How boxes are grouped into lines.', default: 'tolerance' },
      ),
      otsu_threshold_multiplier: literalOrSelector({ type: 'number', exclusiveMinimum: 0 }, ['float'], {
        title: 'Otsu Threshold Multiplier',
        description: 'Multiple of the median box height used as line tolerance.',
        default: 1.0,
      }),
      collimate_tolerance: literalOrSelector({ type: 'integer', exclusiveMinimum: 0 }, ['integer'], {
        title: 'Collimate Tolerance',
        description: 'Pixels of misalignment tolerated by collimation.',
        default: 10,
      }),
    },
    required: ['predictions'],
    outputs: [{ name: 'ocr_text', kind: ['string'] }],
    batchParameters: ['predictions'],
    executionEngineCompatibility: '>=1.0.0,<2.0.0',
  },
  run({
    predictions,
    reading_direction,
    tolerance,
    delimiter,
    stitching_algorithm,
    otsu_threshold_multiplier,
    collimate_tolerance,
  }) {
    const direction = reading_direction ?? 'left_to_right';
    return predictions.values.map((d) => {
      if (!d) return { ocr_text: null };
      let lineTolerance = Number(tolerance ?? 10);
      if (stitching_algorithm === 'otsu')
        lineTolerance = (medianLineHeight(d, direction) / 2) * Number(otsu_threshold_multiplier ?? 1);
      else if (stitching_algorithm === 'collimate') lineTolerance = Number(collimate_tolerance ?? 10);
      return { ocr_text: stitchText(d, direction, lineTolerance, delimiter ?? '') };
    });
  },
});
