// Python-compatible behaviour the query language exposes: equality, `in`, slicing, str() and json.dumps().
import { isDetections } from '../../../engine/index.ts';

/** Python `==`: numbers and booleans compare by value, lists and dicts deeply. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null) return (a ?? null) === (b ?? null);
  const numeric = (v: unknown) => typeof v === 'number' || typeof v === 'boolean';
  if (numeric(a) && numeric(b)) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => pyEquals(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && pyEquals(a[k], b[k]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return false;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Python `element in container`; undefined when the container does not support `in`. */
export function pyContains(container: unknown, element: unknown): boolean | undefined {
  if (Array.isArray(container)) return container.some((v) => pyEquals(v, element));
  if (container instanceof Set) return [...container].some((v) => pyEquals(v, element));
  if (typeof container === 'string') return typeof element === 'string' ? container.includes(element) : undefined;
  if (isPlainObject(container))
    return typeof element === 'string' || typeof element === 'number' ? String(element) in container : false;
  return undefined;
}

/** Python `len()`; undefined for values without a length. */
export function pyLen(value: unknown): number | undefined {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (isDetections(value)) return value.length;
  if (value instanceof Set || value instanceof Map) return value.size;
  if (value instanceof Uint8Array) return value.length;
  if (isPlainObject(value)) return Object.keys(value).length;
  return undefined;
}

/** Python slice `seq[start:end]` with negative indices. */
export function pySlice<T extends string | unknown[]>(seq: T, start: number, end: number): T {
  const n = seq.length;
  const norm = (i: number) => (i < 0 ? Math.max(0, n + i) : Math.min(n, i));
  return seq.slice(norm(start), Math.max(norm(start), norm(end))) as T;
}

/** Python `str()` of JSON-like values. */
export function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return pyNumber(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isPlainObject(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  return String(value);
}

function pyRepr(value: unknown): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : pyStr(value);
}

function pyNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}

/** Python `json.dumps(value)` with its default separators (`, ` and `: `). */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return pyJsonDumps(Array.from(value as unknown as ArrayLike<number>));
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pyJsonDumps(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(String(value));
}
