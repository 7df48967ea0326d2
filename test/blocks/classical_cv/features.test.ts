// SIFT, descriptor matching, RANSAC homographies and stitching on rendered textures with known shifts and turns.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowImage } from '../../../engine/index.ts';
import { grayFloat } from '../../../blocks/common/cv/float-image.ts';
import { detectAndCompute } from '../../../blocks/common/cv/sift.ts';
import { ratioTestMatches } from '../../../blocks/common/cv/matching.ts';
import { findHomographyRansac, fitHomography, project } from '../../../blocks/common/cv/homography.ts';
import { rotateQuarter } from '../../../blocks/classical_cv/geometry.ts';
import { featureSet, imageFeatures } from '../../../blocks/classical_cv/sift_features.ts';
import { siftV1 } from '../../../blocks/classical_cv/sift_v1.ts';
import { siftComparisonV1 } from '../../../blocks/classical_cv/sift_comparison_v1.ts';
import { siftComparisonV2 } from '../../../blocks/classical_cv/sift_comparison_v2.ts';
import { stitchImagesV1 } from '../../../blocks/classical_cv/stitch_images_v1.ts';
import { crop, pixelAt, solidImage, stepContext, texturedImage } from './helpers.ts';

const texture = texturedImage(420, 340, 7);
const other = texturedImage(420, 340, 99);

function matchedPoints(a: WorkflowImage, b: WorkflowImage) {
  const fa = imageFeatures(a);
  const fb = imageFeatures(b);
  const matches = ratioTestMatches(featureSet(fa), featureSet(fb), 0.75);
  return {
    matches,
    from: matches.map((m) => [fa.keypoints[m.queryIdx]!.x, fa.keypoints[m.queryIdx]!.y] as const),
    to: matches.map((m) => [fb.keypoints[m.trainIdx]!.x, fb.keypoints[m.trainIdx]!.y] as const),
  };
}

describe('SIFT features', () => {
  test('finds many keypoints on a texture, none on a flat image; descriptors are 128 bytes normalised to ~512', () => {
    const features = detectAndCompute(grayFloat(texture.pixels, texture.width, texture.height));
    assert.ok(features.keypoints.length > 150, `only ${features.keypoints.length} keypoints`);
    for (let i = 0; i < 20; i++) {
      const row = features.descriptors.subarray(i * 128, (i + 1) * 128);
      assert.ok(
        row.every((v) => Number.isInteger(v) && v >= 0 && v <= 255),
        `descriptor ${i} holds non-byte values`,
      );
      const norm = Math.hypot(...row);
      assert.ok(norm > 400 && norm < 620, `descriptor norm ${norm}`);
    }
    for (const k of features.keypoints)
      assert.ok(
        k.x >= 0 &&
          k.y >= 0 &&
          k.x < texture.width &&
          k.y < texture.height &&
          k.size > 1 &&
          k.angle >= 0 &&
          k.angle < 360,
        `keypoint ${JSON.stringify(k)}`,
      );
    assert.equal(detectAndCompute(grayFloat(solidImage(200, 150).pixels, 200, 150)).keypoints.length, 0);
  });

  test('a shifted crop matches and the RANSAC homography recovers the shift', () => {
    const a = crop(texture, 0, 0, 360, 300);
    const b = crop(texture, 37, 21, 360, 300);
    const { matches, from, to } = matchedPoints(b, a);
    assert.ok(matches.length > 80, `only ${matches.length} matches`);
    const result = findHomographyRansac(from, to, 3)!;
    assert.ok(result.inlierCount > 0.8 * matches.length, `${result.inlierCount} inliers of ${matches.length}`);
    const [x, y] = project(result.homography, 100, 100);
    assert.ok(Math.abs(x - 137) < 1 && Math.abs(y - 121) < 1, `(100,100) maps to (${x}, ${y})`);
  });

  test('a quarter-turned copy still matches (rotation invariance) and the homography is the turn', () => {
    const turned = rotateQuarter(texture, 1); // clockwise: (x, y) -> (H - 1 - y, x)
    const b = new WorkflowImage(turned.pixels, turned.width, turned.height, { parentId: 'turned' });
    const { matches, from, to } = matchedPoints(texture, b);
    assert.ok(matches.length > 80, `only ${matches.length} matches`);
    const h = findHomographyRansac(from, to, 3)!.homography;
    const [x, y] = project(h, 200, 50);
    assert.ok(Math.abs(x - (texture.height - 1 - 50)) < 2 && Math.abs(y - 200) < 2, `(200,50) maps to (${x}, ${y})`);
  });

  test('unrelated textures give few good matches', () => {
    const count = matchedPoints(texture, other).matches.length;
    assert.ok(count < 30, `${count} matches between unrelated textures`);
  });

  test('fitHomography is exact on a known perspective map', () => {
    const h = [1.1, 0.05, 12, -0.03, 0.95, 7, 0.0004, -0.0002, 1];
    const src = [
      [0, 0],
      [300, 10],
      [20, 250],
      [310, 260],
      [150, 120],
    ] as const;
    const dst = src.map(([x, y]) => project(h, x, y));
    const fit = fitHomography(src, dst)!;
    for (let i = 0; i < 9; i++) assert.ok(Math.abs(fit[i]! - h[i]!) < 1e-6, `h[${i}] = ${fit[i]}, expected ${h[i]}`);
  });
});

