// The editor on a server that requires SIGHTLINE_API_KEY: it asks for the key once, keeps it for the tab
// (sessionStorage) and then works; a reload does not ask again.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { needsChromium, openBrowserPage } from './browser.ts';

const KEY = 'sk-editor-key-test-314';
let server: RunningServer;
let browser: Browser | undefined;

before(async () => {
  server = await startTestServer({ config: { serveEditor: true }, env: { SIGHTLINE_API_KEY: KEY } });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('asks for the access key once, then loads blocks; a reload keeps it', { skip: needsChromium }, async () => {
  const opened = await openBrowserPage();
  browser = opened.browser;
  const { page, shot } = opened;
  await page.goto(server.url);
  const prompt = page.getByTestId('access-key-prompt');
  await prompt.waitFor({ timeout: 30_000 });
  await shot('access-key-prompt');
  // Several requests fail together at start-up: still one prompt.
  assert.equal(await prompt.count(), 1);
  await page.getByTestId('access-key-input').fill('not-the-key');
  await page.getByTestId('access-key-submit').click();
  await page.getByText('That key was not accepted').waitFor();
  await page.getByTestId('access-key-input').fill(KEY);
  await page.getByTestId('access-key-submit').click();
  await prompt.waitFor({ state: 'detached' });
  await page.getByTestId('palette-add').first().waitFor({ timeout: 30_000 });
  assert.equal(await page.evaluate(() => sessionStorage.getItem('sightline.apiKey')), KEY);
  assert.equal(await page.evaluate(() => localStorage.getItem('sightline.apiKey')), null);

  await page.reload();
  await page.getByTestId('palette-add').first().waitFor({ timeout: 30_000 });
  assert.equal(await prompt.count(), 0);
});
