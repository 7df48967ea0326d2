// roboflow_core/perspective_correction@v1: a homography from each image's perspective polygon onto a
// transformed_rect_width x transformed_rect_height rectangle (grown to hold every detection's anchor when
// extend_perspective_polygon_by_detections_anchor is set) moves boxes, masks and keypoints into the top-down
// plane and, with warp_image, resamples the image into it.
import {
  Batch,
  Detections,
  WorkflowExecutionEngineError,
  WorkflowImage,
  defineBlock,
  isBatch,
  literalOrSelector,
  selector,
} from '../../engine/index.ts';
import { invert, project } from '../common/cv/homography.ts';
import { remapRgb } from '../common/cv/warp.ts';
import { ANCHORS } from '../common/zones.ts';
import { maskPolygon, pointsBox, polygonMask, type Point } from '../common/mask-geometry.ts';
import {
  ALL_POSITIONS,
  isQuadrilateral,
  perspectiveTransform,
  pickQuadrilateral,
  type PerspectiveTransform,
} from './perspective-polygon.ts';

interface Params {
  predictions: Batch<Detections> | null | undefined;
  images: Batch<WorkflowImage>;
  perspective_polygons: unknown;
  transformed_rect_width: number | Batch<number>;
  transformed_rect_height: number | Batch<number>;
  extend_perspective_polygon_by_detections_anchor: string;
  warp_image: boolean;
}

const round = (p: Point): Point => [Math.round(p[0]), Math.round(p[1])];

/** Boxes (from the mask's outline when there is one), masks and keypoints of `d` carried through the transform. */
export function correctDetections(d: Detections, t: PerspectiveTransform): Detections {
  const h = t.homography;
  const xyxy = new Float32Array(d.length * 4);
  const masks: Uint8Array[] | null = d.masks && d.maskShape ? [] : null;
  for (let i = 0; i < d.length; i++) {
    let outline: Point[] = [];
    if (masks) {
      outline = maskPolygon(d.masks![i]!, d.maskShape!).map(([x, y]) => project(h, x, y));
      masks.push(polygonMask(outline.map(round), t.width, t.height));
    }
    if (!outline.length) {
      const [x0, y0, x1, y1] = d.box(i).map(Math.round) as [number, number, number, number];
      outline = (
        [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
        ] as Point[]
      ).map(([x, y]) => project(h, x, y));
    }
    xyxy.set(pointsBox(outline).map(Math.round), i * 4);
  }
  const data: Record<string, unknown[]> = {};
  const keypoints = d.column<number[][] | null>('keypoints_xy');
  if (keypoints)
    data.keypoints_xy = keypoints.map((points) => points?.map(([x, y]) => round(project(h, x!, y!))) ?? points);
  return d.with({ xyxy, data, ...(masks ? { masks, maskShape: [t.height, t.width] as const } : {}) });
}

/** Per batch position: the value of a batch-or-scalar parameter. */
const perElement = <T>(value: T | Batch<T>, n: number): Array<T | null> =>
  isBatch(value) ? [...value.values] : new Array<T>(n).fill(value);