describe('SIFT blocks', () => {
  test('sift@v1: keypoint dicts with cv2.KeyPoint fields, descriptor rows, image with keypoints drawn', () => {
    const out = siftV1.run({ image: texture }, stepContext()) as Record<string, any>;
    assert.deepEqual(Object.keys(out).sort(), ['descriptors', 'image', 'keypoints']);
    assert.deepEqual(Object.keys(out.keypoints[0]).sort(), ['angle', 'class_id', 'octave', 'pt', 'response', 'size']);
    assert.equal(out.descriptors.length, out.keypoints.length);
    assert.equal(out.descriptors[0].length, 128);
    assert.ok(out.image instanceof WorkflowImage);
    assert.notDeepEqual(out.image.pixels, texture.pixels);
    const empty = siftV1.run({ image: solidImage(100, 80) }, stepContext()) as Record<string, any>;
    assert.deepEqual(empty.keypoints, []);
    assert.equal(empty.descriptors, null);
  });

  test('sift_comparison@v1 counts good matches against the threshold', () => {
    const d = (image: WorkflowImage) => (siftV1.run({ image }, stepContext()) as Record<string, any>).descriptors;
    const same = siftComparisonV1.run(
      {
        descriptor_1: d(crop(texture, 10, 10, 300, 260)),
        descriptor_2: d(texture),
        good_matches_threshold: 50,
        ratio_threshold: 0.7,
      },
      stepContext(),
    ) as any;
    assert.equal(same.images_match, true);
    assert.ok(same.good_matches_count >= 50, `${same.good_matches_count} good matches`);
    const diff = siftComparisonV1.run(
      { descriptor_1: d(other), descriptor_2: d(texture), good_matches_threshold: 50, ratio_threshold: 0.7 },
      stepContext(),
    ) as any;
    assert.deepEqual(diff.images_match, false);
    const none = siftComparisonV1.run(
      { descriptor_1: null, descriptor_2: d(texture), good_matches_threshold: 50, ratio_threshold: 0.7 },
      stepContext(),
    ) as any;
    assert.deepEqual(none, { good_matches_count: 0, images_match: false });
  });

  test('sift_comparison@v2 takes images, visualizes matches side by side', () => {
    const a = crop(texture, 0, 0, 300, 300);
    const out = siftComparisonV2.run(
      {
        input_1: a,
        input_2: texture,
        good_matches_threshold: 50,
        ratio_threshold: 0.7,
        matcher: 'BFMatcher',
        visualize: true,
      },
      stepContext(),
    ) as any;
    assert.equal(out.images_match, true);
    assert.equal(out.keypoints_1.length, out.descriptors_1.length);
    assert.equal(out.visualization_matches.width, a.width + texture.width);
    assert.equal(out.visualization_matches.height, texture.height);
    assert.equal(out.visualization_1.width, a.width);
    const quiet = siftComparisonV2.run(
      {
        input_1: out.descriptors_1,
        input_2: texture,
        good_matches_threshold: 50,
        ratio_threshold: 0.7,
        matcher: 'FlannBasedMatcher',
        visualize: true,
      },
      stepContext(),
    ) as any;
    assert.equal(quiet.good_matches_count, out.good_matches_count);
    assert.equal(quiet.keypoints_1, null);
    assert.equal(quiet.visualization_matches, null);
  });

  test('stitch_images@v1 rebuilds the full view from overlapping left and right crops (in either order)', () => {
    const wide = texturedImage(520, 300, 3);
    const left = crop(wide, 0, 0, 320, 300);
    const right = crop(wide, 200, 0, 320, 300);
    for (const [image1, image2] of [
      [left, right],
      [right, left],
    ] as const) {
      const out = stitchImagesV1.run(
        { image1, image2, max_allowed_reprojection_error: 3, count_of_best_matches_per_query_descriptor: 2 },
        stepContext(),
      ) as any;
      const stitched = out.stitched_image as WorkflowImage;
      assert.ok(
        Math.abs(stitched.width - 520) <= 2 && Math.abs(stitched.height - 300) <= 2,
        `stitched ${stitched.width}x${stitched.height}`,
      );
      let close = 0;
      for (const [x, y] of [
        [20, 20],
        [250, 150],
        [400, 100],
        [500, 280],
        [450, 30],
      ] as const) {
        const got = pixelAt(stitched, x, y);
        const want = pixelAt(wide, x, y);
        if (got.every((v, i) => Math.abs(v - want[i]!) <= 40)) close++;
      }
      assert.ok(close >= 4, `only ${close}/5 sample pixels agree with the original`);
    }
  });

  test('stitch_images@v1 refuses unrelated images with a message naming the step', () => {
    assert.throws(
      () =>
        stitchImagesV1.run(
          {
            image1: solidImage(200, 200),
            image2: texture,
            max_allowed_reprojection_error: 3,
            count_of_best_matches_per_query_descriptor: 2,
          },
          stepContext('stitch'),
        ),
      /stitch.*at least 4/,
    );
  });
});
