import { defineBlock, type WorkflowImage } from '../../engine/index.ts';
import { grayToRgb, toGray } from '../common/draw/index.ts';
import { cvManifest, enumParam, inputImage, intParam, IMAGE_OUTPUT } from './common.ts';
import { invalidParam, positiveInt } from '../common/param-errors.ts';
import { morphology, MORPHOLOGY_OPERATIONS } from './morphology.ts';

export const morphologicalTransformationV1 = defineBlock<{
  image: WorkflowImage;
  kernel_size?: number;
  operation?: string;
}>({
  manifest: cvManifest({
    type: 'roboflow_core/morphological_transformation@v1',
    humanName: 'Morphological Transformation',
    shortDescription: 'Apply a morphological operation to the grayscale version of an image.',
    icon: 'far fa-shapes',
    properties: {
      image: inputImage(),
      kernel_size: intParam('Kernel Size', 'Size of the square structuring element.', 5),
      operation: enumParam('Operation', 'Morphological operation to apply.', MORPHOLOGY_OPERATIONS, 'Closing'),
    },
    required: ['image'],
    outputs: [IMAGE_OUTPUT],
  }),
  run({ image, kernel_size = 5, operation = 'Closing' }, context) {
    const k = positiveInt(kernel_size, context.stepName, 'kernel_size');
    const out = morphology(toGray(image.pixels), image.width, image.height, 1, k, operation);
    if (!out) throw invalidParam(context.stepName, 'operation', operation, MORPHOLOGY_OPERATIONS.join(', '));
    return { image: image.withPixels(grayToRgb(out)) };
  },
});
