import { defineBlock, literalOrSelector, selector } from '../../engine/index.ts';
import { descriptorSet, ratioTestMatches } from '../common/cv/matching.ts';
import { cvManifest, intParam } from './common.ts';
import { invalidParam } from '../common/param-errors.ts';

/** numpy_array descriptors as given by a step or an input: a list of equal-length numeric rows (or null). */
export function descriptorInput(value: unknown, stepName: string, field: string): number[][] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || value.some((row) => !Array.isArray(row)))
    throw invalidParam(stepName, field, typeof value, 'descriptors: a list of numeric rows');
  return value as number[][];
}

/** Good matches (Lowe's ratio test) of descriptors 1 against descriptors 2; 0 when either side has fewer than 2. */
export function countGoodMatches(d1: number[][], d2: number[][], ratio: number): number {
  if (d1.length < 2 || d2.length < 2) return 0;
  return ratioTestMatches(descriptorSet(d1), descriptorSet(d2), ratio).length;
}

export const siftComparisonV1 = defineBlock<{
  descriptor_1: unknown;
  descriptor_2: unknown;
  good_matches_threshold: number;
  ratio_threshold: number;
}>({
  manifest: cvManifest({
    type: 'roboflow_core/sift_comparison@v1',
    humanName: 'SIFT Comparison',
    shortDescription: 'Compare SIFT descriptors from two images: count of good matches and whether the images match.',
    icon: 'far fa-magnifying-glass-arrows-rotate',
    properties: {
      descriptor_1: selector(['numpy_array'], {
        title: 'Descriptor 1',
        description: 'SIFT descriptors of the first image.',
        examples: ['$steps.sift.descriptors'],
      }),
      descriptor_2: selector(['numpy_array'], {
        title: 'Descriptor 2',
        description: 'SIFT descriptors of the second image.',
        examples: ['$steps.sift.descriptors'],
      }),
      good_matches_threshold: intParam(
        'Good Matches Threshold',
        'Images match when at least this many good matches are found.',
        50,
      ),
      ratio_threshold: literalOrSelector({ type: 'number' }, ['integer'], {
        title: 'Ratio Threshold',
        description:
          "Lowe's ratio test: a match is good when its distance is below this fraction of the second-best distance.",
        default: 0.7,
        examples: [0.7, '$inputs.ratio_threshold'],
      }),
    },
    required: ['descriptor_1', 'descriptor_2'],
    outputs: [
      { name: 'good_matches_count', kind: ['integer'] },
      { name: 'images_match', kind: ['boolean'] },
    ],
  }),
  run(params, context) {
    const d1 = descriptorInput(params.descriptor_1, context.stepName, 'descriptor_1');
    const d2 = descriptorInput(params.descriptor_2, context.stepName, 'descriptor_2');
    const count = countGoodMatches(d1, d2, Number(params.ratio_threshold));
    return { good_matches_count: count, images_match: count >= Number(params.good_matches_threshold) };
  },
});
