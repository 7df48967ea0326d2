import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowControl, WorkflowImage } from '../../../engine/index.ts';
import { frameDelayV1 } from '../../../blocks/fusion/frame_delay_v1.ts';
import { expressionV1 } from '../../../blocks/formatters/expression_v1.ts';
import { propertyDefinitionV1 } from '../../../blocks/formatters/property_definition_v1.ts';
import { firstNonEmptyOrDefaultV1 } from '../../../blocks/formatters/first_non_empty_or_default_v1.ts';
import { stringTemplateV1 } from '../../../blocks/formatters/string_template_v1.ts';
import { continueIfV1 } from '../../../blocks/flow_control/continue_if_v1.ts';
import { switchCaseV1 } from '../../../blocks/flow_control/switch_case_v1.ts';
import { context, call, twoColourImage, boxes } from '../../helpers/block-call.ts';

describe('formatters and flow control', () => {
  test('expression: first matching case, dynamic result with operations, default', async () => {
    const switchDef = {
      type: 'CasesDefinition',
      cases: [
        {
          type: 'CaseDefinition',
          condition: {
            type: 'StatementGroup',
            statements: [
              {
                type: 'BinaryStatement',
                left_operand: { type: 'DynamicOperand', operand_name: 'classes' },
                comparator: { type: '==' },
                right_operand: { type: 'DynamicOperand', operand_name: 'reference' },
              },
            ],
          },
          result: { type: 'StaticCaseResult', value: 'PASS' },
        },
      ],
      default: {
        type: 'DynamicCaseResult',
        parameter_name: 'count',
        operations: [{ type: 'ToNumber', cast_to: 'int' }],
      },
    };
    assert.deepEqual(
      await call(expressionV1, {
        data: { classes: ['dog'], reference: ['dog'], count: '3' },
        switch: switchDef,
      } as any),
      { output: 'PASS' },
    );
    assert.deepEqual(
      await call(expressionV1, {
        data: { classes: ['cat'], reference: ['dog'], count: '3' },
        switch: switchDef,
      } as any),
      { output: 3 },
    );
  });

  test('property_definition and first_non_empty_or_default', async () => {
    const d = boxes([
      [0, 0, 10, 10, 0.9, 'a'],
      [0, 0, 10, 10, 0.9, 'b'],
    ]);
    assert.deepEqual(await call(propertyDefinitionV1, { data: d, operations: [{ type: 'SequenceLength' }] }), {
      output: 2,
    });
    assert.deepEqual(await call(firstNonEmptyOrDefaultV1, { data: [null, 0, 1] }), { output: 0 });
    assert.deepEqual(await call(firstNonEmptyOrDefaultV1, { data: [null], default: 'none' }), { output: 'none' });
  });

  test('continue_if and switch_case return flow control', async () => {
    const condition = {
      type: 'StatementGroup',
      statements: [
        {
          type: 'BinaryStatement',
          left_operand: { type: 'DynamicOperand', operand_name: 'left' },
          comparator: { type: '(Number) ==' },
          right_operand: { type: 'StaticOperand', value: 1 },
        },
      ],
    };
    const yes = await call(continueIfV1, {
      condition_statement: condition as any,
      evaluation_parameters: { left: 1 },
      next_steps: ['$steps.model'],
    });
    assert.ok(yes instanceof FlowControl);
    assert.deepEqual(yes.context, ['$steps.model']);
    const no = await call(continueIfV1, {
      condition_statement: condition as any,
      evaluation_parameters: { left: 2 },
      next_steps: ['$steps.model'],
    });
    assert.deepEqual(no.context, []);
    const routed = await call(switchCaseV1, {
      value: 'Cat',
      cases: { cat: '$steps.a', dog: ['$steps.b'] },
      default_next_steps: ['$steps.c'],
      case_insensitive: true,
    });
    assert.deepEqual(routed.context, ['$steps.a']);
    assert.deepEqual(
      (await call(switchCaseV1, { value: 'bird', cases: { cat: '$steps.a' }, default_next_steps: ['$steps.c'] }))
        .context,
      ['$steps.c'],
    );
  });

  test('string_template fills Python-style placeholders (more in string_template.test.ts)', async () => {
    const out = await call(stringTemplateV1, {
      template: 'Seen {n} of {what} {{literal}}',
      data: { n: ['a', 'b'], what: 'cars' },
      data_operations: { n: [{ type: 'SequenceLength' }] },
    });
    assert.equal(out.output, 'Seen 2 of cars {literal}');
  });

  test('frame_delay returns the value from |offset| frames earlier', async () => {
    const ctx = context('past');
    const frames = await Promise.all(
      [0, 1, 2].map(async (n) => {
        const image = await twoColourImage();
        return new WorkflowImage(image.pixels, image.width, image.height, {
          parentId: 'image',
          videoMetadata: { video_identifier: 'v', frame_number: n, frame_timestamp: new Date(0).toISOString() },
        });
      }),
    );
    const results = [];
    for (const [n, image] of frames.entries())
      results.push(await call(frameDelayV1, { image, data: n * 10, offset: -1 }, ctx));
    assert.deepEqual(results, [
      { output: null, is_available: false, reference_frame_number: 0 },
      { output: 0, is_available: true, reference_frame_number: 1 },
      { output: 10, is_available: true, reference_frame_number: 2 },
    ]);
  });
});
