import { defineBlock, type WorkflowImage } from '../../engine/index.ts';
import { grayToRgb, toGray } from '../common/draw/index.ts';
import { cvManifest, inputImage, IMAGE_OUTPUT } from './common.ts';

export const convertGrayscaleV1 = defineBlock<{ image: WorkflowImage }>({
  manifest: cvManifest({
    type: 'roboflow_core/convert_grayscale@v1',
    humanName: 'Image Convert Grayscale',
    shortDescription: 'Convert an RGB image to grayscale.',
    icon: 'far fa-palette',
    properties: { image: inputImage() },
    required: ['image'],
    outputs: [IMAGE_OUTPUT],
  }),
  run({ image }) {
    // Images here are always three-channel, so gray is stored as R = G = B.
    return { image: image.withPixels(grayToRgb(toGray(image.pixels))) };
  },
});
