// Kill -9 a real server process in the middle of a burst of saves, restart it on the same data dir:
// every acknowledged save must be there and readable, and no version file may be corrupt.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../../helpers/shared.ts';
import { freePort, jsonRequest } from './http.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-crash-'));
const children: ChildProcess[] = [];

async function startChild(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SIGHTLINE_DATA_DIR: dataDir,
      SIGHTLINE_SERVE_EDITOR: 'false',
      SIGHTLINE_SEED_EXAMPLES: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening:\n${output}`));
    });
  });
  return child;
}

const definitionOf = (workflow: string, n: number) => ({
  version: '1.0',
  inputs: [],
  steps: [],
  outputs: [],
  payload: { workflow, n, padding: 'x'.repeat(2000 + n) },
});

describe('crash safety', () => {
  after(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('kill -9 mid-burst keeps every acknowledged save intact', async (t) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const first = await startChild(port);
    const acknowledged: Array<{ workflow: string; version: number; n: number }> = [];
    const workflows = ['alpha', 'beta', 'gamma'];
    let stop = false;
    let sent = 0;
    const writer = async (workflow: string) => {
      while (!stop) {
        const n = sent++;
        try {
          const res = await jsonRequest(url, 'PUT', `/workspaces/crash/workflows/${workflow}`, {
            definition: definitionOf(workflow, n),
            draft: true,
          });
          if (res.status === 200 || res.status === 201) acknowledged.push({ workflow, version: res.body.version, n });
          else assert.fail(`save answered ${res.status}`);
        } catch (error) {
          if (!stop) throw error;
        }
      }
    };
    // Two writers per workflow, so the per-workflow lock is contended while the kill happens.
    const writers = [...workflows, ...workflows].map((w) => writer(w));
    while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 5));
    first.kill('SIGKILL');
    stop = true;
    await Promise.allSettled(writers);
    await new Promise<void>((resolve) =>
      first.exitCode !== null || first.signalCode !== null ? resolve() : first.once('exit', () => resolve()),
    );
    assert.ok(sent > acknowledged.length, 'some saves were in flight when the server died');
    t.diagnostic(`${acknowledged.length} saves acknowledged, ${sent - acknowledged.length} in flight at the kill`);

    // A crash can leave a temp file behind; simulate a torn one too. Reads must ignore both.
    const alphaDir = path.join(dataDir, 'workspaces', 'crash', 'alpha');
    fs.writeFileSync(path.join(alphaDir, '.v999.json.1.deadbeef.tmp'), '{"version": 999, "defin');

    const second = await startChild(port);
    for (const ack of acknowledged) {
      const res = await jsonRequest(url, 'GET', `/workspaces/crash/workflows/${ack.workflow}?version=${ack.version}`);
      assert.equal(res.status, 200, `${ack.workflow} v${ack.version}`);
      assert.deepEqual(res.body.definition, definitionOf(ack.workflow, ack.n));
    }
    for (const workflow of workflows) {
      const dir = path.join(dataDir, 'workspaces', 'crash', workflow);
      const files = fs.readdirSync(dir).filter((f) => /^v\d+\.json$/.test(f));
      for (const file of files) {
        const record = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
        assert.equal(`v${record.version}.json`, file);
        assert.equal(record.definition.payload.workflow, workflow);
      }
      const versions = (await jsonRequest(url, 'GET', `/workspaces/crash/workflows/${workflow}/versions`)).body
        .versions;
      assert.deepEqual(
        versions.map((v: { version: number }) => v.version),
        files.map((_, i) => i + 1),
        'no gaps, no torn versions',
      );
      // The server keeps saving after the restart, right after the last surviving version.
      const next = await jsonRequest(url, 'PUT', `/workspaces/crash/workflows/${workflow}`, {
        definition: definitionOf(workflow, -1),
        draft: true,
        base_version: files.length,
      });
      assert.equal(next.status, 200);
      assert.equal(next.body.version, files.length + 1);
    }
    second.kill('SIGKILL');
  });
});
