// Stateless API replicas: two servers over one data directory (a shared volume) see each other's saved workflows
// at once, and concurrent saves on the same base version keep the store's rule: one wins, the other gets 409.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type RunningServer } from '../helpers/server.ts';

const draft = (note: number) => ({ version: '1.0', inputs: [], steps: [], outputs: [], note });

describe('API replicas sharing one data directory', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-replicas-'));
  let a: RunningServer;
  let b: RunningServer;
  before(async () => {
    [a, b] = await Promise.all([startTestServer({ dataDir }), startTestServer({ dataDir })]);
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const put = (server: RunningServer, body: unknown) =>
    fetch(`${server.url}/workspaces/shared/workflows/flow`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('a save on one replica is read by the other; racing saves on one base version: one 200, the rest 409', async () => {
    assert.equal((await put(a, { definition: draft(1), draft: true })).status, 201);
    const read = (await (await fetch(`${b.url}/workspaces/shared/workflows/flow`)).json()) as { version: number };
    assert.equal(read.version, 1);

    for (let round = 1; round <= 5; round++) {
      const answers = await Promise.all(
        [a, b, a, b].map((server, i) =>
          put(server, { definition: draft(round * 10 + i), draft: true, base_version: round }),
        ),
      );
      const statuses = answers.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 409, 409, 409].sort(), `round ${round}`);
    }
    const body = (await (await fetch(`${a.url}/workspaces/shared/workflows/flow/versions`)).json()) as {
      versions: Array<{ version: number }>;
    };
    assert.deepEqual(
      body.versions.map((v) => v.version).sort((x, y) => x - y),
      [1, 2, 3, 4, 5, 6],
      'no version lost or duplicated',
    );
  });
});
