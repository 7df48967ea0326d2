// roboflow_core/dimension_collapse@v1: folds the children of each element (e.g. per-crop results) into one
// list at the parent level (output dimensionality -1); masked children are left out.
import { Batch, defineBlock, isBatch, selector } from '../../engine/index.ts';

const collapse = (data: Batch | unknown[]) => ({ output: [...data].filter((v) => v !== null && v !== undefined) });

export const dimensionCollapseV1 = defineBlock<{ data: Batch }>({
  manifest: {
    type: 'roboflow_core/dimension_collapse@v1',
    aliases: ['DimensionCollapse'],
    humanName: 'Dimension Collapse',
    version: 'v1',
    blockType: 'fusion',
    shortDescription: 'Collapse dimensionality level by one for nested data.',
    ui: { section: 'advanced', icon: 'far fa-layer-minus' },
    properties: {
      data: selector(['*'], {
        title: 'Data',
        description: 'Nested data (one level deeper than the output) to collapse.',
        examples: ['$steps.ocr_step.results'],
      }),
    },
    required: ['data'],
    outputs: [{ name: 'output', kind: ['list_of_values'] }],
    autoBatchCastParameters: ['data'],
    outputDimensionalityOffset: -1,
  },
  run({ data }) {
    // Called per parent element with the group of children; a batch of groups gets one result per group.
    if (isBatch(data) && data.values.length > 0 && data.values.every((v) => v === null || isBatch(v))) {
      return data.values.map((group) => (group ? collapse(group as Batch) : { output: [] }));
    }
    return collapse(isBatch(data) ? data : Array.isArray(data) ? data : [data]);
  },
});
