// roboflow_core/dynamic_zone@v1: a zone from each segmented object — the convex hull of its mask's largest
// contour simplified to required_number_of_vertices (padded with the last vertex or cut when the tolerance search
// cannot hit the count exactly, which clears simplification_converged), optionally refitted to the contour by
// least squares, then scaled about its centroid by scale_ratio. The detection's mask becomes the zone.
import {
  Batch,
  Detections,
  WorkflowExecutionEngineError,
  defineBlock,
  literalOrSelector,
  selector,
} from '../../engine/index.ts';
import { convexHull } from '../common/rotated-rect.ts';
import { maskPolygon, polygonMask, type Point } from '../common/mask-geometry.ts';
import { leastSquaresPolygon, scalePolygon, simplifyToVertexCount } from '../common/polygon-simplify.ts';

interface Params {
  predictions: Batch<Detections | null>;
  required_number_of_vertices: number;
  scale_ratio: number;
  apply_least_squares: boolean;
  midpoint_fraction: number;
}

export interface ZoneOptions {
  vertices: number;
  scaleRatio: number;
  leastSquares: boolean;
  midpointFraction: number;
}

/** The zone of one mask, the unscaled polygon and whether simplification reached the vertex count. */
export function maskZone(
  mask: Uint8Array,
  shape: readonly [number, number],
  options: ZoneOptions,
): { zone: Point[]; polygon: Point[]; converged: boolean } {
  const contour = maskPolygon(mask, shape);
  let polygon: Point[] = contour.length ? simplifyToVertexCount(convexHull(contour.flat()), options.vertices) : [];
  if (options.leastSquares && polygon.length) polygon = leastSquaresPolygon(contour, polygon, options.midpointFraction);
  const converged = polygon.length === options.vertices;
  if (polygon.length > options.vertices) polygon = polygon.slice(0, options.vertices);
  while (polygon.length && polygon.length < options.vertices) polygon.push([...polygon[polygon.length - 1]!]);
  return { zone: scalePolygon(polygon, options.scaleRatio), polygon, converged };
}

export const dynamicZoneV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/dynamic_zone@v1',
    aliases: ['DynamicZone'],
    humanName: 'Dynamic Zone',
    version: 'v1',
    blockType: 'transformation',
    shortDescription:
      'Simplify polygons so they are geometrically convex and contain only the requested amount of vertices.',
    longDescription:
      'Builds a zone from the shape of each segmented object (a basketball court, a road segment, a zebra crossing): the convex hull of the mask is simplified until it has required_number_of_vertices vertices, optionally refitted to the mask outline by least squares, and expanded about its centroid by scale_ratio. Filter the detections to the classes of interest first.',
    ui: { section: 'advanced', icon: 'fal fa-square-dashed', blockPriority: 3, opencv: true },
    properties: {
      predictions: selector(['instance_segmentation_prediction'], {
        description: '',
        examples: ['$segmentation.predictions'],
      }),
      required_number_of_vertices: literalOrSelector({ type: 'integer' }, ['integer'], {
        description: 'Keep simplifying polygon until number of vertices matches this number',
        examples: [4, '$inputs.vertices'],
      }),
      scale_ratio: literalOrSelector({ type: 'number' }, ['float'], {
        description: 'Expand resulting polygon along imaginary line from centroid to edge by this ratio',
        default: 1,
        examples: [1.05, '$inputs.scale_ratio'],
      }),
      apply_least_squares: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        description: 'Apply least squares algorithm to fit resulting polygon edges to base contour',
        default: false,
        examples: [true, '$inputs.apply_least_squares'],
      }),
      midpoint_fraction: literalOrSelector({ type: 'number', minimum: 0, maximum: 1 }, ['float_zero_to_one'], {
        description:
          "Fraction of the contour points in the middle of each edge kept before fitting its least squares line (useful when the convex polygon's vertices sit off the true corners).",
        default: 1,
        examples: [0.9, '$inputs.midpoint_fraction'],
      }),
    },
    required: ['predictions', 'required_number_of_vertices'],
    detectionColumns: ['polygon'],
    outputs: [
      { name: 'zones', kind: ['list_of_values'] },
      { name: 'predictions', kind: ['instance_segmentation_prediction'] },
      { name: 'simplification_converged', kind: ['boolean'] },
    ],
    batchParameters: ['predictions'],
  },
  run(p, context) {
    const vertices = Number(p.required_number_of_vertices);
    if (!Number.isInteger(vertices) || vertices < 1) {
      throw new WorkflowExecutionEngineError(
        `Step ${context.stepName}: required_number_of_vertices must be a positive integer, got ${p.required_number_of_vertices}`,
      );
    }
    const options: ZoneOptions = {
      vertices,
      scaleRatio: Number(p.scale_ratio ?? 1),
      leastSquares: Boolean(p.apply_least_squares),
      midpointFraction: Number(p.midpoint_fraction ?? 1),
    };
    return p.predictions.values.map((d) => {
      if (!d) return { zones: null, predictions: null, simplification_converged: null };
      if (!d.masks || !d.maskShape) return { zones: [], predictions: null, simplification_converged: null };
      const shape = d.maskShape;
      const zones: Point[][] = [];
      const polygons: Point[][] = [];
      const masks: Uint8Array[] = [];
      let converged = true;
      d.masks.forEach((mask) => {
        const result = maskZone(mask, shape, options);
        converged &&= result.converged;
        zones.push(result.zone);
        polygons.push(result.polygon);
        masks.push(polygonMask(result.zone, shape[1], shape[0]));
      });
      return {
        zones,
        predictions: d.with({ masks, data: { polygon: polygons } }),
        simplification_converged: converged,
      };
    });
  },
});
