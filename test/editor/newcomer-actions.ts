// What a person does in the editor, as the newcomer tests do it: open a fresh page, quick-add by search, drag
// wires between ports and onto empty canvas, import a definition. Each takes the test's one shared page.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { answerDialogs, openBrowserPage } from './browser.ts';
import { startTestServer, type RunningServer } from '../helpers/server.ts';

type Point = { x: number; y: number };

/** One server (seeded examples, the test model) and one Chromium page on its editor, for a whole test file. */
export async function openNewcomerEditor(): Promise<{
  server: RunningServer;
  browser: Browser;
  page: Page;
  shot: (name: string) => Promise<unknown>;
}> {
  const server = await startTestServer({ config: { serveEditor: true, seedExamples: true, logLevel: 'warn' } });
  let browser: Browser | undefined;
  try {
    const opened = await openBrowserPage();
    browser = opened.browser;
    const { page, shot: shotAs } = opened;
    const shot = (name: string) => shotAs(`n-${name}`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(server.url);
    return { server, browser, page, shot };
  } catch (err) {
    // The test file's after() only sees what was returned: close what was started here.
    await browser?.close();
    await server.close();
    throw err;
  }
}

/** The definition in the editor's saved draft. */
export const draft = async (page: Page) =>
  JSON.parse(await page.evaluate(() => localStorage.getItem('sightline-editor-draft') ?? '{}')).definition;

/** Back to an empty, saved-state canvas (a fresh page with no draft). */
export async function freshPage(page: Page): Promise<void> {
  await page.evaluate(() => localStorage.clear());
  answerDialogs(page, true);
  await page.reload();
  await page.getByTestId('start-screen').waitFor();
}

export async function quickAdd(page: Page, query: string, at?: Point): Promise<void> {
  if (at) await page.locator('.react-flow__pane').dblclick({ position: at });
  else {
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    const spot = await emptySpotRightOf(page, { x: canvas.x + 60, y: canvas.y + canvas.height / 2 });
    await page.mouse.dblclick(spot.x, spot.y);
  }
  await page.getByTestId('quick-add').locator('input').fill(query);
}

export const firstHit = (page: Page) => page.getByTestId('quick-add-item').first().getAttribute('data-type');

/** Wait until the canvas stops moving (a new node can bring the view to it, animated). */
export async function settle(page: Page): Promise<void> {
  const transform = () => page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
  let last = '';
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(150);
    const now = await transform();
    if (now === last && i >= 2) return;
    last = now;
  }
}

export async function dragTo(page: Page, from: Point, to: Point): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 6 });
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
}

export async function portCenter(page: Page, node: string, type: 'source' | 'target', port: string) {
  const b = (await page
    .getByTestId(node)
    .getByTestId(`port-${type}-${port}`)
    .locator('.react-flow__handle')
    .boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Drag from a port onto empty canvas `dx` to the right, pick the first search hit for `query`. */
export async function dragOut(page: Page, node: string, port: string, query: string, dx = 260, dy = 0) {
  await settle(page);
  const from = await portCenter(page, node, 'source', port);
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  const wanted = { x: Math.min(from.x + dx, canvas.x + canvas.width - 40), y: from.y + dy };
  const onNode = await page.evaluate(
    ({ x, y }) => !!document.elementFromPoint(x, y)?.closest('.react-flow__node'),
    wanted,
  );
  await dragTo(page, from, onNode ? await emptySpotRightOf(page, from) : wanted);
  await page.getByTestId('quick-add-wire').waitFor();
  await page.getByTestId('quick-add').locator('input').fill(query);
  await page.keyboard.press('Enter');
}

/** Where a person would drop a wire: the nearest empty bit of canvas (the new block is placed beside the port). */
export async function emptySpotRightOf(page: Page, from: Point): Promise<Point> {
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

/** Paste a workflow definition into Files → Import. */
export async function importDefinition(page: Page, definition: unknown): Promise<void> {
  await page.getByTestId('open-files').click();
  await page.getByTestId('import-text').fill(JSON.stringify(definition));
  await page.getByTestId('import-button').click();
}

/** The values of a <select>'s options, blanks left out. */
export const optionsOf = (page: Page, testid: string) =>
  page
    .getByTestId(testid)
    .locator('option')
    .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value).filter(Boolean));
