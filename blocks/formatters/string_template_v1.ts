// roboflow_core/string_template@v1: fills `{{ $parameters.name }}` placeholders of a template, each value
// optionally passed through UQL operations first.
import { defineBlock, literal, literalOrSelector, selectorDict } from '../../engine/index.ts';
import { fillPlaceholders, transformParameters, type OperationDefinition } from '../common/uql/index.ts';

interface Params {
  template: string;
  data: Record<string, unknown>;
  data_operations: Record<string, OperationDefinition[]>;
}

export const stringTemplateV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/string_template@v1',
    humanName: 'String Template',
    version: 'v1',
    blockType: 'formatter',
    shortDescription: 'Fill a text template with workflow data.',
    license: 'Apache-2.0',
    ui: { section: 'advanced', icon: 'far fa-text' },
    properties: {
      template: literalOrSelector({ type: 'string' }, ['string'], {
        title: 'Template',
        description: 'Text with {{ $parameters.name }} placeholders.',
        examples: ['Found {{ $parameters.count }} objects'],
      }),
      data: selectorDict(['*'], {
        title: 'Data',
        description: 'Values for the placeholders.',
        default: {},
        examples: [{ count: '$steps.counter.output' }],
      }),
      data_operations: literal(
        { type: 'object', additionalProperties: { type: 'array' } },
        { title: 'Data Operations', description: 'UQL operations applied to values before substitution.', default: {} },
      ),
    },
    required: ['template'],
    outputs: [{ name: 'output', kind: ['string'] }],
    executionEngineCompatibility: '>=1.3.0,<2.0.0',
  },
  async run({ template, data, data_operations }, context) {
    const values = await transformParameters(data ?? {}, data_operations, context.stepName, 'data_operations');
    return { output: fillPlaceholders(String(template), values) };
  },
});
