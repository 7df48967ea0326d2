// The editor as a CV engineer uses it, in real headless Chromium against a real server with the seeded
// `examples` workspace: one palette card per block with a version picker, detect → dynamic_crop → classify →
// visualize built and configured from the panel only (no JSON), a dict property edited row by row, the
// per-crop results shown as a captioned gallery, node positions saved with the workflow, and an example
// opened and run. Screenshots go to test-output/editor/ (w-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { needsChromium, openBrowserPage, runOnImage } from './browser.ts';
import { installModelPackage } from '../../blocks/models/package.ts';
import { ocrAssetPath } from '../../blocks/models/ocr/ocr-engine.ts';
import { hasShared, needsShared, sharedImage } from '../helpers/shared.ts';
import { startTestServer, TEST_MODEL_ID, type RunningServer } from '../helpers/server.ts';

const skip = needsChromium;
/** PaddleOCR's text-direction classifier stands in for a crop classifier (classes "0" / "180"). */
const CLASSIFIER_ID = 'orientation/1';
const OD = 'roboflow_core/roboflow_object_detection_model';

let server: RunningServer;
let browser: Browser;
let page: Page;

before(async () => {
  if (skip) return;
  server = await startTestServer({ config: { serveEditor: true, seedExamples: true } });
  if (hasShared)
    await installModelPackage(ocrAssetPath('direction'), CLASSIFIER_ID, server.config.modelCacheDir, {
      classNames: ['0', '180'],
      environment: {
        PREPROCESSING: { resize: { enabled: true, width: 192, height: 48, format: 'Stretch to' } },
        CLASS_MAP: { '0': '0', '1': '180' },
      },
    });
  let shotAs: (name: string) => Promise<unknown>;
  ({ browser, page, shot: shotAs } = await openBrowserPage());
  shot = (name) => shotAs(`w-${name}`);
  await page.goto(server.url);
  await page.getByTestId('palette-group-model').waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

let shot: (name: string) => Promise<unknown>;
const draft = async () => JSON.parse(await page.evaluate(() => localStorage.getItem('sightline-editor-draft') ?? '{}'));
const stepOf = async (name: string) => (await draft()).definition.steps.find((s: { name: string }) => s.name === name);

async function addBlock(type: string, search: string): Promise<void> {
  await page.getByTestId('palette-search').fill(search);
  const line = type.replace(/@v\d+$/, '');
  const card = page.locator(`[data-line="${line}"]`);
  const picker = card.getByTestId('palette-version');
  if (await picker.count()) await picker.selectOption(type);
  await page.getByTestId(`palette-block-${type}`).getByTestId('palette-add').click();
}

async function link(step: string, field: string, selector: string): Promise<void> {
  await page.getByTestId(`node-step-${step}`).click();
  const mode = page.getByTestId(`field-${field}-mode-link`);
  if (await mode.count()) await mode.click();
  await page.getByTestId(`field-${field}-select`).selectOption(selector);
}

test('the palette shows one card per block, newest version first, older versions still addable', { skip }, async () => {
  const lines = await page.locator('[data-line]').evaluateAll((els) => els.map((e) => e.getAttribute('data-line')));
  assert.ok(lines.length > 20);
  assert.equal(new Set(lines).size, lines.length, 'no block listed twice');
  const card = page.locator(`[data-line="${OD}"]`);
  const options = await card
    .getByTestId('palette-version')
    .locator('option')
    .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
  assert.deepEqual(options, [`${OD}@v3`, `${OD}@v2`, `${OD}@v1`]);
  assert.equal(await card.getAttribute('data-testid'), `palette-block-${OD}@v3`, 'the latest version is picked first');

  // Search still finds a block by words in any of its versions, and shows it once.
  await page.getByTestId('palette-search').fill('object detection model');
  assert.equal(await page.locator(`[data-line="${OD}"]`).count(), 1);
  await page.locator(`[data-line="${OD}"]`).getByTestId('palette-version').selectOption(`${OD}@v1`);
  await page.getByTestId(`palette-block-${OD}@v1`).getByTestId('palette-add').click();
  await page.getByTestId('node-step-object_detection_model').waitFor();
  assert.equal((await stepOf('object_detection_model')).type, `${OD}@v1`);
  await shot('01-palette-versions');
  await page.getByTestId('node-step-object_detection_model').click();
  await page.keyboard.press('Delete');
  await page.getByTestId('node-step-object_detection_model').waitFor({ state: 'detached' });
  await page.getByTestId('palette-search').fill('');
});

test(
  'build detect → dynamic_crop → classify → visualize from the panel and see per-crop results',
  { skip: skip || needsShared },
  async () => {
    await page.getByTestId('palette-input-image').click();
    await addBlock(`${OD}@v2`, 'object detection');
    await addBlock('roboflow_core/dynamic_crop@v1', 'dynamic crop');
    await addBlock('roboflow_core/roboflow_classification_model@v3', 'single-label classification');
    await addBlock('roboflow_core/bounding_box_visualization@v1', 'bounding box');
    await page.getByTestId('palette-search').fill('');
    await page.getByTestId('layout').click();

    await link('object_detection_model', 'images', '$inputs.image');
    await page.getByTestId('field-model_id-input').fill(TEST_MODEL_ID);
    // A list of class names is typed as words, not JSON.
    await page.getByTestId('field-class_filter-input').fill('person, bus');
    await page.getByTestId('field-class_filter-input').press('Enter');
    await link('dynamic_crop', 'images', '$inputs.image');
    await link('dynamic_crop', 'predictions', '$steps.object_detection_model.predictions');
    await page.getByTestId('add-output-crops').click();
    await link('classification_model', 'images', '$steps.dynamic_crop.crops');
    await page.getByTestId('field-model_id-input').fill(CLASSIFIER_ID);
    await page.getByTestId('add-output-predictions').click();
    await link('bounding_box_visualization', 'image', '$inputs.image');
    await link('bounding_box_visualization', 'predictions', '$steps.object_detection_model.predictions');
    await page.getByTestId('add-output-image').click();
    await page.getByTestId('layout').click();
    await page.getByTestId('validation-status').getByText('valid').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('.react-flow__edge').count(), 9, '6 step wires + 3 outputs');
    const cls = await stepOf('classification_model');
    assert.deepEqual(
      { images: cls.images, model_id: cls.model_id },
      { images: '$steps.dynamic_crop.crops', model_id: CLASSIFIER_ID },
    );
    assert.deepEqual((await stepOf('object_detection_model')).class_filter, ['person', 'bus']);
    await shot('02-crop-classify-built');

    await runOnImage(page, sharedImage('bus.jpg'));
    const gallery = page.getByTestId('result-gallery-crops');
    await gallery.waitFor();
    const crops = await gallery.getByTestId('gallery-item').count();
    assert.ok(crops >= 4, `one tile per detected object on bus.jpg, got ${crops}`);
    // Each crop is captioned with the classifier's verdict on it.
    const captions = await gallery.locator('.gallery-caption').allInnerTexts();
    assert.equal(captions.length, crops);
    for (const c of captions) assert.match(c, /^(0|180) 0\.\d\d$/);
    assert.ok(
      await page.getByTestId('result-image-image').evaluate((el) => (el as HTMLImageElement).naturalWidth > 100),
    );
    await page
      .getByTestId('result-gallery-crops')
      .locator('img')
      .first()
      .evaluate((el) => (el as HTMLImageElement).decode());
    await shot('03-crop-classify-run');
    await page.getByTestId('toggle-run').click();
  },
);

test(
  'a dict property is edited row by row: names, linked values and typed values',
  { skip: skip || needsShared },
  async () => {
    await addBlock('roboflow_core/continue_if@v1', 'continue if');
    await page.getByTestId('palette-search').fill('');
    await page.getByTestId('node-step-continue_if').click();
    await page.getByTestId('field-evaluation_parameters-add').click();
    await page.getByTestId('field-evaluation_parameters-add').click();
    await page.getByTestId('field-evaluation_parameters-key-0').fill('image_input');
    await page.getByTestId('field-evaluation_parameters-key-0').press('Enter');
    await page.getByTestId('field-evaluation_parameters-value-0').selectOption('$inputs.image');
    // The second row becomes a typed value: toggle from link to literal, type a number.
    await page.getByTestId('field-evaluation_parameters-mode-1').click();
    await page.getByTestId('field-evaluation_parameters-key-1').fill('threshold');
    await page.getByTestId('field-evaluation_parameters-key-1').press('Enter');
    await page.getByTestId('field-evaluation_parameters-value-1').fill('3');
    await page.getByTestId('field-evaluation_parameters-value-1').press('Enter');
    await page.waitForFunction(
      () =>
        JSON.parse(localStorage.getItem('sightline-editor-draft') ?? '{}').definition?.steps?.find(
          (s: { name: string }) => s.name === 'continue_if',
        )?.evaluation_parameters?.threshold === 3,
    );
    assert.deepEqual((await stepOf('continue_if')).evaluation_parameters, {
      image_input: '$inputs.image',
      threshold: 3,
    });
    // The linked entry is drawn as a wire into the step.
    await page.getByTestId('node-step-continue_if').getByTestId('port-target-evaluation_parameters').waitFor();
    await shot('04-dict-editor');
    await page.getByTestId('field-evaluation_parameters-remove-1').click();
    assert.deepEqual((await stepOf('continue_if')).evaluation_parameters, { image_input: '$inputs.image' });
    await page.getByTestId('node-step-continue_if').click();
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.getByTestId('node-step-continue_if').click();
    await page.keyboard.press('Delete');
    await page.getByTestId('node-step-continue_if').waitFor({ state: 'detached' });
  },
);

test('node positions are saved with the workflow, beside the definition', { skip: skip || needsShared }, async () => {
  await page.getByTestId('open-workflows').click();
  await page.getByTestId('ws-id').fill('crop-classify');
  await page.getByTestId('ws-save').click();
  await page.getByTestId('ws-list').getByText('crop-classify').waitFor();
  await page.getByTestId('modal-close').click();
  const record = await (await fetch(`${server.url}/workspaces/default/workflows/crop-classify`)).json();
  const local = await draft();
  assert.deepEqual(record.layout, local.layout);
  assert.ok(record.layout['step:dynamic_crop'], 'every node has a position');
  assert.equal(JSON.stringify(record.definition).includes('"x"'), false, 'no positions inside the definition');

  // Move a node, save again, load something else, reopen: the moved position comes back from the server.
  const node = page.getByTestId('node-step-dynamic_crop');
  const box = (await node.boundingBox())!;
  await page.mouse.move(box.x + 40, box.y + 12);
  await page.mouse.down();
  await page.mouse.move(box.x + 140, box.y + 112, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(
    (before) =>
      JSON.parse(localStorage.getItem('sightline-editor-draft') ?? '{}').layout['step:dynamic_crop'].x !== before,
    record.layout['step:dynamic_crop'].x,
  );
  const moved = (await draft()).layout['step:dynamic_crop'];
  await page.getByTestId('open-workflows').click();
  await page.getByTestId('ws-save').click();
  await page.getByTestId('ws-versions').locator('.list-item').nth(1).waitFor();
  await page.getByTestId('ws-pick-examples').click();
  await page.getByTestId('ws-open-blur-people').click();
  await page.getByTestId('node-step-blur').waitFor();
  await page.getByTestId('ws-workspace').fill('default');
  await page.getByTestId('ws-open-crop-classify').click();
  await page.getByTestId('node-step-dynamic_crop').waitFor();
  await page.getByTestId('modal-close').click();
  assert.deepEqual((await draft()).layout['step:dynamic_crop'], moved);
  const layoutKeys = await page.evaluate(() =>
    Object.keys(localStorage).filter((k) => k.startsWith('sightline-layout')),
  );
  assert.deepEqual(layoutKeys, [], 'layouts are no longer kept in localStorage');
  await shot('05-layout-restored');
});

test('open a seeded example from the Workflows dialog and run it', { skip: skip || needsShared }, async () => {
  await page.getByTestId('open-workflows').click();
  await page.getByTestId('ws-pick-examples').click();
  await page.getByTestId('ws-list').getByText('detections-visualization').waitFor();
  await shot('06-examples-dialog');
  await page.getByTestId('ws-open-detections-visualization').click();
  await page.getByTestId('doc-name').getByText('examples / detections-visualization').waitFor();
  await page.getByTestId('modal-close').click();
  await page.getByTestId('validation-status').getByText('valid').waitFor({ timeout: 15_000 });
  await runOnImage(page, sharedImage('bus.jpg'));
  assert.ok(
    await page.getByTestId('result-image-visualization').evaluate((el) => (el as HTMLImageElement).naturalWidth > 100),
  );
  assert.ok(Number(await page.getByTestId('result-detections-predictions').getAttribute('data-count')) >= 4);
  await shot('07-example-run');
  await page.getByTestId('toggle-run').click();
});
