import { defineBlock, type WorkflowImage } from '../../engine/index.ts';
import { externalContours } from '../common/cv/contours.ts';
import { Canvas, grayToRgb, toGray } from '../common/draw/index.ts';
import { cvManifest, inputImage, intParam, IMAGE_OUTPUT } from './common.ts';

const CONTOUR_COLOR = [255, 0, 255] as const;

export const contoursDetectionV1 = defineBlock<{ image: WorkflowImage; line_thickness: number }>({
  manifest: cvManifest({
    type: 'roboflow_core/contours_detection@v1',
    humanName: 'Image Contours',
    shortDescription: 'Find and count the outer contours of the foreground (non-zero) regions of a thresholded image.',
    longDescription:
      'Expects a binarised image (e.g. the output of a threshold step); colour images are reduced to grey first. Outputs the grey image with the contours drawn, each contour as a list of [[x, y]] points (straight runs reduced to their ends), the hierarchy ([next, previous, first child, parent] per contour) and the count.',
    icon: 'far fa-draw-polygon',
    properties: {
      image: inputImage('Thresholded image to find contours in.'),
      line_thickness: intParam('Line Thickness', 'Thickness of the drawn contour lines.', 3, { minimum: 1 }),
    },
    required: ['image'],
    outputs: [
      IMAGE_OUTPUT,
      { name: 'contours', kind: ['contours'] },
      { name: 'hierarchy', kind: ['numpy_array'] },
      { name: 'number_contours', kind: ['integer'] },
    ],
  }),
  run({ image, line_thickness }) {
    const gray = toGray(image.pixels);
    const contours = externalContours(gray, image.width, image.height);
    const canvas = new Canvas(grayToRgb(gray), image.width, image.height);
    for (const contour of contours) {
      if (contour.length === 1)
        canvas.fillCircle(contour[0]![0], contour[0]![1], Math.max(0.5, line_thickness / 2), CONTOUR_COLOR);
      else canvas.polyline(contour, CONTOUR_COLOR, line_thickness, true);
    }
    const n = contours.length;
    return {
      image: canvas.toImage(image),
      contours: contours.map((points) => points.map((p) => [p])),
      hierarchy: n ? [contours.map((_, i) => [i + 1 < n ? i + 1 : -1, i - 1, -1, -1])] : null,
      number_contours: n,
    };
  },
});
