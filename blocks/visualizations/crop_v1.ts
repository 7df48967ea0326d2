import { boxAnchor, clampBox, labelRect, POSITIONS } from '../common/draw/index.ts';
import { defineVisualization, detectionColors, enumProperty, floatProperty, intProperty } from './common.ts';

export const cropVisualizationV1 = defineVisualization(
  {
    type: 'roboflow_core/crop_visualization@v1',
    aliases: ['CropVisualization'],
    humanName: 'Crop Visualization',
    shortDescription: 'Draw scaled up crops of detections on the scene.',
    icon: 'fas fa-crop-simple',
    colorable: true,
    properties: {
      position: enumProperty('Position', 'The anchor position for placing the crop.', POSITIONS, 'TOP_CENTER'),
      scale_factor: floatProperty('Scale Factor', 'The factor by which to scale the cropped image part.', 2.0),
      border_thickness: intProperty('Border Thickness', 'Thickness of the outline in pixels.', 2),
    },
  },
  (canvas, params, context) => {
    const detections = params.predictions!;
    const colors = detectionColors(params, detections, context.stepName);
    const scale = Math.max(0.01, Number(params.scale_factor ?? 2));
    const border = Number(params.border_thickness ?? 2);
    const position = String(params.position ?? 'TOP_CENTER');
    const source = new Uint8Array(canvas.pixels);
    const { width, height } = canvas;
    for (let i = 0; i < detections.length; i++) {
      const [cx0, cy0, cx1, cy1] = clampBox(detections.box(i), width, height);
      if (cx1 <= cx0 || cy1 <= cy0) continue;
      const w = Math.round((cx1 - cx0) * scale);
      const h = Math.round((cy1 - cy0) * scale);
      const [px0, py0] = labelRect(boxAnchor(detections.box(i), position), w, h, position).map(Math.round) as [
        number,
        number,
      ];
      // Nearest-neighbour upscale of the crop (from the unmodified scene) into its place.
      for (let y = Math.max(0, py0); y < Math.min(height, py0 + h); y++) {
        const sy = cy0 + Math.min(cy1 - cy0 - 1, Math.floor((y - py0) / scale));
        for (let x = Math.max(0, px0); x < Math.min(width, px0 + w); x++) {
          const sx = cx0 + Math.min(cx1 - cx0 - 1, Math.floor((x - px0) / scale));
          const s = (sy * width + sx) * 3;
          const d = (y * width + x) * 3;
          canvas.pixels[d] = source[s]!;
          canvas.pixels[d + 1] = source[s + 1]!;
          canvas.pixels[d + 2] = source[s + 2]!;
        }
      }
      if (border > 0) canvas.strokeRect(px0, py0, px0 + w - 1, py0 + h - 1, colors[i]!, border);
    }
  },
);
