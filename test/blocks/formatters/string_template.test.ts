// string_template@v1: Roboflow's unit-test expectations for Python str.format templates (named placeholders,
// format specs, nested specs, escapes, every error row) and its integration workflow over HTTP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { renderTemplate, stringTemplateV1 } from '../../../blocks/formatters/string_template_v1.ts';
import { pyFormatValue } from '../../../blocks/common/py-format.ts';
import { stepContext } from '../../helpers/step-context.ts';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { post } from '../../server/http.ts';

const run = async (template: unknown, data: Record<string, unknown> = {}, data_operations = {}) =>
  ((await stringTemplateV1.run({ template, data, data_operations } as never, stepContext())) as { output: string })
    .output;

describe('string_template@v1 rendering', () => {
  test("Roboflow's examples", async () => {
    assert.equal(await run('static prompt'), 'static prompt');
    assert.equal(
      await run('Found {count} instances of {label}', { count: 3, label: 'person' }),
      'Found 3 instances of person',
    );
    assert.equal(await run('Only {a}', { a: 1, extra: 'x' }), 'Only 1');
    assert.equal(
      await run('{skus}', { skus: ['SKU-1', 'SKU-2', 'SKU-3'] }, { skus: [{ type: 'SequenceJoin', separator: ', ' }] }),
      'SKU-1, SKU-2, SKU-3',
    );
    assert.equal(
      await run('Answer in JSON: {{"class": "{label}"}}', { label: 'person' }),
      'Answer in JSON: {"class": "person"}',
    );
    assert.equal(await run('Confidence: {confidence:.2f}', { confidence: 0.98765 }), 'Confidence: 0.99');
    assert.equal(
      await run('Confidence: {confidence:{width}}', { confidence: 0.98765, width: '.2f' }),
      'Confidence: 0.99',
    );
    assert.equal(await run('{confidence:.2f} {value:>10}', { confidence: 0.123, value: 'ok' }), '0.12         ok');
  });

  test('Python value rendering and the format mini-language', () => {
    const r = (t: string, v: unknown) => renderTemplate(t, { v });
    assert.equal(r('{v}', true), 'True');
    assert.equal(r('{v}', null), 'None');
    assert.equal(r('{v}', 1e-5), '1e-05');
    assert.equal(r('{v}', 0.5), '0.5');
    assert.equal(r('{v}', ['a', 'b']), "['a', 'b']");
    assert.equal(r('{v!r}', 'x'), "'x'");
    assert.equal(r('{v:,}', 1234567), '1,234,567');
    assert.equal(r('{v:08.3f}', -3.14159), '-003.142');
    assert.equal(r('{v:+d}', 5), '+5');
    assert.equal(r('{v:^7}', 'ab'), '  ab   ');
    assert.equal(r('{v:*<5}', 'ab'), 'ab***');
    assert.equal(r('{v:.1%}', 0.25), '25.0%');
    assert.equal(r('{v:x}', 255), 'ff');
    assert.equal(r('{v:#b}', 5), '0b101');
    assert.equal(r('{v:.3e}', 12345.678), '1.235e+04');
    assert.equal(r('{v:g}', 0.0001234), '0.0001234');
    assert.equal(r('{v:.2}', 'hello'), 'he');
    assert.equal(pyFormatValue(true, 'd'), '1');
  });
});

