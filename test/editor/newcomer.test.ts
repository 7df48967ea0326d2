// The editor's first ten minutes (issue #11), in real headless Chromium against one real server with the
// seeded examples and the test model: start screen, model picker, search ranking, wiring, not losing work,
// error placement, operation descriptions, panels, results, comforts. Screenshots: test-output/editor/n-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { answerDialogs, dialogMessages, needsChromium, openBrowserPage, SHOTS } from './browser.ts';
import { hasShared, needsShared, sharedImage } from '../helpers/shared.ts';
import { startTestServer, TEST_MODEL_ID, type RunningServer } from '../helpers/server.ts';

const skip = needsChromium;

let server: RunningServer;
let browser: Browser;
let page: Page;
let shot: (name: string) => Promise<unknown>;

before(async () => {
  if (skip) return;
  server = await startTestServer({ config: { serveEditor: true, seedExamples: true, logLevel: 'warn' } });
  let shotAs: (name: string) => Promise<unknown>;
  ({ browser, page, shot: shotAs } = await openBrowserPage());
  shot = (name) => shotAs(`n-${name}`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(server.url);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const draft = async () =>
  JSON.parse(await page.evaluate(() => localStorage.getItem('sightline-editor-draft') ?? '{}')).definition;

/** Back to an empty, saved-state canvas (a fresh page with no draft). */
async function freshPage(): Promise<void> {
  await page.evaluate(() => localStorage.clear());
  answerDialogs(page, true);
  await page.reload();
  await page.getByTestId('start-screen').waitFor();
}

async function quickAdd(query: string, at?: { x: number; y: number }): Promise<void> {
  if (at) await page.locator('.react-flow__pane').dblclick({ position: at });
  else {
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    const spot = await emptySpotRightOf({ x: canvas.x + 60, y: canvas.y + canvas.height / 2 });
    await page.mouse.dblclick(spot.x, spot.y);
  }
  await page.getByTestId('quick-add').locator('input').fill(query);
}

const firstHit = () => page.getByTestId('quick-add-item').first().getAttribute('data-type');

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
    await freshPage();
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
    await quickAdd('detect');
    await page.keyboard.press('Enter');
    await page.getByTestId('node-step-object_detection_model').waitFor();
    await page.getByTestId('node-step-object_detection_model').click();
    await page.getByTestId('model-picker-toggle').click();
    await page.getByTestId(`model-option-${TEST_MODEL_ID}`).waitFor();
    await shot('03-model-picker');
    await page.getByTestId(`model-option-${TEST_MODEL_ID}`).click();
    assert.equal(await page.getByTestId('field-model_id-input').inputValue(), TEST_MODEL_ID);
    await page.getByTestId('class-chip-person').click();
    const step = (await draft()).steps[0];
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
    await freshPage();
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
      await quickAdd(query);
      assert.equal(await firstHit(), type, `"${query}" puts ${type} first`);
      if (query === 'count') {
        assert.match(await page.getByTestId('quick-add-item').first().innerText(), /Count detections/);
        await shot('05-search-count');
      }
      await page.keyboard.press('Escape');
    }
    // Arrow keys move the highlight; Enter adds the highlighted block.
    await quickAdd('blur');
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
    await quickAdd('count', { x: canvas.width - 5, y: canvas.height - 5 });
    const popup = (await page.getByTestId('quick-add').boundingBox())!;
    assert.ok(popup.x + popup.width <= 1280 && popup.y + popup.height <= 800, JSON.stringify(popup));
    await page.keyboard.press('Enter');
    await page.getByTestId('node-step-count').waitFor();
    assert.deepEqual((await draft()).steps[0].operations, [{ type: 'SequenceLength' }]);
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

/** Wait until the canvas stops moving (a new node can bring the view to it, animated). */
async function settle(): Promise<void> {
  const transform = () => page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
  let last = '';
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(150);
    const now = await transform();
    if (now === last && i >= 2) return;
    last = now;
  }
}

async function dragTo(from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 6 });
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
}

