// Step output cache: what a step produced, kept by a key of its definition and the identity of its inputs, in
// a byte-bounded LRU. A hit restores the same objects into the next run, so its outputs serialize to the same bytes.
import type { BatchIndex } from '../batch.ts';
import type { StepOutputs } from '../block.ts';
import { Detections } from '../detections.ts';
import { WorkflowImage } from '../image.ts';

export interface CachedStep {
  /** Outputs by batch index key. */
  outputs: Array<[string, StepOutputs]>;
  /** Flow-control choices by index key. */
  choices: Array<[string, Set<string>]>;
  /** Indices this step registered in its own output lineage (dimensionality-raising steps), in order. */
  children: BatchIndex[];
  bytes: number;
}

export class StepOutputCache {
  readonly #entries = new Map<string, CachedStep>();
  #bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number) {}

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): CachedStep | undefined {
    const entry = this.#entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map order is insertion order: re-inserting makes it the most recently used.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: CachedStep): void {
    if (entry.bytes > this.maxBytes) return;
    const old = this.#entries.get(key);
    if (old) {
      this.#bytes -= old.bytes;
      this.#entries.delete(key);
    }
    this.#entries.set(key, entry);
    this.#bytes += entry.bytes;
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(k);
      this.#bytes -= e.bytes;
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}

/** Rough retained size of a value: pixel and typed-array bytes dominate, the rest is estimated. */
export function estimateBytes(value: unknown, seen = new Set<object>()): number {
  if (value === null || value === undefined) return 8;
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2;
    case 'number':
    case 'boolean':
    case 'bigint':
      return 8;
    case 'object':
      break;
    default:
      return 8;
  }
  const object = value as object;
  if (seen.has(object)) return 0;
  seen.add(object);
  if (ArrayBuffer.isView(object)) return 64 + object.byteLength;
  if (object instanceof WorkflowImage) return 256 + object.pixels.byteLength;
  if (object instanceof Detections) {
    let bytes = 128 + object.xyxy.byteLength + object.confidence.byteLength + object.classId.byteLength;
    for (const mask of object.masks ?? []) bytes += mask.byteLength;
    return bytes + estimateBytes(object.data, seen);
  }
  if (object instanceof Map) {
    let bytes = 64;
    for (const [k, v] of object) bytes += estimateBytes(k, seen) + estimateBytes(v, seen);
    return bytes;
  }
  if (object instanceof Set) {
    let bytes = 64;
    for (const v of object) bytes += estimateBytes(v, seen);
    return bytes;
  }
  let bytes = 64;
  if (Array.isArray(object)) for (const v of object) bytes += estimateBytes(v, seen);
  else for (const key in object) bytes += 16 + key.length * 2 + estimateBytes((object as any)[key], seen);
  return bytes;
}
