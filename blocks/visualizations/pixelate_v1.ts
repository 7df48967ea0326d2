import { clampBox, pixelateRegion } from '../common/draw/index.ts';
import { defineVisualization, intProperty } from './common.ts';

export const pixelateVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/pixelate_visualization@v1',
    aliases: ['PixelateVisualization'],
    humanName: 'Pixelate Visualization',
    shortDescription: 'Pixelate detected objects in an image.',
    icon: 'fas fa-grip',
    properties: { pixel_size: intProperty('Pixel Size', 'Size of the pixelation blocks.', 20) },
  },
  (canvas, params) => {
    const detections = params.predictions!;
    const size = Number(params.pixel_size ?? 20);
    for (let i = 0; i < detections.length; i++) {
      pixelateRegion(canvas.pixels, canvas.width, clampBox(detections.box(i), canvas.width, canvas.height), size);
    }
  },
);
