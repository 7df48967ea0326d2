// WorkflowStore on its own. Two store instances over one directory stand in for two server processes: they
// share no lock, so only the no-clobber file creation keeps their versions apart.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowStore } from '../../../server/store/workflow-store.ts';
import { InvalidStoreIdError, WorkflowVersionConflictError } from '../../../server/store/errors.ts';
import { createFileAtomically } from '../../../server/store/atomic-fs.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-store-'));
const definition = (n: number) => ({ version: '1.0', inputs: [], steps: [], outputs: [], n });

describe('WorkflowStore', () => {
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test('two writers without a shared lock never overwrite each other', async () => {
    const a = new WorkflowStore(root);
    const b = new WorkflowStore(root);
    const saves = Array.from({ length: 30 }, (_, n) =>
      (n % 2 ? a : b).save('ws', 'shared', { definition: definition(n) }),
    );
    const records = (await Promise.all(saves)).map((s) => s.record);
    const versions = records.map((r) => r.version).sort((x, y) => x - y);
    assert.deepEqual(
      versions,
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    for (const record of records) {
      assert.deepEqual((await a.get('ws', 'shared', record.version))?.definition, record.definition);
    }
  });

  test('two writers based on the same version: exactly one wins', async () => {
    const a = new WorkflowStore(root);
    const b = new WorkflowStore(root);
    await a.save('ws', 'contended', { definition: definition(0) });
    const results = await Promise.allSettled([
      a.save('ws', 'contended', { definition: definition(1), baseVersion: 1 }),
      b.save('ws', 'contended', { definition: definition(2), baseVersion: 1 }),
    ]);
    const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    assert.equal(rejected.length, 1);
    assert.ok(rejected[0]!.reason instanceof WorkflowVersionConflictError);
    assert.equal((rejected[0]!.reason as WorkflowVersionConflictError).currentVersion, 2);
    assert.equal((await a.listVersions('ws', 'contended')).length, 2);
  });

  test('base_version 0 means "must not exist yet"', async () => {
    const store = new WorkflowStore(root);
    const { created } = await store.save('ws', 'fresh', { definition: definition(0), baseVersion: 0 });
    assert.equal(created, true);
    await assert.rejects(
      store.save('ws', 'fresh', { definition: definition(1), baseVersion: 0 }),
      WorkflowVersionConflictError,
    );
  });

  test('createFileAtomically refuses to replace an existing file and leaves no temp file', async () => {
    const dir = fs.mkdtempSync(path.join(root, 'atomic-'));
    assert.equal(await createFileAtomically(dir, 'v1.json', '{"a":1}'), true);
    assert.equal(await createFileAtomically(dir, 'v1.json', '{"a":2}'), false);
    assert.equal(fs.readFileSync(path.join(dir, 'v1.json'), 'utf8'), '{"a":1}');
    assert.deepEqual(fs.readdirSync(dir), ['v1.json']);
  });

  test('ids that could leave the store are refused before touching the disk', async () => {
    const store = new WorkflowStore(path.join(root, 'inner'));
    for (const bad of ['..', '.', '../x', 'a/b', 'a\\b', 'a\0b', '', '-lead', 'a'.repeat(129), 'é']) {
      await assert.rejects(
        store.save('ws', bad, { definition: definition(0) }),
        InvalidStoreIdError,
        JSON.stringify(bad),
      );
      await assert.rejects(
        store.save(bad, 'wf', { definition: definition(0) }),
        InvalidStoreIdError,
        JSON.stringify(bad),
      );
    }
    assert.equal(fs.existsSync(path.join(root, 'inner')), false);
  });
});
