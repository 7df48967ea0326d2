// Workspace / workflow ids become directory names, so they are checked before any path is built: one
// conservative character class, no dots, separators or NUL, bounded length.
import { InvalidStoreIdError } from './errors.ts';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
export const ID_PATTERN_SOURCE = ID_PATTERN.source;

/** Returns the id unchanged when safe; otherwise 400 naming the field. */
export function checkStoreId(value: unknown, field: 'workspace' | 'workflow_id'): string {
  if (typeof value === 'string' && ID_PATTERN.test(value)) return value;
  const shown =
    typeof value === 'string' ? JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value) : typeof value;
  throw new InvalidStoreIdError(
    `Invalid ${field} ${shown}: expected 1-128 characters from [A-Za-z0-9_-], starting with a letter or digit.`,
  );
}

export function isStoreId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** A Roboflow workflow_version_id naming a version of this store (a positive integer as digits), else undefined. */
export function storeVersionOf(versionId: string): number | undefined {
  return /^[1-9]\d{0,8}$/.test(versionId) ? Number(versionId) : undefined;
}

/** Versions in paths and bodies are positive integers (given as numbers or digit strings). */
export function parseVersion(value: unknown, field: string): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (Number.isSafeInteger(n) && n >= 1) return n;
  throw new InvalidStoreIdError(`Invalid ${field} ${JSON.stringify(value)}: expected a positive integer version.`);
}
