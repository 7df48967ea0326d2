import { requireColor } from '../common/color.ts';
import { colorProperty, defineVisualization, floatProperty } from './common.ts';
import { detectionMask } from './masks.ts';

export const backgroundColorVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/background_color_visualization@v1',
    aliases: ['BackgroundColorVisualization'],
    humanName: 'Background Color Visualization',
    shortDescription: 'Paint a mask over all areas outside of detected regions in an image.',
    icon: 'fas fa-fill-drip',
    properties: {
      color: colorProperty('Background Color', 'Color of the background.', 'BLACK'),
      opacity: floatProperty('Opacity', 'Transparency of the color overlay.', 0.5, ['float_zero_to_one'], {
        minimum: 0,
        maximum: 1,
      }),
    },
  },
  (canvas, params, context) => {
    const detections = params.predictions!;
    const color = requireColor(params.color ?? 'BLACK', context.stepName, 'color');
    const keep = new Uint8Array(canvas.width * canvas.height);
    for (let i = 0; i < detections.length; i++) {
      const mask = detectionMask(detections, i, canvas);
      for (let k = 0; k < mask.length; k++) keep[k] |= mask[k]!;
    }
    for (let k = 0; k < keep.length; k++) keep[k] = keep[k] ? 0 : 1;
    canvas.overlayMask(keep, color, Number(params.opacity ?? 0.5));
  },
);