export const perspectiveCorrectionV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/perspective_correction@v1',
    aliases: ['PerspectiveCorrection'],
    humanName: 'Perspective Correction',
    version: 'v1',
    blockType: 'transformation',
    shortDescription:
      'Adjust detection coordinates from a polygon-defined plane to a straight rectangular plane with specified width and height.',
    longDescription:
      "Corrects detection coordinates with the perspective transform taking a 4-vertex polygon onto a rectangle, as if the camera looked straight down on the plane. The largest 4-vertex polygon of each image is used; its vertices are ordered from the bottom left. With extend_perspective_polygon_by_detections_anchor the polygon grows to contain each detection's anchor (ALL: the whole box) and the rectangle grows accordingly (extended_transformed_rect_width/height). With warp_image the image is warped into the rectangle.",
    ui: { section: 'advanced', icon: 'fal fa-toolbox', blockPriority: 2, opencv: true },
    properties: {
      predictions: selector(['object_detection_prediction', 'instance_segmentation_prediction'], {
        description: 'Predictions',
        default: null,
        examples: ['$steps.object_detection_model.predictions'],
      }),
      images: selector(['image'], {
        title: 'Image to Crop',
        description: 'The input image for this step.',
        examples: ['$inputs.image', '$steps.cropping.crops'],
      }),
      perspective_polygons: literalOrSelector({ type: 'array', items: {} }, ['list_of_values'], {
        description: 'Perspective polygons (for each batch at least one must be consisting of 4 vertices)',
        examples: ['$steps.perspective_wrap.zones'],
      }),
      transformed_rect_width: literalOrSelector({ type: 'integer' }, ['integer'], {
        description: 'Transformed rect width',
        default: 1000,
        examples: [1000],
      }),
      transformed_rect_height: literalOrSelector({ type: 'integer' }, ['integer'], {
        description: 'Transformed rect height',
        default: 1000,
        examples: [1000],
      }),
      extend_perspective_polygon_by_detections_anchor: literalOrSelector({ type: 'string' }, ['string'], {
        description: `If set, perspective polygons will be extended to contain all bounding boxes. Allowed values: ${ANCHORS.join(', ')} and ${ALL_POSITIONS} to extend to contain whole bounding box`,
        default: '',
        examples: ['CENTER'],
      }),
      warp_image: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        description: 'If set to True, image will be warped into transformed rect',
        default: false,
        examples: [false],
      }),
    },
    required: ['images', 'perspective_polygons'],
    propertyAliases: { image: 'images' },
    outputs: [
      { name: 'corrected_coordinates', kind: ['object_detection_prediction', 'instance_segmentation_prediction'] },
      { name: 'warped_image', kind: ['image'] },
      { name: 'extended_transformed_rect_width', kind: ['integer'] },
      { name: 'extended_transformed_rect_height', kind: ['integer'] },
    ],
    batchParameters: ['images', 'predictions'],
    batchOrScalarParameters: ['perspective_polygons', 'transformed_rect_width', 'transformed_rect_height'],
  },
  run(p, context) {
    const fail = (why: string): never => {
      throw new WorkflowExecutionEngineError(`Step ${context.stepName}: perspective_polygons: ${why}`);
    };
    const images = p.images.values;
    const n = images.length;
    const predictions = p.predictions ? [...p.predictions.values] : new Array<Detections | null>(n).fill(null);
    const widths = perElement(p.transformed_rect_width ?? 1000, n);
    const heights = perElement(p.transformed_rect_height ?? 1000, n);
    // One polygon (or one list of candidates) given as a scalar applies to every image.
    let polygons: unknown[];
    if (isBatch(p.perspective_polygons)) polygons = [...p.perspective_polygons.values];
    else if (!Array.isArray(p.perspective_polygons) || p.perspective_polygons.length === 0)
      return fail('expected a non-empty list');
    else if (isQuadrilateral(p.perspective_polygons)) polygons = new Array(n).fill(p.perspective_polygons);
    else
      polygons =
        p.perspective_polygons.length === 1 ? new Array(n).fill(p.perspective_polygons[0]) : p.perspective_polygons;
    if (polygons.length !== n) fail(`${polygons.length} polygons given for a batch of ${n} images`);
    const anchor = String(p.extend_perspective_polygon_by_detections_anchor ?? '');
    if (anchor && anchor !== ALL_POSITIONS && !ANCHORS.includes(anchor)) {
      throw new WorkflowExecutionEngineError(
        `Step ${context.stepName}: extend_perspective_polygon_by_detections_anchor must be one of ${ANCHORS.join(', ')}, ${ALL_POSITIONS} or empty, got ${anchor}`,
      );
    }
    return images.map((image, i) => {
      const quad = pickQuadrilateral(polygons[i], fail);
      const width = Math.round(Number(widths[i] ?? 1000));
      const height = Math.round(Number(heights[i] ?? 1000));
      const detections = predictions[i] ?? null;
      const transform = quad ? perspectiveTransform(quad, width, height, detections, anchor) : null;
      if (!transform) {
        if (quad) fail(`polygon ${JSON.stringify(quad)} is degenerate`);
        return {
          corrected_coordinates: detections,
          warped_image: image,
          extended_transformed_rect_width: width,
          extended_transformed_rect_height: height,
        };
      }
      let warped = image;
      if (p.warp_image && image) {
        const inverse = invert(transform.homography);
        if (inverse) {
          const pixels = remapRgb(image, transform.width, transform.height, (x, y, out) => {
            const [sx, sy] = project(inverse, x, y);
            out[0] = sx;
            out[1] = sy;
            return Number.isFinite(sx) && Number.isFinite(sy);
          });
          warped = image.withPixels(pixels, transform.width, transform.height);
        }
      }
      return {
        corrected_coordinates: detections ? correctDetections(detections, transform) : null,
        warped_image: warped,
        extended_transformed_rect_width: transform.width,
        extended_transformed_rect_height: transform.height,
      };
    });
  },
});
