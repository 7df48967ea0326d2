/** Position of an element in (possibly nested) batches: (i,) for inputs, (i, j) for crops of item i. */
export type BatchIndex = readonly number[];

/**
 * Batch-oriented data handed to blocks in batch mode: values aligned with their indices. A masked or missing
 * element is `null` (only blocks that accept empty values ever see one).
 */
export class Batch<T = unknown> implements Iterable<T | null> {
  constructor(
    readonly values: ReadonlyArray<T | null>,
    readonly indices: ReadonlyArray<BatchIndex>,
  ) {
    if (values.length !== indices.length) throw new Error('Batch values and indices differ in length');
  }
  get length(): number {
    return this.values.length;
  }
  [Symbol.iterator](): Iterator<T | null> {
    return this.values[Symbol.iterator]();
  }
  map<U>(fn: (value: T | null, index: BatchIndex, position: number) => U | null): Batch<U> {
    return new Batch(
      this.values.map((v, i) => fn(v, this.indices[i]!, i)),
      this.indices,
    );
  }
}

export function isBatch(value: unknown): value is Batch {
  return value instanceof Batch;
}

export function indexKey(index: BatchIndex): string {
  return index.join(',');
}
