// The `examples` workspace: seeded once on first start, never re-seeded over a user's changes, and every
// example compiles with the blocks this build registers (and detect-and-count runs on a real photo).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { needsShared, sharedImage } from '../helpers/shared.ts';
import { loadExamples, type ExampleFile } from '../../server/store/seed.ts';
import { jsonRequest } from './http.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-examples-'));
let server: RunningServer;
let examples: ExampleFile[];
let registered: Set<string>;

const stepTypes = (example: ExampleFile) =>
  (example.definition.steps as Array<{ type: string }>).map((s) => s.type);

describe('examples workspace', () => {
  before(async () => {
    examples = await loadExamples();
    server = await startTestServer({ dataDir, config: { seedExamples: true } });
    const described = await jsonRequest(server.url, 'GET', '/workflows/blocks/describe');
    registered = new Set(
      (described.body?.blocks ?? []).flatMap((b: { manifest_type_identifier: string; manifest_type_identifier_aliases: string[] }) => [
        b.manifest_type_identifier,
        ...b.manifest_type_identifier_aliases,
      ]),
    );
  });
  after(async () => {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('first start seeds every example file as version 1', async () => {
    assert.ok(examples.length >= 5);
    const listed = await jsonRequest(server.url, 'GET', '/workspaces/examples/workflows');
    assert.deepEqual(
      listed.body.workflows.map((w: { id: string }) => w.id),
      examples.map((e) => e.id).sort(),
    );
    for (const example of examples) {
      const saved = await jsonRequest(server.url, 'GET', `/workspaces/examples/workflows/${example.id}`);
      assert.equal(saved.body.version, 1);
      assert.equal(saved.body.message, example.description);
      assert.deepEqual(saved.body.definition, example.definition);
      if (stepTypes(example).some((t) => t.includes('object_detection'))) {
        assert.match(example.description, /npm run models:import -- /, `${example.id} says how to install a model`);
      }
    }
  });

  test('a restart does not re-seed over a user deleting an example', async () => {
    const victim = examples[0]!.id;
    assert.equal((await jsonRequest(server.url, 'DELETE', `/workspaces/examples/workflows/${victim}`)).status, 204);
    const again = await startTestServer({ dataDir, config: { seedExamples: true } });
    try {
      const res = await jsonRequest(again.url, 'GET', `/workspaces/examples/workflows/${victim}`);
      assert.equal(res.status, 404);
      const listed = await jsonRequest(again.url, 'GET', '/workspaces/examples/workflows');
      assert.equal(listed.body.workflows.length, examples.length - 1);
    } finally {
      await again.close();
    }
  });

  test('every example whose blocks are registered compiles', async (t) => {
    for (const example of examples) {
      const missing = stepTypes(example).filter((type) => !registered.has(type));
      if (missing.length) {
        t.diagnostic(`${example.id}: not validated, blocks not registered yet: ${missing.join(', ')}`);
        continue;
      }
      const res = await jsonRequest(server.url, 'POST', '/workflows/validate', example.definition);
      assert.equal(res.status, 200, `${example.id}: ${JSON.stringify(res.body)}`);
    }
  });

  test('detect-and-count runs on bus.jpg from the store', { skip: needsShared }, async (t) => {
    const example = examples.find((e) => e.id === 'detect-and-count')!;
    const missing = stepTypes(example).filter((type) => !registered.has(type));
    if (missing.length) return t.skip(`blocks not registered yet: ${missing.join(', ')}`);
    await jsonRequest(server.url, 'PUT', '/workspaces/mine/workflows/count', { definition: example.definition });
    const image = { type: 'base64', value: fs.readFileSync(sharedImage('bus.jpg')).toString('base64') };
    const res = await jsonRequest(server.url, 'POST', '/mine/workflows/count', { inputs: { image } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [output] = res.body.outputs;
    assert.ok(output.count >= 5, `count ${output.count}`);
    assert.equal(output.summary, `Found ${output.count} object(s)`);
  });
});
