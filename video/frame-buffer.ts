// The bounded buffer between a decoder and the pipeline, with the strategy names of Roboflow's InferencePipeline buffer.
// Filling — what happens when it is full: WAIT holds the decoder back (every frame is processed), DROP_OLDEST
// evicts the oldest frame, DROP_LATEST discards the new one. The ADAPTIVE_ variants behave as their plain
// variant here. Consumption: LAZY takes the oldest frame, EAGER takes the newest and discards the rest.
// Memory is bounded by a frame count and a byte budget, whichever is smaller.

export const FILLING_STRATEGIES = [
  'WAIT',
  'DROP_OLDEST',
  'ADAPTIVE_DROP_OLDEST',
  'DROP_LATEST',
  'ADAPTIVE_DROP_LATEST',
];
export const CONSUMPTION_STRATEGIES = ['LAZY', 'EAGER'];
export type FillingStrategy = (typeof FILLING_STRATEGIES)[number];
export type ConsumptionStrategy = 'LAZY' | 'EAGER';

export interface Frame {
  pixels: Uint8Array;
  width: number;
  height: number;
  sourceId: number;
  /** Per-source count of grabbed frames from 1; dropped frames leave gaps; keeps counting across reconnects. */
  frameId: number;
  /** ms since epoch: wall clock for streams, synthetic (mtime − duration + offset) for files. */
  timestamp: number;
  /** performance.now() when decoded (latency figures). */
  decodedAt: number;
  fps: number | null;
  measuredFps: number | null;
  isFile: boolean;
}

export type PushResult = 'queued' | 'dropped-oldest' | 'dropped-new' | 'wait';

export class FrameBuffer {
  #frames: Frame[] = [];
  #bytes = 0;
  #waiters: Array<() => void> = [];
  dropped = 0;
  skipped = 0;

  constructor(
    readonly filling: FillingStrategy,
    readonly consumption: ConsumptionStrategy,
    readonly capacity: number,
    readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.#frames.length;
  }

  /** Full by count, or by bytes once it holds at least two frames (a single huge frame is always accepted). */
  get full(): boolean {
    return this.#frames.length >= this.capacity || (this.#frames.length >= 2 && this.#bytes >= this.maxBytes);
  }

  /** Offer a frame; 'wait' means the caller must hold it and offer it again after a take (WAIT strategy). */
  push(frame: Frame): PushResult {
    let result: PushResult = 'queued';
    if (this.full) {
      if (this.filling === 'WAIT') return 'wait';
      if (this.filling.endsWith('DROP_LATEST')) {
        this.dropped++;
        return 'dropped-new';
      }
      const old = this.#frames.shift()!;
      this.#bytes -= old.pixels.length;
      this.dropped++;
      result = 'dropped-oldest';
    }
    this.#frames.push(frame);
    this.#bytes += frame.pixels.length;
    this.#wake();
    return result;
  }

  /** A frame per the consumption strategy, or undefined when empty. */
  take(): Frame | undefined {
    if (this.#frames.length === 0) return undefined;
    let frame: Frame;
    if (this.consumption === 'EAGER') {
      frame = this.#frames[this.#frames.length - 1]!;
      this.skipped += this.#frames.length - 1;
      this.#frames = [];
      this.#bytes = 0;
    } else {
      frame = this.#frames.shift()!;
      this.#bytes -= frame.pixels.length;
    }
    return frame;
  }

  clear(): void {
    this.#frames = [];
    this.#bytes = 0;
    this.#wake();
  }

  /** Resolves on the next push (or clear/wake). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  wake(): void {
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

/** Frames per second over a sliding window of event times. */
export class RateMeter {
  #times: number[] = [];
  constructor(readonly window = 60) {}
  tick(now = performance.now()): void {
    this.#times.push(now);
    if (this.#times.length > this.window) this.#times.shift();
  }
  /** Rate over the window; 0 when fewer than 2 events or none in the last 2 s. */
  rate(now = performance.now()): number {
    const t = this.#times;
    if (t.length < 2 || now - t[t.length - 1]! > 2000) return 0;
    const span = (t[t.length - 1]! - t[0]!) / 1000;
    return span > 0 ? (t.length - 1) / span : 0;
  }
}
