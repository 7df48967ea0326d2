// roboflow_core/bounding_rect@v1: replaces each segmentation by its minimum-area rotated rectangle (mask and box),
// recording the corners (`rect`), `width`, `height` and `angle`.
import { Detections, WorkflowExecutionEngineError, defineBlock, selector } from '../../engine/index.ts';
import {
  maskPolygon,
  pointsBox,
  polygonMask,
  rectCorners,
  rotatedRectOf,
  type Point,
} from '../common/mask-geometry.ts';

interface Params {
  predictions: Detections;
}

export const boundingRectV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/bounding_rect@v1',
    humanName: 'Bounding Rectangle',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'Find the minimal bounding box surrounding the detected polygon.',
    longDescription:
      'For each instance segmentation, finds the minimum-area rotated rectangle around its largest contour, makes it the mask and box, and stores its corners (rect), width, height and angle.',
    ui: { section: 'transformation', icon: 'fal fa-rectangles-mixed', blockPriority: 5 },
    properties: {
      predictions: selector(['instance_segmentation_prediction'], {
        description: 'Instance segmentation predictions with masks.',
        examples: ['$segmentation.predictions'],
      }),
    },
    required: ['predictions'],
    detectionColumns: ['angle', 'rect', 'width', 'height'],
    outputs: [{ name: 'detections_with_rect', kind: ['instance_segmentation_prediction'] }],
  },
  run({ predictions }, context) {
    if (!predictions.masks || !predictions.maskShape) {
      throw new WorkflowExecutionEngineError(
        `Step ${context.stepName}: predictions carry no masks; bounding_rect needs instance segmentation predictions`,
      );
    }
    const [height, width] = predictions.maskShape;
    const xyxy = new Float32Array(predictions.xyxy);
    const masks: Uint8Array[] = [];
    const rects: Point[][] = [];
    const widths: number[] = [];
    const heights: number[] = [];
    const angles: number[] = [];
    for (let i = 0; i < predictions.length; i++) {
      const outline = maskPolygon(predictions.masks[i]!, predictions.maskShape);
      if (outline.length === 0) {
        masks.push(predictions.masks[i]!);
        rects.push([]);
        widths.push(0);
        heights.push(0);
        angles.push(0);
        continue;
      }
      const rect = rotatedRectOf(outline);
      const corners = rectCorners(rect).map(([x, y]) => [Math.round(x), Math.round(y)] as Point);
      masks.push(polygonMask(corners, width, height));
      xyxy.set(pointsBox(corners), i * 4);
      rects.push(corners);
      widths.push(rect.width);
      heights.push(rect.height);
      angles.push((Math.atan2(rect.uy, rect.ux) * 180) / Math.PI);
    }
    return {
      detections_with_rect: predictions.with({
        xyxy,
        masks,
        data: { rect: rects, width: widths, height: heights, angle: angles },
      }),
    };
  },
});
