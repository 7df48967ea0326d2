// Crash-safe file creation: a save is either fully on disk under its final name or not there at all.
// Data goes to a temp file in the same directory, is fsynced, then hard-linked to the final name (link fails
// with EEXIST instead of replacing, so two processes can never clobber one version), and the directory is
// fsynced so the new name survives power loss.
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const TEMP_SUFFIX = '.tmp';

/** Temp names start with a dot so listings skip them; leftovers from a crash are ignored on read. */
export function isTempOrHidden(name: string): boolean {
  return name.startsWith('.') || name.endsWith(TEMP_SUFFIX);
}

export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some platforms/filesystems refuse fsync on directories; the rename/link is still atomic there.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

/** mkdir -p that also fsyncs the parent of every directory it created. */
export async function ensureDir(dir: string): Promise<void> {
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    try {
      await fs.access(current);
      break;
    } catch {
      missing.push(current);
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  if (missing.length === 0) return;
  await fs.mkdir(dir, { recursive: true });
  for (const created of missing) await fsyncDir(path.dirname(created));
}

async function writeTemp(dir: string, name: string, data: string): Promise<string> {
  const temp = path.join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
  const handle = await fs.open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } catch (error) {
    // A failed write (disk full) must not leave its temp file behind.
    await handle.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await handle.close();
  return temp;
}

/** Temp files of a save: `.<name>.<pid>.<random>.tmp`. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temp files that killed or failed saves left under `root`: those of processes no longer running on this
 * machine, and any older than `maxAgeMs` (a shared volume's other hosts). Returns how many were removed.
 */
export async function sweepStaleTemps(root: string, maxAgeMs = 10 * 60_000): Promise<number> {
  let removed = 0;
  const now = Date.now();
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < 8) await walk(full, depth + 1);
        continue;
      }
      const match = TEMP_NAME.exec(entry.name);
      if (!entry.isFile() || !match) continue;
      const pid = Number(match[1]);
      const stat = await fs.stat(full).catch(() => null);
      if (!stat) continue;
      const stale = now - stat.mtimeMs > maxAgeMs || (pid !== process.pid && !processAlive(pid));
      if (
        stale &&
        (await fs.rm(full).then(
          () => true,
          () => false,
        ))
      )
        removed++;
    }
  };
  await walk(root, 0);
  return removed;
}

/**
 * Create `dir/name` with `data` atomically, never replacing an existing file.
 * Returns false (and writes nothing) when `dir/name` already exists.
 */
export async function createFileAtomically(dir: string, name: string, data: string): Promise<boolean> {
  const temp = await writeTemp(dir, name, data);
  const target = path.join(dir, name);
  try {
    await fs.link(temp, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    // Filesystem without hard links: check-then-rename (safe within one process, callers hold a lock).
    if (await exists(target)) return false;
    await fs.rename(temp, target);
  } finally {
    await fs.rm(temp, { force: true });
  }
  await fsyncDir(dir);
  return true;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
