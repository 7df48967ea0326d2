// Every exported error class of the server-side code has its own row in server/error-map.ts, so a new class
// without a status fails here instead of answering whatever its parent happens to answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ERROR_TABLE, mapError } from '../../server/error-map.ts';
import { REPO_ROOT } from '../helpers/shared.ts';
import * as engine from '../../engine/index.ts';

// Browser code (editor), the HTTP client library, command-line tools, tests, benchmarks and generated output
// never answer a request.
const SKIPPED = new Set([
  'node_modules',
  'editor',
  'client',
  'cli',
  'test',
  'bench',
  'data',
  'dist',
  'test-output',
  'schemas',
  'docs',
]);
const EXPORTED_CLASS = /^export (?:abstract )?class (\w+)\b[^{]*\bextends\b/m;

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || (dir === REPO_ROOT && SKIPPED.has(entry.name))) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(full);
  }
  return files;
}

/** Every class a module exports that is an Error, with the file that declares it. */
async function exportedErrorClasses(): Promise<Array<{ name: string; file: string; cls: Function }>> {
  const found: Array<{ name: string; file: string; cls: Function }> = [];
  for (const file of sourceFiles(REPO_ROOT)) {
    const text = fs.readFileSync(file, 'utf8');
    if (!EXPORTED_CLASS.test(text)) continue;
    const declared = [...text.matchAll(new RegExp(EXPORTED_CLASS.source, 'gm'))].map((m) => m[1]!);
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const name of declared) {
      const cls = module[name];
      if (typeof cls === 'function' && cls.prototype instanceof Error) {
        found.push({ name, file: path.relative(REPO_ROOT, file), cls });
      }
    }
  }
  return found;
}

test('every exported error class has its own row in the error table', async () => {
  const classes = await exportedErrorClasses();
  assert.ok(classes.length >= 70, `found only ${classes.length} error classes: is the walk broken?`);
  const missing = classes.filter(({ cls }) => !ERROR_TABLE.has(cls as never)).map((c) => `${c.name} (${c.file})`);
  assert.deepEqual(missing, [], `add a row to server/error-map.ts for: ${missing.join(', ')}`);
});

test('every row is a real status and a known body shape', () => {
  for (const [cls, row] of ERROR_TABLE) {
    assert.ok(Number.isInteger(row.status) && row.status >= 400 && row.status < 600, `${cls.name}: ${row.status}`);
  }
});

test('a class without a row answers with its nearest ancestor row', () => {
  class UnlistedLoadError extends engine.InputImageLoadError {}
  class UnlistedInnerError extends engine.InnerWorkflowError {}
  assert.equal(mapError(new UnlistedLoadError('bad image'))?.status, 400);
  assert.equal(mapError(new UnlistedInnerError('cycle'))?.status, 400);
  assert.equal(mapError(new Error('anything else')), undefined, 'unknown errors are internal (500, logged)');
});

test('a client-caused step failure answers with the status of what the block raised', () => {
  const failure = (inner?: Error) =>
    new engine.ClientCausedStepExecutionError('step failed', 'step', { innerError: inner });
  assert.equal(mapError(failure(new engine.ModelNotFoundError('no such model')))?.status, 404);
  assert.equal(mapError(failure(new engine.RoboflowAPINotAuthorizedError('bad key')))?.status, 401);
  assert.equal(mapError(failure())?.status, 400);
  const busy = mapError(new engine.ModelManagerLockAcquisitionError('loading'));
  assert.equal(busy?.status, 503);
  assert.equal(busy?.headers?.['Retry-After'], '1');
});
