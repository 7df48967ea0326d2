import { blurRegion, clampBox } from '../common/draw/index.ts';
import { defineVisualization, intProperty } from './common.ts';

export const blurVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/blur_visualization@v1',
    aliases: ['BlurVisualization'],
    humanName: 'Blur Visualization',
    shortDescription: 'Blur detected objects in an image.',
    icon: 'fas fa-glasses',
    properties: {
      kernel_size: intProperty('Kernel Size', 'Size of the average pooling kernel used for blurring.', 15),
    },
  },
  (canvas, params) => {
    const detections = params.predictions!;
    const kernel = Number(params.kernel_size ?? 15);
    for (let i = 0; i < detections.length; i++) {
      blurRegion(canvas.pixels, canvas.width, clampBox(detections.box(i), canvas.width, canvas.height), kernel);
    }
  },
);
