// Imported workflows in real headless Chromium: the auto-layout made before anything is measured leaves every
// node room (rendered boxes never overlap, and no node is drawn bigger than the size estimate the layout
// used), including a continue_if beside its model. Screenshot: test-output/editor/20-import-continue-if.png.
// EDITOR_LAYOUT_ALL=1 checks every conformance definition instead of a few.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { needsChromium, openBrowserPage } from './browser.ts';
import { CONFORMANCE_DIR, needsShared } from '../helpers/shared.ts';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { BlockRegistry } from '../../engine/index.ts';
import { coreBlocks } from '../../blocks/index.ts';
import { BlockCatalog } from '../../editor/model/catalog.ts';
import { definitionToGraph } from '../../editor/model/graph.ts';
import { estimatedSizes } from '../../editor/model/node-size.ts';
import type { BlocksDescription, WorkflowDefinition } from '../../editor/model/types.ts';

const skip = needsChromium || needsShared;
const catalog = new BlockCatalog(new BlockRegistry(coreBlocks).describeBlocks() as unknown as BlocksDescription);
const CONTINUE_IF = 'test_workflow_with_flow_control__WORKFLOW_WITH_NON_BATCH_CONDITION_BASED_ON_STEP_OUTPUT_AFFECTING_FURTHER_EXECUTION.json';
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
  server = await startTestServer({ config: { serveEditor: true } });
  ({ browser, page, shot } = await openBrowserPage());
  await page.goto(server.url);
  await page.getByTestId('palette-group-model').waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

type Rendered = { id: string; x: number; y: number; width: number; height: number };

async function importDefinition(text: string, nodes: number): Promise<Rendered[]> {
  await page.getByTestId('open-files').click();
  await page.getByTestId('import-text').fill(text);
  await page.getByTestId('import-button').click();
  await page.waitForFunction((n) => document.querySelectorAll('.react-flow__node').length === n, nodes);
  // Flow coordinates and unscaled sizes, as the canvas placed them.
  return page.$$eval('.react-flow__node', (els) =>
    els.map((el) => {
      const m = /translate\(([-\d.]+)px,\s*([-\d.]+)px\)/.exec((el as HTMLElement).style.transform) ?? ['', '0', '0'];
      return { id: el.getAttribute('data-id') ?? '', x: Number(m[1]), y: Number(m[2]), width: (el as HTMLElement).offsetWidth, height: (el as HTMLElement).offsetHeight };
    }),
  );
}

function overlapping(boxes: Rendered[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) found.push(`${a.id} × ${b.id}`);
    }
  return found;
}

test('imported definitions render without overlaps, every node within its estimated size', { skip }, async () => {
  const dir = path.join(CONFORMANCE_DIR, 'defs');
  const files = process.env.EDITOR_LAYOUT_ALL ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : SOME;
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
      if (r.width > e.width + 1 || r.height > e.height) tooBig.push(`${file}: ${r.id} drawn ${r.width}x${r.height}, estimated ${e.width}x${e.height}`);
    }
    overlaps.push(...overlapping(rendered).map((o) => `${file}: ${o}`));
    if (file === CONTINUE_IF) {
      await page.waitForTimeout(300);
      await shot('20-import-continue-if');
    }
  }
  assert.deepEqual(tooBig, []);
  assert.deepEqual(overlaps, []);
});
