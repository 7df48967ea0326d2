// Chrome trace events for `enable_profiling` (docs/roboflow-compatibility.md#profiling); a disabled profiler records nothing.
import type { TraceEvent } from './api-types.ts';

const CATEGORY = 'execution_engine_operation';

export class Profiler {
  readonly #events: TraceEvent[] = [];
  readonly #origin = Date.now() * 1000 - performance.now() * 1000;
  constructor(readonly enabled: boolean) {}

  #ts(ms: number): number {
    return Math.round(this.#origin + ms * 1000);
  }

  complete(name: string, startMs: number, endMs: number, args?: Record<string, unknown>): void {
    if (!this.enabled) return;
    this.#events.push({
      name,
      ph: 'X',
      pid: process.pid,
      tid: 0,
      ts: this.#ts(startMs),
      dur: Math.round((endMs - startMs) * 1000),
      cat: CATEGORY,
      ...(args ? { args } : {}),
    });
  }

  mark(name: string, ph: 'B' | 'E' | 'I', args?: Record<string, unknown>): void {
    if (!this.enabled) return;
    this.#events.push({
      name,
      ph,
      pid: process.pid,
      tid: 0,
      ts: this.#ts(performance.now()),
      cat: CATEGORY,
      ...(args ? { args } : {}),
    });
  }

  addPhases(phases: Array<{ name: string; start: number; end: number }>): void {
    for (const p of phases) this.complete(p.name, p.start, p.end);
  }

  /** Times `fn` as a complete event. */
  async measure<T>(name: string, fn: () => Promise<T> | T, args?: Record<string, unknown>): Promise<T> {
    if (!this.enabled) return fn();
    const start = performance.now();
    try {
      return await fn();
    } catch (error) {
      this.mark(`${name}_error`, 'I', { error: (error as Error)?.message });
      throw error;
    } finally {
      this.complete(name, start, performance.now(), args);
    }
  }

  export(): TraceEvent[] {
    return this.enabled ? [...this.#events] : [];
  }
}
