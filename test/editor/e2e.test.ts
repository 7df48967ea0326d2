// The editor end to end in real headless Chromium against a real server: build a detect → visualize
// workflow from the palette, wire it, run it on bus.jpg with the real model, then import a conformance
// definition, break a selector, see the error on the right node, and undo. Screenshots of every stage go to
// test-output/editor/ (look at them: a passing test on a broken-looking page is not done).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { needsChromium, openBrowserPage, runOnImage } from './browser.ts';
import { CONFORMANCE_DIR, needsShared, sharedImage } from '../helpers/shared.ts';
import { startTestServer, TEST_MODEL_ID, type RunningServer } from '../helpers/server.ts';

const skip = needsChromium;

let server: RunningServer;
let browser: Browser;
let page: Page;

let shot: (name: string) => Promise<unknown>;

before(async () => {
  if (skip) return;
  server = await startTestServer({ config: { serveEditor: true } });
  ({ browser, page, shot } = await openBrowserPage());
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function dragBetween(from: Locator, to: Locator): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
}

const handle = (node: string, type: 'source' | 'target', port: string) =>
  page.getByTestId(node).getByTestId(`port-${type}-${port}`).locator('.react-flow__handle');

async function pressOnCanvas(key: string): Promise<void> {
  await page.locator('.react-flow__pane').click({ position: { x: 30, y: 30 } });
  await page.keyboard.press(key);
}

test('the editor is served at / with its palette generated from describe', { skip }, async () => {
  const res = await fetch(`${server.url}/`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /<div id="root">/);
  await page.goto(server.url);
  await page.getByTestId('palette-group-model').waitFor();
  for (const family of ['model', 'visualization', 'transformation', 'flow_control'])
    assert.ok(await page.getByTestId(`palette-group-${family}`).isVisible(), family);
  await page.getByTestId('palette-search').fill('bounding box');
  await page.getByTestId('palette-block-roboflow_core/bounding_box_visualization@v1').waitFor();
  assert.equal(await page.getByTestId('palette-group-flow_control').count(), 0, 'search filters families out');
  await page.getByTestId('palette-search').fill('');
  await shot('01-empty');
});

test('build, wire and run detect → visualize on bus.jpg', { skip: skip || needsShared }, async () => {
  await page.getByTestId('palette-input-image').click();
  // Drag the model from the palette onto the canvas (HTML5 drag and drop).
  await page.getByTestId('palette-search').fill('object detection');
  // One card per block: pick the older v2 on it (v3 is shown first).
  await page
    .locator('[data-line="roboflow_core/roboflow_object_detection_model"]')
    .getByTestId('palette-version')
    .selectOption('roboflow_core/roboflow_object_detection_model@v2');
  const canvasBox = (await page.getByTestId('canvas').boundingBox())!;
  await page
    .getByTestId('palette-block-roboflow_core/roboflow_object_detection_model@v2')
    .dragTo(page.getByTestId('canvas'), { targetPosition: { x: canvasBox.width / 2 + 150, y: 120 } });
  await page.getByTestId('node-step-object_detection_model').waitFor();
  await page.getByTestId('palette-search').fill('bounding box visualization');
  await page
    .getByTestId('palette-block-roboflow_core/bounding_box_visualization@v1')
    .getByTestId('palette-add')
    .click();
  await page.getByTestId('node-step-bounding_box_visualization').waitFor();
  await page.getByTestId('palette-search').fill('');
  await pressOnCanvas('l');
  await page.waitForTimeout(400);
  await shot('02-added');

  // Incompatible: an image into `predictions` is refused with the reason.
  await dragBetween(
    handle('node-input-image', 'source', 'value'),
    handle('node-step-bounding_box_visualization', 'target', 'predictions'),
  );
  await page
    .getByTestId('message-bar')
    .getByText(/Connection refused: .*kind \[image\]/)
    .waitFor();
  await shot('03-refused');

  await dragBetween(
    handle('node-input-image', 'source', 'value'),
    handle('node-step-object_detection_model', 'target', 'images'),
  );
  await dragBetween(
    handle('node-input-image', 'source', 'value'),
    handle('node-step-bounding_box_visualization', 'target', 'image'),
  );
  // While dragging detections, the visualization's `predictions` lights up and its `image` does not.
  const from = (await handle('node-step-object_detection_model', 'source', 'predictions').boundingBox())!;
  const to = (await handle('node-step-bounding_box_visualization', 'target', 'predictions').boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2 + 40, { steps: 8 });
  const viz = page.getByTestId('node-step-bounding_box_visualization');
  await viz.locator('.port-ok[data-testid="port-target-predictions"]').waitFor();
  assert.equal(await viz.locator('.port-bad[data-testid="port-target-image"]').count(), 1);
  await shot('04a-dragging');
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
  await page.mouse.up();
  assert.equal(await page.locator('.react-flow__edge').count(), 3);

  // Properties of the model: model id and confidence.
  await page.getByTestId('node-step-object_detection_model').click();
  await page.getByTestId('field-model_id-input').fill(TEST_MODEL_ID);
  await page.getByTestId('field-confidence-input').fill('0.35');
  await page.getByTestId('add-output-predictions').click();
  await page.getByTestId('node-step-bounding_box_visualization').click();
  await page.getByTestId('add-output-image').click();
  await pressOnCanvas('l');
  await page.getByTestId('validation-status').getByText('valid').waitFor({ timeout: 15_000 });
  await shot('04-wired');

  const definition = JSON.parse(
    await page.evaluate(() => localStorage.getItem('sightline-editor-draft') ?? '{}'),
  ).definition;
  const det = definition.steps.find((s: { name: string }) => s.name === 'object_detection_model');
  assert.deepEqual(
    { images: det.images, model_id: det.model_id, confidence: det.confidence },
    { images: '$inputs.image', model_id: TEST_MODEL_ID, confidence: 0.35 },
  );

  await runOnImage(page, sharedImage('bus.jpg'));
  const img = page.getByTestId('result-image-image');
  await img.waitFor();
  assert.ok(
    await img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 100),
  );
  const drawn = page.getByTestId('result-detections-predictions');
  assert.ok(Number(await drawn.getAttribute('data-count')) >= 4);
  assert.ok(await drawn.evaluate((c) => (c as HTMLCanvasElement).width > 100));
  await page.waitForTimeout(300);
  await shot('05-run');
  await page.getByTestId('toggle-run').click();
});

