import { DETECTION_KINDS_WITH_RLE, type Detections } from '../../engine/index.ts';
import { requireColor } from '../common/color.ts';
import { colorProperty, defineVisualization, floatProperty, predictionsProperty } from './common.ts';
import { detectionMask } from './masks.ts';

export const modelComparisonVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/model_comparison_visualization@v1',
    humanName: 'Model Comparison Visualization',
    shortDescription: 'Visualize the difference between two models: areas only one model predicted get its colour.',
    icon: 'fas fa-code-compare',
    predictionKinds: null,
    properties: {
      predictions_a: predictionsProperty([...DETECTION_KINDS_WITH_RLE]),
      color_a: colorProperty('Color A', 'Color of areas only Model A predicted.', 'GREEN'),
      predictions_b: predictionsProperty([...DETECTION_KINDS_WITH_RLE]),
      color_b: colorProperty('Color B', 'Color of areas only Model B predicted.', 'RED'),
      background_color: colorProperty('Background Color', 'Color of areas neither model predicted.', 'BLACK'),
      opacity: floatProperty('Opacity', 'Transparency of the overlay.', 0.7, ['float_zero_to_one'], {
        minimum: 0,
        maximum: 1,
      }),
    },
    required: ['predictions_a', 'predictions_b'],
  },
  (canvas, params, context) => {
    const n = canvas.width * canvas.height;
    const coverage = (key: string): Uint8Array => {
      const detections = params[key] as Detections;
      const union = new Uint8Array(n);
      for (let i = 0; i < detections.length; i++) {
        const mask = detectionMask(detections, i, canvas);
        for (let k = 0; k < n; k++) union[k] |= mask[k]!;
      }
      return union;
    };
    const a = coverage('predictions_a');
    const b = coverage('predictions_b');
    const opacity = Number(params.opacity ?? 0.7);
    const onlyA = new Uint8Array(n);
    const onlyB = new Uint8Array(n);
    const neither = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      onlyA[k] = a[k]! & (b[k]! ^ 1);
      onlyB[k] = b[k]! & (a[k]! ^ 1);
      neither[k] = (a[k]! | b[k]!) ^ 1;
    }
    canvas.overlayMask(onlyA, requireColor(params.color_a ?? 'GREEN', context.stepName, 'color_a'), opacity);
    canvas.overlayMask(onlyB, requireColor(params.color_b ?? 'RED', context.stepName, 'color_b'), opacity);
    canvas.overlayMask(
      neither,
      requireColor(params.background_color ?? 'BLACK', context.stepName, 'background_color'),
      opacity,
    );
  },
);
