// The watchdog part of a pipeline: the last status updates (severity > DEBUG), latencies averaged over the last
// 64 frames per source, throughput, and counters sampled twice a second to give decoded / processed / dropped fps.
import type { SourceEvent } from './frame-source.ts';

export interface StatusUpdate extends SourceEvent {
  timestamp: string;
}

/** Timestamps as Python's isoformat() of an aware UTC datetime: microseconds and +00:00. */
export function isoTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-08-21T10:00:01.500Z
  const micros = String(Math.round((ms % 1000) * 1000) % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 19)}.${micros}+00:00`;
}

export class StatusLog {
  readonly updates: StatusUpdate[] = [];
  constructor(readonly limit = 512) {}
  add(event: SourceEvent): void {
    if (event.severity <= 10) return;
    this.updates.push({ timestamp: isoTimestamp(Date.now()), ...event });
    if (this.updates.length > this.limit) this.updates.shift();
  }
}

export class LatencyWindow {
  #decoding: number[] = [];
  #inference: number[] = [];
  #e2e: number[] = [];
  constructor(readonly size = 64) {}
  add(decodingS: number, inferenceS: number, e2eS: number): void {
    for (const [list, v] of [
      [this.#decoding, decodingS],
      [this.#inference, inferenceS],
      [this.#e2e, e2eS],
    ] as const) {
      list.push(v);
      if (list.length > this.size) list.shift();
    }
  }
  report(sourceId: number) {
    const mean = (l: number[]) => (l.length ? l.reduce((a, b) => a + b, 0) / l.length : null);
    return {
      source_id: sourceId,
      frame_decoding_latency: mean(this.#decoding),
      inference_latency: mean(this.#inference),
      e2e_latency: mean(this.#e2e),
    };
  }
}

export interface Counters {
  decoded: number;
  processed: number;
  dropped: number;
}

/** Rates from counter samples over the last ~5 s. */
export class CounterRates {
  #samples: Array<{ t: number; c: Counters }> = [];
  sample(c: Counters, t = performance.now()): void {
    this.#samples.push({ t, c: { ...c } });
    while (this.#samples.length > 2 && t - this.#samples[0]!.t > 5000) this.#samples.shift();
  }
  rates(current: Counters, t = performance.now()): { decoded: number; processed: number; dropped: number } {
    const first = this.#samples[0];
    const dt = first ? (t - first.t) / 1000 : 0;
    if (!first || dt < 0.2) return { decoded: 0, processed: 0, dropped: 0 };
    const r = (k: keyof Counters) => Math.max(0, (current[k] - first.c[k]) / dt);
    return { decoded: r('decoded'), processed: r('processed'), dropped: r('dropped') };
  }
}
