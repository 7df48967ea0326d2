import { defineBlock, type WorkflowImage } from '../../engine/index.ts';
import { bilateralFilter, boxKernel, gaussianKernel, medianFilter, separableFilter } from '../common/draw/index.ts';
import { cvManifest, enumParam, inputImage, intParam, IMAGE_OUTPUT } from './common.ts';
import { invalidParam, positiveInt } from '../common/param-errors.ts';

export const imageBlurV1 = defineBlock<{ image: WorkflowImage; blur_type?: string; kernel_size?: number }>({
  manifest: cvManifest({
    type: 'roboflow_core/image_blur@v1',
    humanName: 'Image Blur',
    shortDescription: 'Apply a blur to an image.',
    icon: 'far fa-droplet',
    properties: {
      image: inputImage(),
      blur_type: enumParam(
        'Blur Type',
        'Type of blur to apply to the image.',
        ['average', 'gaussian', 'median', 'bilateral'],
        'gaussian',
      ),
      kernel_size: intParam('Kernel Size', 'Size of the kernel used for blurring; odd for gaussian and median.', 5, {
        exclusiveMinimum: 1,
      }),
    },
    required: ['image'],
    outputs: [IMAGE_OUTPUT],
  }),
  run({ image, blur_type = 'gaussian', kernel_size = 5 }, context) {
    const k = positiveInt(kernel_size, context.stepName, 'kernel_size');
    const { pixels, width, height } = image;
    let out: Uint8Array;
    switch (blur_type) {
      case 'average':
        out = separableFilter(pixels, width, height, 3, boxKernel(k));
        break;
      case 'gaussian':
        if (k % 2 === 0)
          throw invalidParam(context.stepName, 'kernel_size', kernel_size, 'an odd integer for gaussian blur');
        out = separableFilter(pixels, width, height, 3, gaussianKernel(k));
        break;
      case 'median':
        if (k % 2 === 0)
          throw invalidParam(context.stepName, 'kernel_size', kernel_size, 'an odd integer for median blur');
        out = medianFilter(pixels, width, height, 3, k);
        break;
      case 'bilateral':
        out = bilateralFilter(pixels, width, height, 3, k, 75, 75);
        break;
      default:
        throw invalidParam(context.stepName, 'blur_type', blur_type, 'average, gaussian, median or bilateral');
    }
    return { image: image.withPixels(out) };
  },
});
