import { defineBlock, type WorkflowImage } from '../../engine/index.ts';
import { cvManifest, enumParam, inputImage, intParam, IMAGE_OUTPUT } from './common.ts';
import { invalidParam } from '../common/param-errors.ts';
import { flip, resize, rotate, type RawImage } from './geometry.ts';

interface Params {
  image: WorkflowImage;
  task_type: string;
  width?: number | null;
  height?: number | null;
  rotation_degrees?: number;
  flip_type?: string;
}

export const imagePreprocessingV1 = defineBlock<Params>({
  manifest: cvManifest({
    type: 'roboflow_core/image_preprocessing@v1',
    humanName: 'Image Preprocessing',
    shortDescription: 'Resize, flip, or rotate an image.',
    icon: 'far fa-image',
    properties: {
      image: inputImage(),
      task_type: {
        type: 'string',
        enum: ['resize', 'rotate', 'flip'],
        title: 'Task Type',
        description: 'Preprocessing task to be applied to the image.',
      },
      width: intParam(
        'Width',
        'Width of the image to be resized to (aspect ratio kept when height is not given).',
        640,
        { exclusiveMinimum: 0 },
      ),
      height: intParam(
        'Height',
        'Height of the image to be resized to (aspect ratio kept when width is not given).',
        640,
        { exclusiveMinimum: 0 },
      ),
      rotation_degrees: intParam(
        'Degrees of Rotation',
        'Positive value to rotate clockwise, negative value to rotate counterclockwise.',
        90,
        { minimum: -360, maximum: 360 },
      ),
      flip_type: enumParam(
        'Flip Type',
        'Type of flip to be applied to the image.',
        ['vertical', 'horizontal', 'both'],
        'vertical',
      ),
    },
    required: ['image', 'task_type'],
    outputs: [IMAGE_OUTPUT],
  }),
  async run(params, context) {
    const image = params.image;
    const src: RawImage = { pixels: image.pixels, width: image.width, height: image.height };
    let out: RawImage;
    switch (params.task_type) {
      case 'resize': {
        const w = params.width == null ? null : Number(params.width);
        const h = params.height == null ? null : Number(params.height);
        if (w === null && h === null) return { image };
        for (const [field, v] of [
          ['width', w],
          ['height', h],
        ] as const) {
          if (v !== null && !(v > 0)) throw invalidParam(context.stepName, field, v, 'a positive integer');
        }
        const width = w ?? Math.max(1, Math.trunc((image.width * h!) / image.height));
        const height = h ?? Math.max(1, Math.trunc((image.height * w!) / image.width));
        out = await resize(src, Math.round(width), Math.round(height));
        break;
      }
      case 'rotate': {
        const degrees = Number(params.rotation_degrees ?? 90);
        if (!Number.isFinite(degrees) || degrees < -360 || degrees > 360) {
          throw invalidParam(
            context.stepName,
            'rotation_degrees',
            params.rotation_degrees,
            'an integer between -360 and 360',
          );
        }
        out = await rotate(src, degrees);
        break;
      }
      case 'flip': {
        const type = params.flip_type ?? 'vertical';
        if (!['vertical', 'horizontal', 'both'].includes(type))
          throw invalidParam(context.stepName, 'flip_type', type, 'vertical, horizontal or both');
        out = flip(src, type !== 'vertical', type !== 'horizontal');
        break;
      }
      default:
        throw invalidParam(context.stepName, 'task_type', params.task_type, 'resize, rotate or flip');
    }
    return { image: image.withPixels(out.pixels, out.width, out.height) };
  },
});
