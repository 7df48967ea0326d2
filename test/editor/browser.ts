// Headless Chromium for the editor's end-to-end tests: Debian's /usr/bin/chromium, one page at the size the
// screenshots are looked at, page errors echoed, screenshots under test-output/editor/.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../helpers/shared.ts';

const CHROMIUM = '/usr/bin/chromium';
export const SHOTS = path.join(REPO_ROOT, 'test-output', 'editor');
/** Skip reason for `test(..., { skip })` when Chromium is missing. */
export const needsChromium = !fs.existsSync(CHROMIUM)
  ? `needs Debian's chromium at ${CHROMIUM} (apt-get install -y chromium)`
  : false;

const dialogAnswers = new WeakMap<Page, boolean>();
const dialogsSeen = new WeakMap<Page, string[]>();

/** How the page's next confirm()/beforeunload prompts are answered. */
export function answerDialogs(page: Page, accept: boolean): void {
  dialogAnswers.set(page, accept);
}

/** Messages of the prompts the page has shown so far. */
export function dialogMessages(page: Page): string[] {
  return dialogsSeen.get(page) ?? [];
}

export async function openBrowserPage(): Promise<{
  browser: Browser;
  page: Page;
  shot: (name: string) => Promise<Buffer>;
}> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  page.on('pageerror', (err) => console.error('page error:', err.message));
  // "Discard unsaved changes?" prompts are answered yes unless a test says otherwise (answerDialogs).
  page.on('dialog', (d) => {
    const answer = dialogAnswers.get(page) ?? true;
    dialogsSeen.set(page, [...(dialogsSeen.get(page) ?? []), d.message()]);
    void (answer ? d.accept() : d.dismiss()).catch(() => undefined);
  });
  return { browser, page, shot: (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) }) };
}

/** Open the run panel, give the `image` input a file, run, and wait for the first result card. */
export async function runOnImage(page: Page, file: string): Promise<void> {
  await page.getByTestId('toggle-run').click();
  await page.getByTestId('run-file-image').setInputFiles(file);
  await page.getByTestId('run-button').click();
  await page.getByTestId('run-result').waitFor({ timeout: 60_000 });
}
