import { defineBlock, literalOrSelector, type WorkflowImage } from '../../engine/index.ts';
import { parseColor } from '../common/color.ts';
import { cvManifest, inputImage, intParam } from './common.ts';
import { invalidParam } from '../common/param-errors.ts';

export const pixelColorCountV1 = defineBlock<{ image: WorkflowImage; target_color: unknown; tolerance?: number }>({
  manifest: cvManifest({
    type: 'roboflow_core/pixel_color_count@v1',
    humanName: 'Pixel Color Count',
    shortDescription: 'Count the number of pixels that match a specific color within a given tolerance.',
    icon: 'far fa-tally',
    properties: {
      image: inputImage(),
      target_color: literalOrSelector(
        [{ type: 'string' }, { type: 'array', items: { type: 'integer' }, minItems: 3, maxItems: 3 }],
        ['string', 'rgb_color'],
        {
          title: 'Target Color',
          description: 'Target color to count in the image: hex string ("#431112"), "(18, 17, 67)" or an RGB tuple.',
          examples: ['#431112', '$inputs.target_color', [18, 17, 67]],
        },
      ),
      tolerance: intParam('Tolerance', 'Tolerance for color matching, per channel.', 10),
    },
    required: ['image', 'target_color'],
    outputs: [{ name: 'matching_pixels_count', kind: ['integer'] }],
  }),
  run({ image, target_color, tolerance = 10 }, context) {
    const color = parseColor(target_color);
    if (!color)
      throw invalidParam(
        context.stepName,
        'target_color',
        target_color,
        'a hex colour "#RRGGBB", "(r, g, b)" or an [r, g, b] list',
      );
    const tol = Number(tolerance);
    const [r, g, b] = color;
    const p = image.pixels;
    let count = 0;
    for (let i = 0; i < p.length; i += 3) {
      if (Math.abs(p[i]! - r) <= tol && Math.abs(p[i + 1]! - g) <= tol && Math.abs(p[i + 2]! - b) <= tol) count++;
    }
    return { matching_pixels_count: count };
  },
});
