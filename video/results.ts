// Results waiting for `consume`: Roboflow's FIFO of results_buffer_size entries that drops the oldest when full.
// Entries hold decoded images (serialization happens at consume), so their pixel bytes are capped as well.
import { WorkflowImage } from '../engine/index.ts';
import type { PipelineResult } from './pipeline.ts';

/** Past this many bytes of held images the oldest results go first. */
export const MAX_RESULT_BYTES = 512 * 1024 * 1024;

export class ResultsBuffer {
  #entries: PipelineResult[] = [];
  #bytes = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes = MAX_RESULT_BYTES,
  ) {}

  get length(): number {
    return this.#entries.length;
  }

  push(result: PipelineResult): void {
    this.#entries.push(result);
    this.#bytes += resultBytes(result);
    while (this.#entries.length > this.capacity || (this.#entries.length > 1 && this.#bytes > this.maxBytes)) {
      this.#bytes -= resultBytes(this.#entries.shift()!);
    }
  }

  /** The oldest result, removed; undefined when empty. */
  shift(): PipelineResult | undefined {
    const result = this.#entries.shift();
    if (result) this.#bytes -= resultBytes(result);
    return result;
  }

  clear(): void {
    this.#entries = [];
    this.#bytes = 0;
  }
}

/** Pixel bytes of the images a result holds (top-level outputs and one level of lists/dicts). */
function resultBytes(result: PipelineResult): number {
  let bytes = 0;
  const add = (v: unknown) => {
    if (v instanceof WorkflowImage) bytes += v.pixels.length;
  };
  for (const outputs of result.outputs) {
    for (const value of Object.values(outputs ?? {})) {
      add(value);
      if (Array.isArray(value)) value.forEach(add);
      else if (value && typeof value === 'object') Object.values(value).forEach(add);
    }
  }
  return bytes;
}
