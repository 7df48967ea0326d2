import { defineBlock, selector, type Batch, type WorkflowImage } from '../../engine/index.ts';
import { cvManifest, floatParam } from './common.ts';
import { staticCrops } from './static_crop.ts';

interface Params {
  images: Batch<WorkflowImage>;
  x_center: number;
  y_center: number;
  width: number;
  height: number;
}

const fraction = (title: string, description: string) =>
  floatParam(title, description, undefined, ['float_zero_to_one'], { minimum: 0, maximum: 1 });

// The identifier's misspelling ("statoic") is Roboflow's; definitions use it, so it is kept.
export const relativeStaticCropV1 = defineBlock<Params>({
  manifest: cvManifest({
    type: 'roboflow_core/relative_statoic_crop@v1',
    aliases: ['RelativeStaticCrop'],
    humanName: 'Relative Static Crop',
    shortDescription: 'Crop an image proportional (%) to its dimensions.',
    blockType: 'transformation',
    icon: 'far fa-crop',
    properties: {
      images: selector(['image'], {
        title: 'Image',
        description: 'The input image for this step.',
        examples: ['$inputs.image', '$steps.cropping.crops'],
      }),
      x_center: fraction('X Center', 'Center X of static crop (relative coordinate 0.0-1.0).'),
      y_center: fraction('Y Center', 'Center Y of static crop (relative coordinate 0.0-1.0).'),
      width: fraction('Width', 'Width of static crop (relative value 0.0-1.0).'),
      height: fraction('Height', 'Height of static crop (relative value 0.0-1.0).'),
    },
    propertyAliases: { image: 'images' },
    required: ['images', 'x_center', 'y_center', 'width', 'height'],
    outputs: [{ name: 'crops', kind: ['image'] }],
    batchParameters: ['images'],
  }),
  run(params) {
    return staticCrops(params.images, (image) => ({
      xCenter: Number(params.x_center) * image.width,
      yCenter: Number(params.y_center) * image.height,
      width: Number(params.width) * image.width,
      height: Number(params.height) * image.height,
    }));
  },
});
