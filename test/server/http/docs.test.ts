// /docs in headless Chromium with every request outside the server blocked: Swagger UI (from swagger-ui-dist on
// disk) loads, renders the generated document, and never reaches for a CDN or the online validator.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { REPO_ROOT } from '../../helpers/shared.ts';

const CHROMIUM = '/usr/bin/chromium';
const needsChromium = fs.existsSync(CHROMIUM) ? false : `needs Debian's chromium at ${CHROMIUM}`;
const SHOTS = path.join(REPO_ROOT, 'test-output', 'server');

let server: RunningServer;
let browser: Browser | undefined;

before(async () => {
  server = await startTestServer({ env: { SIGHTLINE_API_KEY: 'sk-docs-test-key-123' } });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('/docs loads offline in headless Chromium and lists the API', { skip: needsChromium }, async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const outside: string[] = [];
  const origin = new URL(server.url).origin;
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const failed: string[] = [];
  page.on('response', (res) => {
    if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
  });

  await page.goto(`${server.url}/docs`);
  await page.locator('.swagger-ui .info .title').filter({ hasText: 'Sightline API' }).waitFor({ timeout: 30_000 });
  await page.locator('.opblock').first().waitFor();
  const operations = await page.locator('.opblock').count();
  assert.ok(operations >= 40, `only ${operations} operations rendered`);
  assert.ok(await page.locator('.opblock-summary-path', { hasText: '/workflows/run' }).count());
  // The access key scheme is offered (Authorize button) because the server requires one.
  assert.ok(await page.locator('button.authorize').count());
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'docs.png') });

  assert.deepEqual(outside, [], 'requests outside the server');
  assert.deepEqual(errors, []);
  assert.deepEqual(failed, []);
});