async function portCenter(node: string, type: 'source' | 'target', port: string) {
  const b = (await page
    .getByTestId(node)
    .getByTestId(`port-${type}-${port}`)
    .locator('.react-flow__handle')
    .boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Drag from a port onto empty canvas `dx` to the right, pick the first search hit for `query`. */
async function dragOut(node: string, port: string, query: string, dx = 260, dy = 0): Promise<void> {
  await settle();
  const from = await portCenter(node, 'source', port);
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  const wanted = { x: Math.min(from.x + dx, canvas.x + canvas.width - 40), y: from.y + dy };
  const onNode = await page.evaluate(
    ({ x, y }) => !!document.elementFromPoint(x, y)?.closest('.react-flow__node'),
    wanted,
  );
  await dragTo(from, onNode ? await emptySpotRightOf(from) : wanted);
  await page.getByTestId('quick-add-wire').waitFor();
  await page.getByTestId('quick-add').locator('input').fill(query);
  await page.keyboard.press('Enter');
}

test(
  '4. a wire dropped on empty canvas adds a wired block; wires select and delete; cycles are refused',
  { skip },
  async () => {
    await freshPage();
    await page.getByTestId('start-new').click();
    await page.getByTestId('node-input-image').waitFor();
    await page.getByTestId('layout').click();
    await page.waitForTimeout(300);
    // Zoom out a little so there is empty canvas to the right of each node.
    await page.locator('.react-flow__controls-zoomout').click();
    await page.locator('.react-flow__controls-zoomout').click();
    await page.waitForTimeout(300);
    await dragOut('node-input-image', 'value', 'object detection', 200);
    await page.getByTestId('node-step-object_detection_model').waitFor();
    assert.equal((await draft()).steps[0].images, '$inputs.image');
    await page.getByTestId('layout').click();
    await page.waitForTimeout(400);
    await dragOut('node-step-object_detection_model', 'predictions', 'bounding box', 200, 60);
    await page.getByTestId('node-step-bounding_box_visualization').waitFor();
    const viz = (await draft()).steps[1];
    assert.equal(viz.predictions, '$steps.object_detection_model.predictions');
    assert.equal(viz.image, '$inputs.image', "the new block's other required port is filled from the only image");
    await page.getByTestId('layout').click();
    await page.waitForTimeout(400);
    await shot('07-wired-by-drag');

    // viz.image → detector.images would close a loop: refused, with the reason.
    await dragTo(
      await portCenter('node-step-bounding_box_visualization', 'source', 'image'),
      await portCenter('node-step-object_detection_model', 'target', 'images'),
    );
    await page
      .getByTestId('message-bar')
      .getByText(/Connection refused: it would make a cycle/)
      .waitFor();
    assert.equal((await draft()).steps[0].images, '$inputs.image', 'the wire it would replace stays');
    await shot('08-cycle-refused');

    // Click the predictions wire, Delete removes it.
    const before = await page.locator('.react-flow__edge').count();
    const edge = page.locator('.react-flow__edge[data-id*="|predictions->step:bounding_box_visualization"]');
    await edge.click();
    await page.locator('.react-flow__edge.selected').waitFor();
    await page.keyboard.press('Delete');
    await page.waitForFunction((n) => document.querySelectorAll('.react-flow__edge').length === n, before - 1);
    assert.equal((await draft()).steps[1].predictions, undefined);
  },
);

test(
  '5. unsaved marker, prompt before replacing, Ctrl+S, the open workflow comes back after reload',
  { skip },
  async () => {
    await freshPage();
    assert.equal(await page.getByTestId('unsaved-marker').count(), 0, 'an empty canvas has nothing to lose');
    await page.getByTestId('start-new').click();
    await page.getByTestId('unsaved-marker').waitFor();
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+s');
    await page.getByTestId('save-as-name').fill('my-flow');
    await page.keyboard.press('Enter');
    await page.getByTestId('unsaved-marker').waitFor({ state: 'detached' });
    assert.match(await page.getByTestId('doc-name').innerText(), /default \/ my-flow/);
    await quickAdd('blur');
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
    await quickAdd('crop');
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

const IMPORT = async (definition: unknown) => {
  await page.getByTestId('open-files').click();
  await page.getByTestId('import-text').fill(JSON.stringify(definition));
  await page.getByTestId('import-button').click();
};

test('6. errors land on what they name, once; $steps.x.* outputs are drawn with a wire', { skip }, async () => {
  await freshPage();
  const det = {
    type: 'roboflow_core/roboflow_object_detection_model@v2',
    name: 'det',
    images: '$inputs.image',
    model_id: 'yolov8n-640',
  };
  await IMPORT({
    version: '1.0',
    inputs: [{ type: 'WorkflowImage', name: 'image' }],
    steps: [det],
    outputs: [{ type: 'JsonField', name: 'image', selector: '$steps.det.nothing' }],
  });
  await page.getByTestId('node-error-output-image').waitFor();
  assert.equal(await page.getByTestId('node-error-input-image').count(), 0);
  assert.match(await page.getByTestId('node-error-output-image').innerText(), /no output 'nothing'/);
  assert.match(await page.getByTestId('validation-status').innerText(), /^1 problem/);
  await shot('10-error-on-output');

  await IMPORT({
    version: '1.0',
    inputs: [{ type: 'WorkflowImage', name: 'image' }],
    steps: [
      det,
      {
        type: 'roboflow_core/bounding_box_visualization@v1',
        name: 'viz',
        image: '$steps.det.predictions',
        predictions: '$steps.det.predictions',
      },
    ],
    outputs: [{ type: 'JsonField', name: 'all', selector: '$steps.det.*' }],
  });
  await page.getByTestId('node-error-viz').waitFor();
  assert.equal(await page.getByTestId('node-error-det').count(), 0, 'the kind conflict is on the step that has it');
  assert.match(await page.getByTestId('validation-status').innerText(), /^1 problem/);
  assert.equal(await page.locator('.react-flow__edge[data-id*="output:all"]').count(), 1, 'det.* is wired');
  await shot('11-kind-conflict');
});

/** Where a person would drop a wire: the nearest empty bit of canvas (the new block is placed beside the port). */
async function emptySpotRightOf(from: { x: number; y: number }): Promise<{ x: number; y: number }> {
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  const boxes = await page
    .locator('.react-flow__node, .react-flow__minimap, .react-flow__controls, .message-bar')
    .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
  const free = (p: { x: number; y: number }) =>
    p.x > canvas.x + 20 &&
    p.x < canvas.x + canvas.width - 20 &&
    p.y > canvas.y + 20 &&
    p.y < canvas.y + canvas.height - 20 &&
    !boxes.some((b) => p.x > b.left - 30 && p.x < b.right + 30 && p.y > b.top - 30 && p.y < b.bottom + 30);
  const spots: Array<{ x: number; y: number }> = [];
  for (let dx = -900; dx <= 900; dx += 40)
    for (let dy = -600; dy <= 600; dy += 30) spots.push({ x: from.x + dx, y: from.y + dy });
  const far = (p: { x: number; y: number }) => Math.hypot((p.x - from.x) * (p.x < from.x ? 3 : 1), p.y - from.y);
  spots.sort((a, b) => far(a) - far(b));
  const spot = spots.find(free);
  assert.ok(spot, 'some empty canvas to drop on');
  return spot;
}

test(
  'the newcomer task through the UI only: people → crop → OCR, boxes + labels, count',
  { skip: skip || needsShared },
  async () => {
    await freshPage();
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
      await settle();
      const from = await portCenter(node, 'source', port);
      const to = await emptySpotRightOf(from);
      await act(`drag ${port} onto empty canvas`, () => dragTo(from, to));
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

    const def = await draft();
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

const optionsOf = (testid: string) =>
  page
    .getByTestId(testid)
    .locator('option')
    .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value).filter(Boolean));

test('7. the operations picker speaks plainly and offers what applies to the data', { skip }, async () => {
  await freshPage();
  await page.getByTestId('start-new').click();
  await quickAdd('detect');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  await dragOut('node-step-object_detection_model', 'predictions', 'count');
  await page.getByTestId('node-step-count').waitFor();
  const add = page.locator('select[data-testid$="-add"]').first();
  const testid = (await add.getAttribute('data-testid'))!;
  // SequenceLength is already in the chain: what follows takes its number.
  const after = await optionsOf(testid);
  assert.ok(after.includes('NumberRound') && !after.includes('DetectionsFilter'), after.join(','));
  await page.getByTestId(`${testid.replace(/-add$/, '')}-0-remove`).click();
  const first = await optionsOf(testid);
  assert.ok(first.includes('DetectionsFilter') && first.includes('SequenceLength'), first.join(','));
  assert.ok(!first.includes('StringToLowerCase'), 'text operations do not apply to detections');
  const labels = await add.locator('optgroup').evaluateAll((els) => els.map((e) => e.getAttribute('label')));
  assert.deepEqual(labels.slice(0, 2), ['Count & summarise', 'Detections']);
  assert.match(await add.innerText(), /number of items \(count detections\) — SequenceLength/);
  await shot('12-operations');
});

test(
  '8. panels collapse and resize, nothing overflows sideways, added nodes land in free space',
  { skip },
  async () => {
    await freshPage();
    await page.getByTestId('start-new').click();
    const width = async (sel: string) => (await page.locator(sel).boundingBox())!.width;
    const canvasBefore = await width('[data-testid="canvas"]');
    await page.getByTestId('collapse-palette').click();
    await page.getByTestId('collapse-props').click();
    await page.waitForTimeout(200);
    const collapsed = [await width('.palette'), await width('.properties')];
    assert.ok(collapsed[0] <= 40 && collapsed[1] <= 40, `collapsed panels: ${collapsed}`);
    assert.ok((await width('[data-testid="canvas"]')) > canvasBefore + 450);
    await shot('13-panels-collapsed');
    await page.getByTestId('collapse-props').click();
    const grip = (await page.getByTestId('resize-props').boundingBox())!;
    await dragTo({ x: grip.x + 3, y: grip.y + 300 }, { x: grip.x - 120, y: grip.y + 300 });
    assert.ok((await width('.properties')) >= 430, `resized to ${await width('.properties')}`);
    await page.getByTestId('collapse-palette').click();
    // Added with "+", blocks land on free canvas, inside the visible part.
    for (const [query, line] of [
      ['line counter', 'roboflow_core/line_counter'],
      ['dynamic crop', 'roboflow_core/dynamic_crop'],
      ['label', 'roboflow_core/label_visualization'],
    ]) {
      await page.getByTestId('palette-search').fill(query);
      await page.locator(`[data-line="${line}"]`).getByTestId('palette-add').click();
    }
    await page.getByTestId('palette-search').fill('');
    await page.waitForTimeout(1000); // a node placed outside the view brings the view to it (animated)
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    const boxes = await page
      .locator('.react-flow__node')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
    for (const [i, a] of boxes.entries()) {
      if (!(a.left >= canvas.x - 1 && a.right <= canvas.x + canvas.width + 1)) {
        await shot('fail-outside');
        assert.fail(`node ${i} outside the canvas: ${JSON.stringify([a, canvas])}`);
      }
      for (const b of boxes.slice(i + 1))
        if (!(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top)) {
          await shot('fail-overlap');
          assert.fail(`nodes overlap: ${JSON.stringify([a, b])}`);
        }
    }
    await page.getByTestId('node-step-line_counter').click();
    const overflow = await page.locator('.properties').evaluate((el) => [el.scrollWidth, el.clientWidth] as const);
    assert.ok(overflow[0] <= overflow[1], `properties scroll sideways: ${overflow}`);
    await shot('14-panels-resized');
  },
);

test(
  '9. results: values shown as values, a lightbox that zooms, cleared when another workflow opens',
  { skip: skip || needsShared },
  async () => {
    await freshPage();
    await page.getByTestId('example-detections-visualization').click();
    await page.getByTestId('run-file-image').setInputFiles(sharedImage('bus.jpg'));
    await page.getByTestId('run-button').click();
    await page.getByTestId('run-result').waitFor({ timeout: 60_000 });
    await page.getByTestId('result-detections-predictions').click();
    await page.getByTestId('lightbox').waitFor();
    const before = await page.getByTestId('lightbox-scale').innerText();
    await page.getByTestId('lightbox-zoom-in').click();
    await page.getByTestId('lightbox-zoom-in').click();
    assert.notEqual(await page.getByTestId('lightbox-scale').innerText(), before);
    await page.getByTestId('lightbox-class-person').uncheck();
    await page.waitForTimeout(200);
    await shot('15-lightbox');
    await page.keyboard.press('Escape');
    await page.getByTestId('lightbox').waitFor({ state: 'detached' });
    await page.getByTestId('open-workflows').click();
    await page.getByTestId('ws-open-blur-people').click();
    await page.getByTestId('modal-close').click();
    await page.getByTestId('node-step-blur').waitFor();
    assert.equal(await page.getByTestId('run-result').count(), 0, 'results of the previous workflow are gone');
  },
);

test('10. dark mode, sticky notes and groups, bypass, code snippets, PNG export, favicon', { skip }, async () => {
  await freshPage();
  assert.equal(await page.locator('link[rel="icon"]').count(), 1, 'favicon');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark', null, { timeout: 5000 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
  await page.getByTestId('theme-toggle').click(); // system → light
  await page.getByTestId('theme-toggle').click(); // light → dark
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  const bg = await page.locator('.palette').evaluate((el) => getComputedStyle(el).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g)!.map(Number);
  assert.ok(r + g + b < 150, `dark panel, got ${bg}`);

  const det = {
    type: 'roboflow_core/roboflow_object_detection_model@v2',
    name: 'det',
    images: '$inputs.image',
    model_id: 'yolov8n-640',
  };
  await IMPORT({
    version: '1.0',
    inputs: [{ type: 'WorkflowImage', name: 'image' }],
    steps: [
      det,
      {
        type: 'roboflow_core/blur_visualization@v1',
        name: 'blur',
        image: '$inputs.image',
        predictions: '$steps.det.predictions',
      },
    ],
    outputs: [{ type: 'JsonField', name: 'blurred', selector: '$steps.blur.image' }],
  });
  await page.getByTestId('node-step-blur').waitFor();
  await page.getByTestId('palette-note').click();
  await page.getByTestId('note-text').fill('Blur everyone before saving');
  await page.getByTestId('palette-group').click();
  await page.getByTestId('node-step-blur').click();
  await page.getByTestId('toggle-bypass').click();
  await page.getByTestId('toggle-collapse').click();
  await page.getByTestId('node-step-blur').and(page.locator('[data-bypass]')).waitFor();
  await page.waitForTimeout(300);
  await shot('16-dark-notes-bypass');
  await page.getByTestId('open-files').click();
  const exported = JSON.parse(await page.getByTestId('export-text').inputValue());
  assert.deepEqual(
    exported.steps.map((s: { name: string }) => s.name),
    ['det'],
    'the bypassed step is not exported',
  );
  assert.equal(exported.outputs[0].selector, '$inputs.image', 'its output is wired through to its image input');
  assert.doesNotMatch(JSON.stringify(exported), /Blur everyone/, 'notes stay out of the definition');
  await page.getByTestId('modal-close').click();

  // Saved: the note, the group and the flags are in the saved layout.
  await page.getByTestId('open-snippet').click();
  await page.getByTestId('snippet-unsaved').waitFor();
  await page.getByTestId('modal-close').click();
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  await page.keyboard.press('Control+s');
  await page.getByTestId('save-as-name').fill('blur-bypass');
  await page.keyboard.press('Enter');
  await page.getByTestId('unsaved-marker').waitFor({ state: 'detached' });
  const saved = await (await fetch(`${server.url}/workspaces/default/workflows/blur-bypass`)).json();
  assert.equal(saved.layout['note:1'].text, 'Blur everyone before saving');
  assert.ok(saved.layout['group:1']);
  assert.equal(saved.layout['step:blur'].bypass, true);

  await page.getByTestId('open-snippet').click();
  const curl = await page.getByTestId('snippet-code').innerText();
  assert.match(curl, new RegExp(`curl -X POST '${server.url}/default/workflows/blur-bypass'`));
  await page.getByTestId('snippet-python').click();
  assert.match(
    await page.getByTestId('snippet-code').innerText(),
    /client\.run_workflow\(\s+workspace_name="default",\s+workflow_id="blur-bypass"/,
  );
  await page.getByTestId('snippet-javascript').click();
  assert.match(await page.getByTestId('snippet-code').innerText(), /await fetch\(/);
  await shot('17-snippet');
  await page.getByTestId('modal-close').click();

  const download = page.waitForEvent('download');
  await page.getByTestId('export-png').click();
  const file = await (await download).path();
  const png = fs.readFileSync(file!);
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  assert.ok(png.length > 5000, `${png.length} bytes`);
  fs.copyFileSync(file!, path.join(SHOTS, 'n-18-export.png'));
  await page.getByTestId('theme-toggle').click(); // dark → system
});
