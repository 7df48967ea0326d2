// The editor's first ten minutes (issue #11), part one: building a first workflow, in real headless Chromium against
// one real server with the seeded examples and the test model: start screen, model picker, search ranking, wiring,
// not losing work, and the newcomer task through the UI only. Part two (errors, operations, panels, results,
// comforts): newcomer-comforts.test.ts. Screenshots: test-output/editor/n-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { answerDialogs, dialogMessages, needsChromium } from './browser.ts';
import {
  draft,
  dragOut,
  dragTo,
  emptySpotRightOf,
  firstHit,
  freshPage,
  openNewcomerEditor,
  portCenter,
  quickAdd,
  settle,
} from './newcomer-actions.ts';
import { hasShared, needsShared, sharedImage } from '../helpers/shared.ts';
import { TEST_MODEL_ID, type RunningServer } from '../helpers/server.ts';

const skip = needsChromium;

let server: RunningServer;
let browser: Browser;
let page: Page;
let shot: (name: string) => Promise<unknown>;

before(async () => {
  if (skip) return;
  ({ server, browser, page, shot } = await openNewcomerEditor());
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('1. an empty editor shows a start screen; an example opens with one click and runs', { skip }, async () => {
  await page.getByTestId('start-screen').waitFor();
  await page.getByTestId('example-detect-and-count').waitFor();
  const cards = await page.locator('.example-card').count();
  assert.equal(cards, 5, 'the five shipped examples');
  for (const id of ['start-new', 'start-import', 'start-browse']) assert.ok(await page.getByTestId(id).isVisible());
  await shot('01-start');
  await page.getByTestId('example-detect-and-count').click();
  await page.getByTestId('node-step-count').waitFor();
  assert.equal(await page.getByTestId('start-screen').count(), 0);
  await page.getByTestId('run-panel').waitFor();
  assert.match(await page.getByTestId('doc-name').innerText(), /examples \/ detect-and-count/);
  if (!hasShared) return;
  await page.getByTestId('run-file-image').setInputFiles(sharedImage('bus.jpg'));
  await page.getByTestId('run-button').click();
  await page.getByTestId('run-result').waitFor({ timeout: 60_000 });
  await page.getByTestId('result-values').waitFor();
  await shot('02-example-run');
});

test(
  '2. the model picker lists the installed test model; picking it validates; unknown ids are flagged',
  { skip: skip || needsShared },
  async () => {
    await freshPage(page);
    const res = await fetch(`${server.url}/model/packages`);
    const listed = (await res.json()).packages;
    assert.deepEqual(
      listed.map((m: { model_id: string }) => m.model_id),
      [TEST_MODEL_ID],
    );
    assert.equal(listed[0].task_type, 'object-detection');
    assert.equal(listed[0].classes[0], 'person');
    assert.ok(listed[0].aliases.includes('yolov8n-640'));
    assert.deepEqual([listed[0].input_width, listed[0].input_height], [640, 640]);
    assert.doesNotMatch(JSON.stringify(listed), /\/tmp|sightline-test|weights\.onnx/, 'no paths');

    await page.getByTestId('start-new').click();
    await quickAdd(page, 'detect');
    await page.keyboard.press('Enter');
    await page.getByTestId('node-step-object_detection_model').waitFor();
    await page.getByTestId('node-step-object_detection_model').click();
    await page.getByTestId('model-picker-toggle').click();
    await page.getByTestId(`model-option-${TEST_MODEL_ID}`).waitFor();
    await shot('03-model-picker');
    await page.getByTestId(`model-option-${TEST_MODEL_ID}`).click();
    assert.equal(await page.getByTestId('field-model_id-input').inputValue(), TEST_MODEL_ID);
    await page.getByTestId('class-chip-person').click();
    const step = (await draft(page)).steps[0];
    assert.equal(step.model_id, TEST_MODEL_ID);
    assert.deepEqual(step.class_filter, ['person']);
    assert.equal(await page.getByTestId('model-warning').count(), 0);

    await page.getByTestId('field-model_id-input').fill('coco/33');
    await page
      .getByTestId('model-warning')
      .getByText("'coco/33' is not installed here; did you mean coco/3?")
      .waitFor();
    await page.getByTestId('validation-warnings').waitFor();
    await shot('04-model-unknown');
    await page.getByTestId('field-model_id-input').fill('yolov8n-640');
    await page.getByTestId('model-warning').waitFor({ state: 'detached' });
  },
);

test(
  '3. search ranks by relevance, maps common words, moves with arrow keys and stays on screen',
  { skip },
  async () => {
    await freshPage(page);
    await page.getByTestId('start-new').click();
    const expected: Array<[string, string]> = [
      ['crop', 'roboflow_core/dynamic_crop@v1'],
      ['bounding box', 'roboflow_core/bounding_box_visualization@v1'],
      ['count', 'roboflow_core/property_definition@v1'],
      ['blur', 'roboflow_core/blur_visualization@v1'],
      ['track', 'roboflow_core/byte_tracker@v3'],
      ['ocr', 'roboflow_core/ocr_model@v1'],
      ['filter', 'roboflow_core/detections_filter@v1'],
    ];
    for (const [query, type] of expected) {
      await quickAdd(page, query);
      assert.equal(await firstHit(page), type, `"${query}" puts ${type} first`);
      if (query === 'count') {
        assert.match(await page.getByTestId('quick-add-item').first().innerText(), /Count detections/);
        await shot('05-search-count');
      }
      await page.keyboard.press('Escape');
    }
    // Arrow keys move the highlight; Enter adds the highlighted block.
    await quickAdd(page, 'blur');
    await page.keyboard.press('ArrowDown');
    const second = await page.locator('.quick-add-item.active').getAttribute('data-type');
    assert.notEqual(second, 'roboflow_core/blur_visualization@v1');
    await page.keyboard.press('ArrowUp');
    assert.equal(
      await page.locator('.quick-add-item.active').getAttribute('data-type'),
      'roboflow_core/blur_visualization@v1',
    );
    await page.keyboard.press('Escape');
    // Opened at the bottom-right corner, the popup is still fully visible.
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    await quickAdd(page, 'count', { x: canvas.width - 5, y: canvas.height - 5 });
    const popup = (await page.getByTestId('quick-add').boundingBox())!;
    assert.ok(popup.x + popup.width <= 1280 && popup.y + popup.height <= 800, JSON.stringify(popup));
    await page.keyboard.press('Enter');
    await page.getByTestId('node-step-count').waitFor();
    assert.deepEqual((await draft(page)).steps[0].operations, [{ type: 'SequenceLength' }]);
    // The palette ranks the same way.
    await page.getByTestId('palette-search').fill('crop');
    assert.equal(
      await page.getByTestId('palette-results').locator('[data-line], [data-recipe]').first().getAttribute('data-line'),
      'roboflow_core/dynamic_crop',
    );
    await shot('06-palette-crop');
    await page.getByTestId('palette-search').fill('');
  },
);

test(
  '4. a wire dropped on empty canvas adds a wired block; wires select and delete; cycles are refused',
  { skip },
  async () => {
    await freshPage(page);
    await page.getByTestId('start-new').click();
    await page.getByTestId('node-input-image').waitFor();
    await page.getByTestId('layout').click();
    await page.waitForTimeout(300);
    // Zoom out a little so there is empty canvas to the right of each node.
    await page.locator('.react-flow__controls-zoomout').click();
    await page.locator('.react-flow__controls-zoomout').click();
    await page.waitForTimeout(300);
    await dragOut(page, 'node-input-image', 'value', 'object detection', 200);
    await page.getByTestId('node-step-object_detection_model').waitFor();
    assert.equal((await draft(page)).steps[0].images, '$inputs.image');
    await page.getByTestId('layout').click();
    await page.waitForTimeout(400);
    await dragOut(page, 'node-step-object_detection_model', 'predictions', 'bounding box', 200, 60);
    await page.getByTestId('node-step-bounding_box_visualization').waitFor();
    const viz = (await draft(page)).steps[1];
    assert.equal(viz.predictions, '$steps.object_detection_model.predictions');
    assert.equal(viz.image, '$inputs.image', "the new block's other required port is filled from the only image");
    await page.getByTestId('layout').click();
    await page.waitForTimeout(400);
    await shot('07-wired-by-drag');

    // viz.image → detector.images would close a loop: refused, with the reason.
    await dragTo(
      page,
      await portCenter(page, 'node-step-bounding_box_visualization', 'source', 'image'),
      await portCenter(page, 'node-step-object_detection_model', 'target', 'images'),
    );
    await page
      .getByTestId('message-bar')
      .getByText(/Connection refused: it would make a cycle/)
      .waitFor();
    assert.equal((await draft(page)).steps[0].images, '$inputs.image', 'the wire it would replace stays');
    await shot('08-cycle-refused');

    // Click the predictions wire, Delete removes it.
    const before = await page.locator('.react-flow__edge').count();
    const edge = page.locator('.react-flow__edge[data-id*="|predictions->step:bounding_box_visualization"]');
    await edge.click();
    await page.locator('.react-flow__edge.selected').waitFor();
    await page.keyboard.press('Delete');
    await page.waitForFunction((n) => document.querySelectorAll('.react-flow__edge').length === n, before - 1);
    assert.equal((await draft(page)).steps[1].predictions, undefined);
  },
);

test(
  '5. unsaved marker, prompt before replacing, Ctrl+S, the open workflow comes back after reload',
  { skip },
  async () => {
    await freshPage(page);
    assert.equal(await page.getByTestId('unsaved-marker').count(), 0, 'an empty canvas has nothing to lose');
    await page.getByTestId('start-new').click();
    await page.getByTestId('unsaved-marker').waitFor();
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+s');
    await page.getByTestId('save-as-name').fill('my-flow');
    await page.keyboard.press('Enter');
    await page.getByTestId('unsaved-marker').waitFor({ state: 'detached' });
    assert.match(await page.getByTestId('doc-name').innerText(), /default \/ my-flow/);
    await quickAdd(page, 'blur');
    await page.keyboard.press('Enter');
    await page.getByTestId('unsaved-marker').waitFor();
    await shot('09-unsaved');
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+s');
    await page.getByTestId('unsaved-marker').waitFor({ state: 'detached' });
    const versions = await (await fetch(`${server.url}/workspaces/default/workflows/my-flow/versions`)).json();
    assert.equal(versions.versions.length, 2, 'Ctrl+S saved a second version without asking again');

    await page.reload();
    await page.getByTestId('node-step-blur_visualization').waitFor();
    assert.match(await page.getByTestId('doc-name').innerText(), /default \/ my-flow/);
    assert.equal(await page.getByTestId('unsaved-marker').count(), 0);

    // Unsaved work, then open another workflow: asked first; "no" keeps the canvas.
    await quickAdd(page, 'crop');
    await page.keyboard.press('Enter');
    await page.getByTestId('node-step-dynamic_crop').waitFor();
    answerDialogs(page, false);
    const asked = dialogMessages(page).length;
    await page.getByTestId('open-workflows').click();
    await page.getByTestId('ws-pick-examples').click();
    await page.getByTestId('ws-open-blur-people').click();
    assert.equal(dialogMessages(page).length, asked + 1);
    assert.match(dialogMessages(page).at(-1)!, /Unsaved changes to default\/my-flow will be lost/);
    assert.equal(await page.getByTestId('node-step-dynamic_crop').count(), 1, 'no: the canvas stays');
    answerDialogs(page, true);
    await page.getByTestId('ws-open-blur-people').click();
    await page.getByTestId('modal-close').click();
    await page.getByTestId('node-step-dynamic_crop').waitFor({ state: 'detached' });
    // Undo brings the replaced canvas back.
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await page.getByTestId('node-step-dynamic_crop').waitFor();
  },
);

test(
  'the newcomer task through the UI only: people → crop → OCR, boxes + labels, count',
  { skip: skip || needsShared },
  async () => {
    await freshPage(page);
    let actions = 0;
    const log: string[] = [];
    const act = async (what: string, fn: () => Promise<unknown>) => {
      actions++;
      log.push(what);
      await fn().catch(async (err) => {
        await shot('fail-newcomer');
        throw err;
      });
    };
    const waitNode = (id: string) =>
      page
        .getByTestId(id)
        .waitFor({ timeout: 10_000 })
        .catch(async (err) => {
          await shot('fail-newcomer');
          throw err;
        });
    const wireOut = async (node: string, port: string, query: string) => {
      await settle(page);
      const from = await portCenter(page, node, 'source', port);
      const to = await emptySpotRightOf(page, from);
      await act(`drag ${port} onto empty canvas`, () => dragTo(page, from, to));
      await act(`type "${query}"`, () => page.getByTestId('quick-add').locator('input').fill(query));
      await act('Enter', () => page.keyboard.press('Enter'));
    };
    await act('New workflow', () => page.getByTestId('start-new').click());
    await wireOut('node-input-image', 'value', 'people');
    await waitNode('node-step-object_detection_model');
    await act('Choose an installed model', () => page.getByTestId('model-picker-toggle').click());
    await act('pick coco/3', () => page.getByTestId(`model-option-${TEST_MODEL_ID}`).click());
    await act('keep only person', () => page.getByTestId('class-chip-person').click());
    await wireOut('node-step-object_detection_model', 'predictions', 'crop');
    await waitNode('node-step-dynamic_crop');
    await wireOut('node-step-dynamic_crop', 'crops', 'ocr');
    await waitNode('node-step-ocr_model');
    await act('add output: result', () => page.getByTestId('add-output-result').click());
    await wireOut('node-step-object_detection_model', 'predictions', 'bounding box');
    await waitNode('node-step-bounding_box_visualization');
    await wireOut('node-step-bounding_box_visualization', 'image', 'label');
    await waitNode('node-step-label_visualization');
    await act('add output: image', () => page.getByTestId('add-output-image').click());
    await wireOut('node-step-object_detection_model', 'predictions', 'count');
    await waitNode('node-step-count');
    await act('add output: count', () => page.getByTestId('add-output-output').click());
    await page.getByTestId('validation-status').getByText('valid').waitFor({ timeout: 15_000 });
    await shot('20-newcomer-built');

    await act('Run', () => page.getByTestId('toggle-run').click());
    await act('choose bus.jpg', () => page.getByTestId('run-file-image').setInputFiles(sharedImage('bus.jpg')));
    await act('Run workflow', () => page.getByTestId('run-button').click());
    await page.getByTestId('run-result').waitFor({ timeout: 90_000 });
    await page.getByTestId('result-values').waitFor();
    await page.waitForTimeout(400);
    await shot('21-newcomer-run');

    const def = await draft(page);
    const det = def.steps.find((s: { name: string }) => s.name === 'object_detection_model');
    assert.deepEqual({ model: det.model_id, filter: det.class_filter }, { model: TEST_MODEL_ID, filter: ['person'] });
    const count = Number(await page.getByTestId('result-value-count').locator('.value-big').innerText());
    assert.ok(count >= 3, `people counted: ${count}`);
    const texts = await page.getByTestId('result-value-result').locator('li').count();
    assert.equal(texts, count, 'one OCR text per person crop');
    await page.getByTestId('result-image-image').waitFor();
    console.log(`newcomer task: ${actions} UI actions:\n  ${log.join('\n  ')}`);
    assert.ok(actions <= 30, `${actions} UI actions`);
  },
);
