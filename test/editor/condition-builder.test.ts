// The UQL condition builder in real headless Chromium against a real server: a detect → continue_if →
// property_definition workflow whose condition ("count of detections > 2"), parameter and operations chain are
// made only with the builder forms, run on bus.jpg (the gated output appears), then the threshold raised (the
// branch stops) and the statement negated (it runs again), and finally the JSON toggle shows the same
// statement. Screenshots: test-output/editor/c-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { needsChromium, openBrowserPage, runOnImage } from './browser.ts';
import { CONFORMANCE_DIR, needsShared, sharedImage } from '../helpers/shared.ts';
import { startTestServer, TEST_MODEL_ID, type RunningServer } from '../helpers/server.ts';
import { watchRunFrames, type RunFrames } from './run-frames.ts';

const skip = needsChromium || needsShared;

let server: RunningServer;
let browser: Browser;
let page: Page;
let frames: RunFrames;
let shot: (name: string) => Promise<unknown>;

before(async () => {
  if (skip) return;
  server = await startTestServer({ config: { serveEditor: true } });
  let shotAs: (name: string) => Promise<unknown>;
  ({ browser, page, shot: shotAs } = await openBrowserPage());
  frames = watchRunFrames(page);
  shot = (name) => shotAs(`c-${name}`);
  await page.goto(server.url);
  await page.getByTestId('palette-group-model').waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const skeleton = {
  version: '1.0',
  inputs: [{ type: 'WorkflowImage', name: 'image' }],
  steps: [
    {
      type: 'roboflow_core/roboflow_object_detection_model@v2',
      name: 'det',
      images: '$inputs.image',
      model_id: TEST_MODEL_ID,
      confidence: 0.35,
    },
    { type: 'roboflow_core/continue_if@v1', name: 'gate', next_steps: ['$steps.count'] },
    { type: 'roboflow_core/property_definition@v1', name: 'count', data: '$steps.det.predictions' },
  ],
  outputs: [{ type: 'JsonField', name: 'count', selector: '$steps.count.output' }],
};

const stepOf = async (name: string) =>
  JSON.parse(await page.evaluate(() => localStorage.getItem('sightline-editor-draft') ?? '{}')).definition.steps.find(
    (s: { name: string }) => s.name === name,
  );

async function commit(testid: string, text: string): Promise<void> {
  await page.getByTestId(testid).fill(text);
  await page.getByTestId(testid).press('Enter');
}

/** Run (the panel already open) and return the first output object the server sent. */
async function runAgain(): Promise<Record<string, unknown>> {
  const result = frames.next((m) => m.type === 'result');
  await page.getByTestId('run-button').click();
  const body = await result;
  await page.getByTestId('run-result').waitFor();
  return body.outputs[0];
}

test(
  'continue_if "count of detections > 2" built with the builder gates property_definition on bus.jpg',
  { skip },
  async () => {
    await page.getByTestId('open-files').click();
    await page.getByTestId('import-text').fill(JSON.stringify(skeleton));
    await page.getByTestId('import-button').click();
    await page.getByTestId('node-step-gate').waitFor();

    // property_definition's operations: one SequenceLength from the chain picker.
    await page.getByTestId('node-step-count').click();
    await page.getByTestId('uql-operations-add').selectOption('SequenceLength');
    await page.getByTestId('uql-operations-0').getByText('SequenceLength').waitFor();
    assert.deepEqual((await stepOf('count')).operations, [{ type: 'SequenceLength' }]);

    // continue_if: a `predictions` parameter linked to the detections, then the condition.
    await page.getByTestId('node-step-gate').click();
    await page.getByTestId('field-evaluation_parameters-add').click();
    await page.getByTestId('field-evaluation_parameters-value-0').selectOption('$steps.det.predictions');
    await commit('field-evaluation_parameters-key-0', 'predictions');
    await page.getByTestId('uql-condition_statement-add').click();
    const row = 'uql-condition_statement-0';
    assert.equal(
      await page.getByTestId(`${row}-left-name`).inputValue(),
      'predictions',
      'the dynamic operand offers the declared parameter',
    );
    await page.getByTestId(`${row}-left-ops-add`).selectOption('SequenceLength');
    await page.getByTestId(`${row}-comparator`).selectOption('(Number) >');
    await commit(`${row}-right-value`, '2');
    await page.getByTestId('validation-status').getByText('valid').waitFor({ timeout: 15_000 });
    await shot('01-condition');

    const gate = await stepOf('gate');
    assert.deepEqual(gate.evaluation_parameters, { predictions: '$steps.det.predictions' });
    assert.deepEqual(gate.condition_statement, {
      type: 'StatementGroup',
      operator: 'and',
      statements: [
        {
          type: 'BinaryStatement',
          left_operand: {
            type: 'DynamicOperand',
            operand_name: 'predictions',
            operations: [{ type: 'SequenceLength' }],
          },
          comparator: { type: '(Number) >' },
          right_operand: { type: 'StaticOperand', value: 2 },
        },
      ],
    });

    const result = frames.next((m) => m.type === 'result');
    await runOnImage(page, sharedImage('bus.jpg'));
    const first = (await result).outputs[0];
    assert.equal(typeof first.count, 'number');
    assert.ok(first.count > 2, `bus.jpg has more than 2 detections, got ${first.count}`);
    await page.getByTestId('run-result').getByText(`count: `).waitFor();
    await shot('02-gate-open');

    // Raise the threshold: the branch stops and the gated output is empty.
    await commit(`${row}-right-value`, '50');
    assert.deepEqual((await stepOf('gate')).condition_statement.statements[0].right_operand, {
      type: 'StaticOperand',
      value: 50,
    });
    const closed = await runAgain();
    assert.equal(closed.count, null, 'count is not computed when the condition does not hold');
    await shot('03-gate-closed');

    // Negate it: "not (count > 50)" holds again.
    await page.getByTestId(`${row}-negate`).check();
    assert.equal((await stepOf('gate')).condition_statement.statements[0].negate, true);
    const reopened = await runAgain();
    assert.equal(reopened.count, first.count);
    await shot('04-negated');

    // The JSON toggle shows the same statement as raw JSON.
    await page.getByTestId('uql-condition_statement-mode-json').click();
    const json = JSON.parse(await page.getByTestId('uql-condition_statement-json').inputValue());
    assert.deepEqual(json, (await stepOf('gate')).condition_statement);
    await shot('05-json');
    await page.getByTestId('uql-condition_statement-mode-builder').click();
    await page.getByTestId(`${row}-comparator`).waitFor();
  },
);

test('a conformance expression opens in the builder (cases, chains) and exports unchanged', { skip }, async () => {
  const file = path.join(
    CONFORMANCE_DIR,
    'defs',
    'test_workflow_with_property_extraction__WORKFLOW_WITH_EXTRACTION_OF_CLASSES_FOR_DETECTIONS.json',
  );
  const text = fs.readFileSync(file, 'utf8');
  await page.getByTestId('toggle-run').click();
  await page.getByTestId('open-files').click();
  await page.getByTestId('import-text').fill(text);
  await page.getByTestId('import-button').click();
  await page.getByTestId('node-step-expression').click();
  await page.getByTestId('uql-switch').waitFor();
  assert.equal(await page.getByTestId('uql-switch-parse-error').count(), 0);
  // Each case's condition compares named data; the comparator select shows the definition's operator.
  const comparator = page.getByTestId('uql-switch-0-when-0-comparator');
  assert.equal(
    await comparator.inputValue(),
    JSON.parse(text).steps.find((s: { name: string }) => s.name === 'expression').switch.cases[0].condition
      .statements[0].comparator.type,
  );
  await shot('06-expression');
  await page.getByTestId('node-step-property_extraction').click();
  await page.getByTestId('uql-operations-0-property_name').waitFor();
  await shot('07-chain');
  await page.getByTestId('open-files').click();
  assert.deepEqual(
    JSON.parse(await page.getByTestId('export-text').inputValue()),
    JSON.parse(text),
    'viewing in the builder changed nothing',
  );
  await page.getByTestId('modal-close').click();
});
