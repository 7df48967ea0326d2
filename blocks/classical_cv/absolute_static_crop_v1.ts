import { defineBlock, selector, type Batch, type WorkflowImage } from '../../engine/index.ts';
import { cvManifest, intParam } from './common.ts';
import { staticCrops } from './static_crop.ts';

interface Params {
  images: Batch<WorkflowImage>;
  x_center: number;
  y_center: number;
  width: number;
  height: number;
}

export const absoluteStaticCropV1 = defineBlock<Params>({
  manifest: cvManifest({
    type: 'roboflow_core/absolute_static_crop@v1',
    aliases: ['AbsoluteStaticCrop'],
    humanName: 'Absolute Static Crop',
    shortDescription: 'Crop an image using fixed pixel coordinates.',
    blockType: 'transformation',
    icon: 'far fa-crop',
    properties: {
      images: selector(['image'], {
        title: 'Image',
        description: 'The input image for this step.',
        examples: ['$inputs.image', '$steps.cropping.crops'],
      }),
      x_center: intParam('X Center', 'Center X of static crop (absolute coordinate).', undefined),
      y_center: intParam('Y Center', 'Center Y of static crop (absolute coordinate).', undefined),
      width: intParam('Width', 'Width of static crop (absolute value).', undefined),
      height: intParam('Height', 'Height of static crop (absolute value).', undefined),
    },
    propertyAliases: { image: 'images' },
    required: ['images', 'x_center', 'y_center', 'width', 'height'],
    outputs: [{ name: 'crops', kind: ['image'] }],
    batchParameters: ['images'],
  }),
  run(params) {
    return staticCrops(params.images, () => ({
      xCenter: Number(params.x_center),
      yCenter: Number(params.y_center),
      width: Number(params.width),
      height: Number(params.height),
    }));
  },
});
