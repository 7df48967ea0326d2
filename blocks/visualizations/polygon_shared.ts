// Outlines of segmentation masks, drawn as the mask boundary grown to the requested thickness.
import { rankFilter, type Canvas } from '../common/draw/index.ts';
import {
  detectionColors,
  intProperty,
  MASK_PREDICTION_KINDS,
  type VisualizationParams,
  type VisualizationSpec,
} from './common.ts';
import type { StepContext } from '../../engine/index.ts';
import { detectionMask, maskBoundary } from './masks.ts';

export function polygonSpec(type: string, version: string, aliases?: string[]): VisualizationSpec {
  return {
    type,
    aliases,
    version,
    humanName: 'Polygon Visualization',
    shortDescription: 'Draw a polygon around detected objects in an image.',
    icon: 'fas fa-draw-polygon',
    colorable: true,
    predictionKinds: MASK_PREDICTION_KINDS,
    properties: { thickness: intProperty('Thickness', 'Thickness of the outline in pixels.', 2) },
  };
}

export function drawPolygons(canvas: Canvas, params: VisualizationParams, context: StepContext): void {
  const detections = params.predictions!;
  const colors = detectionColors(params, detections, context.stepName);
  const thickness = Math.max(1, Number(params.thickness ?? 2));
  for (let i = 0; i < detections.length; i++) {
    let outline = maskBoundary(detectionMask(detections, i, canvas), canvas.width, canvas.height);
    if (thickness > 1) outline = rankFilter(outline, canvas.width, canvas.height, 1, thickness, 'max');
    canvas.overlayMask(outline, colors[i]!, 1);
  }
}
