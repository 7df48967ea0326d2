// roboflow_core/template_matching@v1: every position where the template's normalized correlation coefficient
// (OpenCV TM_CCOEFF_NORMED) reaches `matching_threshold` is a match box; optional class-aware NMS.
import { Detections, defineBlock, WorkflowExecutionEngineError, type WorkflowImage } from '../../engine/index.ts';
import { matchTemplateCcoeffNormed } from '../common/cv/correlation.ts';
import { attachImageMetadata } from '../common/detections-metadata.ts';
import { toGray } from '../common/draw/filters.ts';
import { nonMaxSuppression } from '../common/nms.ts';
import { cvManifest, floatParam, inputImage } from './common.ts';
import { literalOrSelector } from '../../engine/index.ts';

interface Params {
  image: WorkflowImage;
  template: WorkflowImage;
  matching_threshold: number;
  apply_nms: boolean;
  nms_threshold: number;
}

export const templateMatchingV1 = defineBlock<Params>({
  manifest: cvManifest({
    type: 'roboflow_core/template_matching@v1',
    humanName: 'Template Matching',
    shortDescription: 'Find every place where a template image appears in an image.',
    longDescription:
      'Scores every position of the template over the image with the normalized correlation coefficient (grayscale); positions scoring at least `matching_threshold` become detections of class `template_match` with confidence 1.0, optionally reduced by non-max suppression.',
    icon: 'far fa-crosshairs',
    properties: {
      image: inputImage(),
      template: inputImage('The template image to look for.'),
      matching_threshold: floatParam('Matching Threshold', 'Minimum correlation score of a match.', 0.8),
      apply_nms: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        title: 'Apply NMS',
        description: 'Suppress overlapping matches.',
        default: true,
      }),
      nms_threshold: floatParam(
        'NMS Threshold',
        'IoU above which overlapping matches are suppressed.',
        0.5,
        ['float_zero_to_one'],
        { minimum: 0, maximum: 1 },
      ),
    },
    required: ['image', 'template'],
    propertyAliases: { images: 'image', templates: 'template' },
    outputs: [
      { name: 'predictions', kind: ['object_detection_prediction'] },
      { name: 'number_of_matches', kind: ['integer'] },
    ],
  }),
  run({ image, template, matching_threshold = 0.8, apply_nms = true, nms_threshold = 0.5 }, context) {
    if (template.width > image.width || template.height > image.height) {
      throw new WorkflowExecutionEngineError(
        `Step ${context.stepName}: the template (${template.width}x${template.height}) is larger than the image (${image.width}x${image.height}).`,
      );
    }
    const map = matchTemplateCcoeffNormed(
      toGray(image.pixels),
      image.width,
      image.height,
      toGray(template.pixels),
      template.width,
      template.height,
    );
    const threshold = Number(matching_threshold);
    const positions: number[] = [];
    for (let i = 0; i < map.scores.length; i++) if (map.scores[i]! >= threshold) positions.push(i);
    const n = positions.length;
    const xyxy = new Float32Array(n * 4);
    positions.forEach((p, i) => {
      const x = p % map.width;
      const y = (p - x) / map.width;
      xyxy.set([x, y, x + template.width, y + template.height], i * 4);
    });
    let detections = new Detections(xyxy, new Float32Array(n).fill(1), new Int32Array(n), {
      class_name: Array.from({ length: n }, () => 'template_match'),
    });
    if (apply_nms && n > 0) {
      // Equal confidences: like numpy's sort in Roboflow, later raster positions are visited first.
      const order = positions.map((_, i) => n - 1 - i);
      const kept = nonMaxSuppression(detections.xyxy, detections.classId, order, Number(nms_threshold), false);
      detections = detections.select(kept);
    }
    const predictions = attachImageMetadata(detections, image, { predictionType: 'object-detection' });
    return { predictions, number_of_matches: predictions.length };
  },
});
