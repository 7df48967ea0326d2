import { defineBlock, isWorkflowImage, literalOrSelector, selector, type WorkflowImage } from '../../engine/index.ts';
import { descriptorSet, ratioTestMatches, type DescriptorSet, type Match } from '../common/cv/matching.ts';
import type { SiftKeypoint } from '../common/cv/sift.ts';
import { cvManifest, enumParam, floatParam, intParam } from './common.ts';
import { descriptorInput } from './sift_comparison_v1.ts';
import {
  descriptorRows,
  drawKeypoints,
  drawMatches,
  featureSet,
  imageFeatures,
  keypointDicts,
} from './sift_features.ts';

// Both matchers are exact brute force here: FLANN in cv2 is an approximation of the same nearest neighbours.
const MATCHERS = ['FlannBasedMatcher', 'BFMatcher'] as const;

interface Side {
  image: WorkflowImage | null;
  keypoints: SiftKeypoint[] | null;
  set: DescriptorSet;
  rows: number[][] | null;
}

function side(value: unknown, stepName: string, field: string): Side {
  if (isWorkflowImage(value)) {
    const features = imageFeatures(value);
    return { image: value, keypoints: features.keypoints, set: featureSet(features), rows: descriptorRows(features) };
  }
  const rows = descriptorInput(value, stepName, field);
  return { image: null, keypoints: null, set: descriptorSet(rows), rows: rows.length ? rows : null };
}

export const siftComparisonV2 = defineBlock<{
  input_1: unknown;
  input_2: unknown;
  good_matches_threshold: number;
  ratio_threshold: number;
  matcher: string;
  visualize: boolean;
}>({
  manifest: cvManifest({
    type: 'roboflow_core/sift_comparison@v2',
    humanName: 'SIFT Comparison',
    version: 'v2',
    shortDescription: 'Compare two images (or their SIFT descriptors) by counting good SIFT matches.',
    icon: 'far fa-magnifying-glass-arrows-rotate',
    properties: {
      input_1: selector(['image', 'numpy_array'], {
        title: 'Input 1',
        description: 'An image, or SIFT descriptors of one.',
        examples: ['$inputs.image1', '$steps.sift.descriptors'],
      }),
      input_2: selector(['image', 'numpy_array'], {
        title: 'Input 2',
        description: 'An image, or SIFT descriptors of one.',
        examples: ['$inputs.image2', '$steps.sift.descriptors'],
      }),
      good_matches_threshold: intParam(
        'Good Matches Threshold',
        'Images match when at least this many good matches are found.',
        50,
      ),
      ratio_threshold: floatParam('Ratio Threshold', "Lowe's ratio test threshold.", 0.7, ['float_zero_to_one']),
      matcher: enumParam('Matcher', 'Nearest-neighbour matcher.', MATCHERS, 'FlannBasedMatcher'),
      visualize: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        title: 'Visualize',
        description: 'Draw keypoints and matches (image inputs only).',
        default: false,
        examples: [true, '$inputs.visualize'],
      }),
    },
    required: ['input_1', 'input_2'],
    outputs: [
      { name: 'images_match', kind: ['boolean'] },
      { name: 'good_matches_count', kind: ['integer'] },
      { name: 'keypoints_1', kind: ['image_keypoints'] },
      { name: 'descriptors_1', kind: ['numpy_array'] },
      { name: 'keypoints_2', kind: ['image_keypoints'] },
      { name: 'descriptors_2', kind: ['numpy_array'] },
      { name: 'visualization_1', kind: ['image'] },
      { name: 'visualization_2', kind: ['image'] },
      { name: 'visualization_matches', kind: ['image'] },
    ],
  }),
  run(params, context) {
    const a = side(params.input_1, context.stepName, 'input_1');
    const b = side(params.input_2, context.stepName, 'input_2');
    const matches: Match[] =
      a.set.count >= 2 && b.set.count >= 2 ? ratioTestMatches(a.set, b.set, Number(params.ratio_threshold)) : [];
    const draw = params.visualize === true;
    return {
      images_match: matches.length >= Number(params.good_matches_threshold),
      good_matches_count: matches.length,
      keypoints_1: a.keypoints && keypointDicts(a.keypoints),
      descriptors_1: a.rows,
      keypoints_2: b.keypoints && keypointDicts(b.keypoints),
      descriptors_2: b.rows,
      visualization_1: draw && a.image ? drawKeypoints(a.image, a.keypoints!) : null,
      visualization_2: draw && b.image ? drawKeypoints(b.image, b.keypoints!) : null,
      visualization_matches:
        draw && a.image && b.image ? drawMatches(a.image, a.keypoints!, b.image, b.keypoints!, matches) : null,
    };
  },
});
