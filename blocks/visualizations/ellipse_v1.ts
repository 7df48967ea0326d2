import { defineVisualization, detectionColors, intProperty } from './common.ts';

export const ellipseVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/ellipse_visualization@v1',
    aliases: ['EllipseVisualization'],
    humanName: 'Ellipse Visualization',
    shortDescription: 'Draw ellipses that highlight detected objects in an image.',
    icon: 'far fa-circle',
    colorable: true,
    properties: {
      thickness: intProperty('Thickness', 'Thickness of the lines in pixels.', 2),
      start_angle: intProperty('Start Angle', 'Starting angle of the ellipse in degrees.', -45),
      end_angle: intProperty('End Angle', 'Ending angle of the ellipse in degrees.', 235),
    },
  },
  (canvas, params, context) => {
    const detections = params.predictions!;
    const colors = detectionColors(params, detections, context.stepName);
    for (let i = 0; i < detections.length; i++) {
      const [x0, , x1, y1] = detections.box(i);
      const w = x1 - x0;
      // An ellipse on the ground under the object: centred on the bottom edge, flattened.
      canvas.arc(
        (x0 + x1) / 2,
        y1,
        w,
        0.35 * w,
        Number(params.start_angle ?? -45),
        Number(params.end_angle ?? 235),
        colors[i]!,
        Number(params.thickness ?? 2),
      );
    }
  },
);
