// The editor's dialogs in real headless Chromium against a real server (examples seeded):
// - import: the auto-layout made before anything is measured leaves every node room (rendered boxes never
//   overlap, no node is drawn bigger than the size estimate the layout used), a continue_if included;
//   EDITOR_LAYOUT_ALL=1 checks every conformance definition instead of a few;
// - saved workflows: the list shows each workflow's description, and an example opened and saved lands in
//   `default`, never back in `examples`.
// Screenshots: test-output/editor/20-import-continue-if.png, 21-examples-list.png, 22-example-saved.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { needsChromium, openBrowserPage } from './browser.ts';
import { CONFORMANCE_DIR, needsShared } from '../helpers/shared.ts';
import { overlappingPairs, type Box } from './boxes.ts';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { BlockRegistry } from '../../engine/index.ts';
import { coreBlocks } from '../../blocks/index.ts';
import { BlockCatalog } from '../../editor/model/catalog.ts';
import { definitionToGraph } from '../../editor/model/graph.ts';
import { estimatedSizes } from '../../editor/model/node-size.ts';
import type { BlocksDescription, WorkflowDefinition } from '../../editor/model/types.ts';

const skip = needsChromium;
const catalog = new BlockCatalog(new BlockRegistry(coreBlocks).describeBlocks() as unknown as BlocksDescription);
const CONTINUE_IF =
  'test_workflow_with_flow_control__WORKFLOW_WITH_NON_BATCH_CONDITION_BASED_ON_STEP_OUTPUT_AFFECTING_FURTHER_EXECUTION.json';
const SOME = [
  CONTINUE_IF,
  'test_workflow_with_detections_consensus_block__CONSENSUS_WORKFLOW.json',
  'test_workflow_with_file_sink__WORKFLOW_WITH_FILE_SINK_AND_AGGREGATION.json',
  'test_workflow_with_empty_outputs_serialisation__WORKFLOW_DEFINITION.json',
];

let server: RunningServer;
let browser: Browser;
let page: Page;
let shot: (name: string) => Promise<unknown>;

before(async () => {
  if (skip) return;
  server = await startTestServer({ config: { serveEditor: true, seedExamples: true } });
  ({ browser, page, shot } = await openBrowserPage());
  await page.goto(server.url);
  await page.getByTestId('palette-group-model').waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function importDefinition(text: string, nodes: number): Promise<Box[]> {
  await page.getByTestId('open-files').click();
  await page.getByTestId('import-text').fill(text);
  await page.getByTestId('import-button').click();
  await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length === n, nodes);
  // Flow coordinates and unscaled sizes, as the canvas placed them.
  return page.$$eval('.react-flow__node', (els) =>
    els.map((el) => {
      const m = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)/.exec((el as HTMLElement).style.transform) ?? ['', '0', '0'];
      return {
        id: el.getAttribute('data-id') ?? '',
        x: Number(m[1]),
        y: Number(m[2]),
        width: (el as HTMLElement).offsetWidth,
        height: (el as HTMLElement).offsetHeight,
      };
    }),
  );
}

test(
  'imported definitions render without overlaps, every node within its estimated size',
  { skip: skip || needsShared },
  async () => {
    const dir = path.join(CONFORMANCE_DIR, 'defs');
    const files = process.env.EDITOR_LAYOUT_ALL
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .sort()
      : SOME;
    const tooBig: string[] = [];
    const overlaps: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const definition = JSON.parse(text) as WorkflowDefinition;
      const graph = definitionToGraph(definition, {}, catalog);
      const ids = new Set(graph.nodes.map((n) => n.id));
      if (ids.size !== graph.nodes.length) continue; // duplicated names on purpose: one DOM node per id is not guaranteed
      const rendered = await importDefinition(text, ids.size);
      const estimate = estimatedSizes(graph, catalog);
      for (const r of rendered) {
        const e = estimate(r.id);
        if (r.width > e.width + 1 || r.height > e.height)
          tooBig.push(`${file}: ${r.id} drawn ${r.width}x${r.height}, estimated ${e.width}x${e.height}`);
      }
      overlaps.push(...overlappingPairs(rendered).map((o) => `${file}: ${o}`));
      if (file === CONTINUE_IF) {
        await page.waitForTimeout(300);
        await shot('20-import-continue-if');
      }
    }
    assert.deepEqual(tooBig, []);
    assert.deepEqual(overlaps, []);
  },
);

const versionsOf = async (workspace: string, id: string) => {
  const res = await fetch(`${server.url}/workspaces/${workspace}/workflows/${id}/versions`);
  return res.status === 404 ? [] : ((await res.json()) as { versions: Array<{ message: string | null }> }).versions;
};

test('the open list shows descriptions; an edited example is saved into default, not examples', { skip }, async () => {
  await page.getByTestId('open-workflows').click();
  await page.getByTestId('ws-pick-examples').click();
  const desc = page.getByTestId('ws-desc-blur-people');
  await desc.waitFor();
  assert.match(await desc.innerText(), /^Privacy filter: detect people and blur them/);
  assert.equal(
    await page.getByTestId('ws-list').locator('.list-desc').count(),
    await page.getByTestId('ws-list').locator('.list-item').count(),
    'every example has one',
  );
  assert.equal(
    await page.getByTestId('ws-save-workspace').inputValue(),
    'default',
    'browsing examples: saves go to default',
  );
  await page.getByTestId('ws-examples-note').waitFor();
  await shot('21-examples-list');

  await page.getByTestId('ws-open-blur-people').click();
  await page.getByTestId('message-bar').getByText('Opened examples/blur-people').waitFor();
  // Naming examples on purpose is refused, and nothing is written there.
  await page.getByTestId('ws-save-workspace').fill('examples');
  await page.getByTestId('ws-message').fill('my copy');
  await page.getByTestId('ws-save').click();
  await page
    .getByTestId('ws-error')
    .getByText(/keeps the shipped examples/)
    .waitFor();
  assert.equal((await versionsOf('examples', 'blur-people')).length, 1);

  await page.getByTestId('ws-save-workspace').fill('default');
  await page.getByTestId('ws-save').click();
  await page.getByTestId('message-bar').getByText('Saved default/blur-people as version 1.').waitFor();
  assert.equal(
    await page.getByTestId('ws-workspace').inputValue(),
    'default',
    'the list follows to where it was saved',
  );
  await page.getByTestId('ws-desc-blur-people').getByText('my copy').waitFor();
  assert.deepEqual(
    (await versionsOf('default', 'blur-people')).map((v) => v.message),
    ['my copy'],
  );
  assert.equal((await versionsOf('examples', 'blur-people')).length, 1, 'the example is untouched');
  await shot('22-example-saved');
  await page.getByTestId('modal-close').click();
});
