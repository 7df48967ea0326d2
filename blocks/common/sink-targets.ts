// Where sinks may write: file sinks stay under the write root after symlinks are resolved (directory and file
// name prefix alike) and never touch the kernel's pseudo filesystems; files are opened without following a
// symlink at the final name.
import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { AccessNotAllowedError } from '../../engine/index.ts';

const PSEUDO_FILESYSTEMS = ['/proc', '/sys', '/dev'];

function inside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The real path of `target`: its deepest existing ancestor resolved (symlinks followed), the rest appended. */
async function realTarget(target: string): Promise<string> {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    try {
      const real = await fs.realpath(current);
      return path.join(real, ...missing.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = path.dirname(current);
      if (parent === current) return target;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

function refuse(stepName: string, what: string): AccessNotAllowedError {
  return new AccessNotAllowedError(`Step ${stepName}: ${what}`);
}

/** A file name prefix is a name, not a path. */
export function checkFilePrefix(prefix: string, stepName: string): string {
  if (prefix === '' || prefix === '.' || prefix === '..' || /[/\\\0]/.test(prefix)) {
    throw refuse(
      stepName,
      `file_name_prefix ${JSON.stringify(prefix.slice(0, 80))} must be a plain file name (no '/', '\\' or '..')`,
    );
  }
  return prefix;
}

/**
 * The directory a file sink writes to, created if needed: relative targets are taken from the write root;
 * absolute ones must lie inside it once symlinks are resolved. Throws AccessNotAllowedError.
 */
export async function confinedDirectory(target: string, root: string | undefined, stepName: string): Promise<string> {
  let realRoot: string | undefined;
  if (root) {
    await fs.mkdir(root, { recursive: true });
    realRoot = await fs.realpath(root);
  }
  const wanted = realRoot ? path.resolve(realRoot, target) : path.resolve(target);
  const real = await realTarget(wanted);
  if (PSEUDO_FILESYSTEMS.some((p) => inside(p, real) || inside(p, wanted)))
    throw refuse(stepName, `target_directory ${target} is in a system directory (/proc, /sys, /dev)`);
  if (realRoot && !inside(realRoot, real)) {
    throw refuse(
      stepName,
      `target_directory ${target} is outside the allowed directory (WORKFLOW_BLOCKS_WRITE_DIRECTORY); use a path inside it, e.g. a relative one`,
    );
  }
  await fs.mkdir(real, { recursive: true });
  // A symlink swapped in while creating the directories must not lead outside either.
  const created = await fs.realpath(real);
  if (realRoot && !inside(realRoot, created))
    throw refuse(stepName, `target_directory ${target} is outside the allowed directory`);
  return created;
}

/** Opens `file` for writing a new file or appending, refusing a symlink at the name itself. */
export async function openForSink(file: string, append: boolean): Promise<fs.FileHandle> {
  const flags =
    constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | (append ? constants.O_APPEND : constants.O_EXCL);
  return fs.open(file, flags, 0o644);
}
