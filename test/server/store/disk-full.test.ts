// Leftovers and full disks: temp files of killed or failed saves are swept when the server starts, and a save
// on a full disk answers 507 naming the cause (not the path), leaves no temp file, and works again once there is
// room. The full disk is a 256 KiB tmpfs, which needs root; without it that test skips saying so.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../../helpers/server.ts';
import { request } from '../http.ts';

const DEFINITION = { version: '1.0', inputs: [], steps: [], outputs: [] };

function allTemps(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.tmp'));
}

test('stale temp files are swept at start; a live process’s fresh one is kept', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-sweep-'));
  try {
    const dir = path.join(dataDir, 'workspaces', 'w', 'x');
    fs.mkdirSync(dir, { recursive: true });
    const deadPid = path.join(dir, '.v1.json.999999999.0a1b2c.tmp');
    const old = path.join(dir, `.v2.json.${process.pid}.0a1b2d.tmp`);
    const fresh = path.join(dir, `.v3.json.${process.pid}.0a1b2e.tmp`);
    for (const f of [deadPid, old, fresh]) fs.writeFileSync(f, '{');
    const hourAgo = new Date(Date.now() - 3600_000);
    fs.utimesSync(old, hourAgo, hourAgo);
    const server = await startTestServer({ dataDir });
    await server.close();
    assert.deepEqual(fs.readdirSync(dir).sort(), [path.basename(fresh)]);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

function mountTinyTmpfs(dir: string): string | false {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { stdio: 'ignore' });
    return false;
  } catch {
    return 'needs root to mount a 256 KiB tmpfs (a full disk)';
  }
}

test('a save on a full disk answers 507 naming the cause, leaves no temp file, and works once there is room', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-full-'));
  const skip = mountTinyTmpfs(dataDir);
  if (skip) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    t.skip(skip);
    return;
  }
  const server = await startTestServer({ dataDir });
  try {
    const first = await request(server, 'PUT', '/workspaces/w/workflows/kept', { definition: DEFINITION });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    // Fill the disk.
    const filler = path.join(dataDir, 'filler');
    try {
      fs.writeFileSync(filler, Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC: full, as wanted.
    }
    const big = { ...DEFINITION, description: 'x'.repeat(64 * 1024) };
    const full = await request(server, 'PUT', '/workspaces/w/workflows/more', { definition: big });
    assert.equal(full.status, 507, JSON.stringify(full.body));
    assert.match(full.body.message, /disk holding the workflow store is full \(ENOSPC\)/);
    assert.doesNotMatch(JSON.stringify(full.body), new RegExp(dataDir));
    assert.deepEqual(allTemps(dataDir), []);
    fs.rmSync(filler, { force: true });
    const again = await request(server, 'PUT', '/workspaces/w/workflows/more', { definition: big });
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal((await request(server, 'GET', '/workspaces/w/workflows/kept')).status, 200);
  } finally {
    await server.close().catch(() => undefined);
    execFileSync('umount', [dataDir], { stdio: 'ignore' });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
