// Compilation cache: sha256 of the definition's canonical JSON (sorted keys) + engine version, FIFO-evicted.
import { createHash } from 'node:crypto';
import { EXECUTION_ENGINE_VERSION } from '../api-types.ts';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // defineProperty: a plain `out['__proto__'] = x` would set the prototype and drop the key from the hash.
    for (const k of Object.keys(value).sort()) {
      Object.defineProperty(out, k, {
        value: canonical((value as Record<string, unknown>)[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

export function canonicalHash(definition: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(definition)) ?? 'undefined')
    .update('\u0000' + EXECUTION_ENGINE_VERSION)
    .digest('hex');
}

export class FifoCache<V> {
  readonly #entries = new Map<string, V>();
  constructor(readonly capacity = 256) {}
  get(key: string): V | undefined {
    return this.#entries.get(key);
  }
  set(key: string, value: V): void {
    if (!this.#entries.has(key) && this.#entries.size >= this.capacity) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, value);
  }
  get size(): number {
    return this.#entries.size;
  }
}
