// Error bodies go to whoever sent the request: no stack traces and no absolute paths of this machine in them
// (logs keep both). Paths are cut to their last component, which still names the file that was wrong.
import os from 'node:os';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const ROOTS = [
  ...new Set(
    [process.cwd(), os.tmpdir(), os.homedir()]
      .filter((p) => p && p !== '/')
      .map((p) => p.replace(/\/+$/, '') + '/')
      .concat([
        '/tmp/',
        '/home/',
        '/root/',
        '/var/',
        '/usr/',
        '/opt/',
        '/srv/',
        '/mnt/',
        '/etc/',
        '/work/',
        '/Users/',
        '/app/',
        '/data/',
        '/proc/',
        '/sys/',
        '/dev/',
      ]),
  ),
];
// A root not preceded by URL or word characters, then everything up to a delimiter.
const ABSOLUTE_PATH = new RegExp(`(?<![\\w:/.~-])(?:${ROOTS.map(escape).join('|')})[^\\s'"\`()\\[\\]{},;]*`, 'g');
const STACK_LINE = /\n\s+at .*/g;

function basename(match: string): string {
  const trimmed = match.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || '<path>';
}

export function scrubText(text: string): string {
  return text.replace(STACK_LINE, '').replace(ABSOLUTE_PATH, basename);
}

/** A copy of an error body with stack traces reduced to their first line and absolute paths to file names. */
export function scrubErrorBody<T>(value: T, key?: string): T {
  if (typeof value === 'string') {
    const text = key === 'traceback' || key === 'stack' ? value.split('\n')[0]! : value;
    return scrubText(text) as T;
  }
  if (Array.isArray(value)) return value.map((v) => scrubErrorBody(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrubErrorBody(v, k);
    return out as T;
  }
  return value;
}