test(
  'import a conformance definition, break a selector, see the error on its node, undo',
  { skip: skip || needsShared },
  async () => {
    const file = path.join(
      CONFORMANCE_DIR,
      'defs',
      'test_workflow_with_sorting__build_sorting_workflow_definition__confidence_True.json',
    );
    const text = fs.readFileSync(file, 'utf8');
    await page.getByTestId('open-files').click();
    await page.getByTestId('import-text').fill(text);
    await page.getByTestId('import-button').click();
    await page.getByTestId('node-step-sorting').waitFor();
    await page.getByTestId('validation-status').getByText('valid').waitFor({ timeout: 15_000 });
    await page.getByTestId('open-files').click();
    assert.deepEqual(
      JSON.parse(await page.getByTestId('export-text').inputValue()),
      JSON.parse(text),
      'exported as imported',
    );
    await page.getByTestId('modal-close').click();
    await shot('06-imported');

    await page.getByTestId('node-step-detection').click();
    await page.getByTestId('field-model_id-mode-value').click();
    await page.getByTestId('field-model_id-input').fill('$steps.ghost.model');
    await page.getByTestId('node-error-detection').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('node-error-sorting').count(), 0);
    assert.match(await page.getByTestId('validation-status').innerText(), /problem/);
    await shot('07-broken');

    await pressOnCanvas('Control+z');
    await page.getByTestId('validation-status').getByText('valid').waitFor({ timeout: 15_000 });
    assert.equal(await page.getByTestId('node-error-detection').count(), 0);
    await page.getByTestId('open-files').click();
    assert.deepEqual(
      JSON.parse(await page.getByTestId('export-text').inputValue()),
      JSON.parse(text),
      'undo restored the definition',
    );
    await page.getByTestId('modal-close').click();
    await shot('08-undone');
  },
);

test('save to the store, list versions and restore an old one', { skip: skip || needsShared }, async () => {
  await page.getByTestId('open-workflows').click();
  await page.getByTestId('ws-id').fill('sorting');
  await page.getByTestId('ws-message').fill('first');
  await page.getByTestId('ws-save').click();
  await page.getByTestId('ws-list').getByText('sorting').waitFor();
  await page.getByTestId('modal-close').click();
  await page.getByTestId('node-step-sorting').click();
  await page.keyboard.press('Delete');
  await page.getByTestId('node-step-sorting').waitFor({ state: 'detached' });
  await page.getByTestId('open-workflows').click();
  await page.getByTestId('ws-message').fill('without sorting');
  await page.getByTestId('ws-save').click();
  await page.getByTestId('ws-versions').locator('.list-item').nth(1).waitFor();
  await shot('09-versions');
  const versions = await (await fetch(`${server.url}/workspaces/default/workflows/sorting/versions`)).json();
  assert.equal(versions.versions.length, 2);
  const first = versions.versions.find((v: { message?: string }) => v.message === 'first');
  await page.getByTestId(`ws-restore-${first.version}`).click();
  await page.getByTestId('node-step-sorting').waitFor();
  await page.getByTestId('modal-close').click();
  await shot('10-restored');
});

test('copy/paste keeps internal wiring; help lists the shortcuts', { skip: skip || needsShared }, async () => {
  await page.getByTestId('node-step-detection').click();
  await page.getByTestId('node-step-sorting').click({ modifiers: ['Control'] });
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await page.getByTestId('node-step-sorting_2').waitFor();
  const draft = JSON.parse(
    await page.evaluate(() => localStorage.getItem('sightline-editor-draft') ?? '{}'),
  ).definition;
  const sorting2 = draft.steps.find((s: { name: string }) => s.name === 'sorting_2');
  assert.equal(sorting2.predictions, '$steps.detection_2.predictions');
  // Double-click the canvas to search and add.
  await page.locator('.react-flow__pane').dblclick({ position: { x: 60, y: 60 } });
  await page.getByTestId('quick-add').locator('input').fill('continue if');
  await page.keyboard.press('Enter');
  await page.getByTestId('node-step-continue_if').waitFor();
  await page.keyboard.press('?');
  await page.getByTestId('help-dialog').getByText('Ctrl+Shift+Z').waitFor();
  await shot('11-help');
  await page.getByTestId('modal-close').click();
});
