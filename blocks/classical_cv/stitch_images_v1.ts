import { defineBlock, WorkflowExecutionEngineError, type WorkflowImage } from '../../engine/index.ts';
import { findHomographyRansac, invert, multiply, project, type Point2 } from '../common/cv/homography.ts';
import { knnMatch } from '../common/cv/matching.ts';
import { remapRgb } from '../common/cv/warp.ts';
import { cvManifest, floatParam, inputImage, intParam } from './common.ts';
import { featureSet, imageFeatures } from './sift_features.ts';

const LOWE_RATIO = 0.75;

export interface Stitched {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/**
 * Puts `second` into `first`'s frame through the homography (second -> first), on a canvas grown to hold both;
 * `first` is drawn on top where they overlap.
 */
export function composeStitch(first: WorkflowImage, second: WorkflowImage, homography: readonly number[]): Stitched {
  const corners: Point2[] = [
    [0, 0],
    [first.width, 0],
    [0, first.height],
    [first.width, first.height],
  ];
  for (const [x, y] of [
    [0, 0],
    [second.width, 0],
    [0, second.height],
    [second.width, second.height],
  ] as const)
    corners.push(project(homography, x, y));
  const minX = Math.floor(Math.min(...corners.map((c) => c[0])));
  const minY = Math.floor(Math.min(...corners.map((c) => c[1])));
  const maxX = Math.ceil(Math.max(...corners.map((c) => c[0])));
  const maxY = Math.ceil(Math.max(...corners.map((c) => c[1])));
  const width = maxX - minX;
  const height = maxY - minY;
  const shifted = multiply([1, 0, -minX, 0, 1, -minY, 0, 0, 1], homography);
  const inverse = invert(shifted);
  if (!inverse) throw new Error('homography is singular');
  const pixels = remapRgb(second, width, height, (x, y, out) => {
    const w = inverse[6]! * x + inverse[7]! * y + inverse[8]!;
    if (w <= 0) return false;
    out[0] = (inverse[0]! * x + inverse[1]! * y + inverse[2]!) / w;
    out[1] = (inverse[3]! * x + inverse[4]! * y + inverse[5]!) / w;
    return true;
  });
  const ox = -minX;
  const oy = -minY;
  for (let y = 0; y < first.height; y++)
    pixels.set(first.pixels.subarray(y * first.width * 3, (y + 1) * first.width * 3), ((y + oy) * width + ox) * 3);
  return { pixels, width, height };
}

export const stitchImagesV1 = defineBlock<{
  image1: WorkflowImage;
  image2: WorkflowImage;
  max_allowed_reprojection_error: number;
  count_of_best_matches_per_query_descriptor: number;
}>({
  manifest: cvManifest({
    type: 'roboflow_core/stitch_images@v1',
    humanName: 'Stitch Images',
    blockType: 'transformation',
    shortDescription: 'Stitch two overlapping images into one by their common parts (SIFT matches, RANSAC homography).',
    icon: 'far fa-reel',
    properties: {
      image1: inputImage('First input image for this step.'),
      image2: inputImage('Second input image for this step.'),
      max_allowed_reprojection_error: floatParam(
        'Max Allowed Reprojection Error',
        'Largest distance (pixels) between a matched point and its projection for the pair to count as an inlier.',
        3,
        ['float_zero_to_one'],
      ),
      count_of_best_matches_per_query_descriptor: intParam(
        'Best Matches Per Query Descriptor',
        'k of the k-nearest-neighbour matching (at least 2 for the ratio test).',
        2,
        { minimum: 1 },
      ),
    },
    required: ['image1', 'image2'],
    outputs: [{ name: 'stitched_image', kind: ['image'] }],
  }),
  run(params, context) {
    const { image1, image2 } = params;
    const f1 = imageFeatures(image1);
    const f2 = imageFeatures(image2);
    const k = Math.max(2, Math.round(Number(params.count_of_best_matches_per_query_descriptor)));
    const good = knnMatch(featureSet(f1), featureSet(f2), k).flatMap((row) =>
      row.length >= 2 && row[0]!.distance < LOWE_RATIO * row[1]!.distance ? [row[0]!] : [],
    );
    if (good.length < 4) {
      throw new WorkflowExecutionEngineError(
        `Step ${context.stepName}: image1 and image2 share only ${good.length} good SIFT matches; stitching needs at least 4`,
      );
    }
    const p1: Point2[] = good.map((m) => [f1.keypoints[m.queryIdx]!.x, f1.keypoints[m.queryIdx]!.y]);
    const p2: Point2[] = good.map((m) => [f2.keypoints[m.trainIdx]!.x, f2.keypoints[m.trainIdx]!.y]);
    // The image whose shared features sit further right (relative to its width) is the left one of the pair.
    const mean = (pts: Point2[], w: number) => pts.reduce((s, p) => s + p[0], 0) / pts.length / w;
    const firstIsImage1 = mean(p1, image1.width) >= mean(p2, image2.width);
    const [first, second, pf, ps] = firstIsImage1 ? [image1, image2, p1, p2] : [image2, image1, p2, p1];
    const ransac = findHomographyRansac(ps, pf, Number(params.max_allowed_reprojection_error));
    if (!ransac || ransac.inlierCount < 4) {
      throw new WorkflowExecutionEngineError(
        `Step ${context.stepName}: no homography between image1 and image2 fits at least 4 matches within max_allowed_reprojection_error`,
      );
    }
    const stitched = composeStitch(first, second, ransac.homography);
    return { stitched_image: image1.withPixels(stitched.pixels, stitched.width, stitched.height) };
  },
});
