// roboflow_core/first_non_empty_or_default@v1: merges branches: the first non-null of `data`, else `default`.
import { defineBlock, literal, selectorList } from '../../engine/index.ts';

interface Params {
  data: unknown[];
  default: unknown;
}

export const firstNonEmptyOrDefaultV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/first_non_empty_or_default@v1',
    aliases: ['FirstNonEmptyOrDefault'],
    humanName: 'First Non Empty Or Default',
    version: 'v1',
    blockType: 'formatter',
    shortDescription: 'Take the first non-empty data element or default.',
    ui: { section: 'advanced', icon: 'fal fa-empty-set' },
    properties: {
      data: selectorList(['*'], {
        title: 'Data',
        description: 'Values to check in order.',
        examples: [['$steps.my_step.predictions']],
      }),
      default: literal(
        {},
        {
          title: 'Default',
          description: 'Value used when every element of data is empty.',
          default: null,
          examples: ['empty'],
        },
      ),
    },
    required: ['data'],
    outputs: [{ name: 'output', kind: ['*'] }],
    acceptsEmptyValues: true,
  },
  run({ data, default: fallback }) {
    const found = (data ?? []).find((v) => v !== null && v !== undefined);
    return { output: found ?? fallback ?? null };
  },
});