describe('string_template@v1 errors (Roboflow messages)', () => {
  const rows: Array<[unknown, Record<string, unknown>, Record<string, unknown>, RegExp]> = [
    [42, {}, {}, /expected template to be a string, got value of type int/],
    ['Hello {name', { name: 'x' }, {}, /could not parse template: .*Use double braces to produce literal braces/],
    ['Hello name}', { name: 'x' }, {}, /could not parse template: Single '}'/],
    [
      '{} and {0}',
      {},
      {},
      /does not support positional placeholders - use named placeholders, e.g. `\{variable_name\}`/,
    ],
    ['{v:{0}}', { v: 1 }, {}, /does not support positional placeholders/],
    ['{name.__class__}', { name: 'x' }, {}, /does not support attribute or index access in placeholders/],
    ['{names[0]}', { names: ['x'] }, {}, /does not support attribute or index access/],
    [
      '{v:{width}}',
      { v: 1 },
      {},
      /template references variables \['width'\] which are not declared in data. Declared variables: \['v'\]/,
    ],
    [
      '{a}',
      { a: 'x' },
      { other: [{ type: 'StringToUpperCase' }] },
      /defines operations for variable `other` which is not declared in data/,
    ],
    ['{v:>10001}', { v: 'x' }, {}, /exceeding the maximum allowed width or precision of 10000/],
    ['{v:{w}}', { v: 'x', w: '.20000' }, {}, /exceeding the maximum allowed width or precision of 10000/],
    ['{v:d}', { v: 'text' }, {}, /could not render template: .*Check that format specs match the types/],
    ['{v:>10}', { v: null }, {}, /could not render template: unsupported format string passed to NoneType.__format__/],
  ];
  for (const [template, data, ops, expected] of rows) {
    test(`${JSON.stringify(template)} → ${expected.source.slice(0, 50)}`, async () => {
      await assert.rejects(run(template, data, ops), (error: Error) => {
        assert.equal(error.name, 'ValueError');
        assert.match(error.message, /^String Template block /);
        assert.match(error.message, expected);
        return true;
      });
    });
  }

  test('rendered output over 1,000,000 characters is refused', async () => {
    const big = 'x'.repeat(600_000);
    await assert.rejects(run('{a}{b}', { a: big, b: big }), /exceeds the maximum allowed rendered length of 1000000/);
  });
});

describe('string_template@v1 over HTTP', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
  });

  test("Roboflow's integration workflow: template from an input, SequenceJoin, a second template wrapping it", async () => {
    const res = await post(server, '/workflows/run', {
      specification: {
        version: '1.0',
        inputs: [
          { type: 'WorkflowParameter', name: 'prompt_template' },
          { type: 'WorkflowParameter', name: 'skus' },
        ],
        steps: [
          {
            type: 'roboflow_core/string_template@v1',
            name: 'prompt',
            template: '$inputs.prompt_template',
            data: { sku_list: '$inputs.skus', fallback_answer: 'NONE' },
            data_operations: { sku_list: [{ type: 'SequenceJoin', separator: ', ' }] },
          },
          {
            type: 'roboflow_core/string_template@v1',
            name: 'wrapped',
            template: 'PROMPT START. {inner} PROMPT END.',
            data: { inner: '$steps.prompt.output' },
          },
        ],
        outputs: [
          { type: 'JsonField', name: 'prompt', selector: '$steps.prompt.output' },
          { type: 'JsonField', name: 'wrapped', selector: '$steps.wrapped.output' },
        ],
      },
      inputs: {
        prompt_template: 'This facing contains one of: {sku_list}. Answer with the product name or {fallback_answer}.',
        skus: ['SKU-1', 'SKU-2', 'SKU-3'],
      },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 400));
    const expected = 'This facing contains one of: SKU-1, SKU-2, SKU-3. Answer with the product name or NONE.';
    assert.equal(res.body.outputs[0].prompt, expected);
    assert.equal(res.body.outputs[0].wrapped, `PROMPT START. ${expected} PROMPT END.`);
  });

  test('a template error is a 500 step error naming the step and ValueError', async () => {
    const res = await post(server, '/workflows/run', {
      specification: {
        version: '1.0',
        inputs: [],
        steps: [{ type: 'roboflow_core/string_template@v1', name: 'tpl', template: 'Hi {0}', data: {} }],
        outputs: [{ type: 'JsonField', name: 'out', selector: '$steps.tpl.output' }],
      },
      inputs: {},
    });
    assert.equal(res.status, 500);
    assert.equal(res.body.inner_error_type, 'ValueError');
    assert.match(res.body.message, /tpl/);
    assert.match(res.body.inner_error_message, /positional placeholders/);
  });
});
