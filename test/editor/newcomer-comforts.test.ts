// The editor's first ten minutes (issue #11), part two: reading and polishing a workflow, in real headless Chromium
// against one real server with the seeded examples and the test model: error placement, operation descriptions,
// panels, results, comforts. Part one (building a first workflow): newcomer.test.ts.
// Screenshots: test-output/editor/n-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { needsChromium, SHOTS } from './browser.ts';
import {
  dragOut,
  dragTo,
  freshPage,
  importDefinition,
  openNewcomerEditor,
  optionsOf,
  quickAdd,
} from './newcomer-actions.ts';
import { needsShared, sharedImage } from '../helpers/shared.ts';
import type { RunningServer } from '../helpers/server.ts';

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

test('6. errors land on what they name, once; $steps.x.* outputs are drawn with a wire', { skip }, async () => {
  await freshPage(page);
  const det = {
    type: 'roboflow_core/roboflow_object_detection_model@v2',
    name: 'det',
    images: '$inputs.image',
    model_id: 'yolov8n-640',
  };
  await importDefinition(page, {
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

  await importDefinition(page, {
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

test('7. the operations picker speaks plainly and offers what applies to the data', { skip }, async () => {
  await freshPage(page);
  await page.getByTestId('start-new').click();
  await quickAdd(page, 'detect');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  await dragOut(page, 'node-step-object_detection_model', 'predictions', 'count');
  await page.getByTestId('node-step-count').waitFor();
  const add = page.locator('select[data-testid$="-add"]').first();
  const testid = (await add.getAttribute('data-testid'))!;
  // SequenceLength is already in the chain: what follows takes its number.
  const after = await optionsOf(page, testid);
  assert.ok(after.includes('NumberRound') && !after.includes('DetectionsFilter'), after.join(','));
  await page.getByTestId(`${testid.replace(/-add$/, '')}-0-remove`).click();
  const first = await optionsOf(page, testid);
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
    await freshPage(page);
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
    await dragTo(page, { x: grip.x + 3, y: grip.y + 300 }, { x: grip.x - 120, y: grip.y + 300 });
    assert.ok((await width('.properties')) >= 430, `resized to ${await width('.properties')}`);
    await page.getByTestId('collapse-palette').click();
    // Added with "+", blocks land on free canvas, inside the visible part.
    for (const [query, line] of [
      ['line counter', 'roboflow_core/line_counter'],
      ['dynamic crop', 'roboflow_core/dynamic_crop'],
      ['label', 'roboflow_core/label_visualization'],
    ]) {
      await page.getByTestId('palette-search').fill(query);
      const before = await page.locator('.react-flow__node').count();
      await page.locator(`[data-line="${line}"]`).getByTestId('palette-add').click();
      // At a person's pace: the new node is drawn (and measured) before the next one is placed beside it.
      await page.locator('.react-flow__node').nth(before).waitFor();
      await page.waitForTimeout(300);
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
    await freshPage(page);
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
  await freshPage(page);
  assert.equal(await page.locator('link[rel="icon"]').count(), 1, 'favicon');
  await page.emulateMedia({ colorScheme: 'dark' });
  // The media change reaches the page with its next rendering update, which a loaded CI machine can hold up.
  const turnedDark = await page
    .waitForFunction(() => document.documentElement.dataset.theme === 'dark', null, { timeout: 15_000 })
    .then(() => true)
    .catch(() => false);
  const themeState = () =>
    page.evaluate(() => ({
      theme: document.documentElement.dataset.theme,
      stored: localStorage.getItem('sightline-editor-theme'),
      systemDark: matchMedia('(prefers-color-scheme: dark)').matches,
    }));
  assert.ok(turnedDark, `the editor follows the system into dark mode: ${JSON.stringify(await themeState())}`);
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
  await importDefinition(page, {
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
