// roboflow_core/property_definition@v1: applies a UQL operations chain to any value.
import { defineBlock, literal, selector } from '../../engine/index.ts';
import { executeOperations, validateOperations, type OperationDefinition } from '../common/uql/index.ts';

interface Params {
  data: unknown;
  operations: OperationDefinition[];
}

export const propertyDefinitionV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/property_definition@v1',
    aliases: ['PropertyDefinition', 'PropertyExtraction'],
    humanName: 'Property Definition',
    version: 'v1',
    blockType: 'formatter',
    shortDescription:
      'Define a variable from model predictions, such as the class names, confidences, or number of detections.',
    ui: { section: 'advanced', icon: 'fal fa-gear-code', blockPriority: 0, inDevelopment: false },
    properties: {
      data: selector(['*'], {
        title: 'Data',
        description: 'Data to extract the property from.',
        examples: ['$steps.my_step.predictions'],
      }),
      operations: literal(
        { type: 'array', items: { type: 'object', properties: { type: { type: 'string' } }, required: ['type'] } },
        {
          title: 'Operations',
          description: 'UQL operations to apply to the data.',
          examples: [[{ type: 'DetectionsPropertyExtract', property_name: 'class_name' }]],
        },
      ),
    },
    required: ['data', 'operations'],
    outputs: [{ name: 'output', kind: ['*'] }],
  },
  async run({ data, operations }, context) {
    const ctx = { parameters: {}, executionContext: `step: ${context.stepName} | operations` };
    validateOperations(operations, ctx);
    return { output: await executeOperations(data, operations, ctx) };
  },
});
