// What /readiness reports beyond "the process is up": whether work can actually start here now. Three signals:
// the event loop's delay (perf_hooks.monitorEventLoopDelay), the libuv thread pool (image decodes and file I/O run
// there: a probe fs.stat that cannot start means every decode is stuck behind something), and the work queues
// (image decodes waiting for the pixel budget, model runs waiting in each model's scheduler).
import fs from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface QueueReading {
  name: string;
  queued: number;
  limit: number;
}

export interface LoadLimits {
  maxEventLoopDelayMs: number;
  /** Decodes waiting for the pixel budget beyond which the server is not ready. */
  maxQueued: number;
}

export interface LoadReport {
  ready: boolean;
  reasons: string[];
  event_loop_delay_ms: number;
  thread_pool_probe_ms: number;
  queues: QueueReading[];
}

/** Readiness refused because the server is overloaded; the message lists why. */
export class ServerNotReadyError extends Error {
  constructor(readonly report: LoadReport) {
    super(`Not ready: ${report.reasons.join('; ')}`);
    this.name = 'ServerNotReadyError';
  }
  get details(): Record<string, unknown> {
    return { status: 'not ready', ...this.report };
  }
}

const WINDOW_MS = 1000;

export class LoadMonitor {
  readonly #histogram: ReturnType<typeof monitorEventLoopDelay>;
  readonly #timer: NodeJS.Timeout;
  #lastDelayMs = 0;
  #probeStarted: number | undefined;
  #lastProbeMs = 0;

  constructor(
    readonly limits: LoadLimits,
    readonly queues: () => QueueReading[],
  ) {
    this.#histogram = monitorEventLoopDelay({ resolution: 20 });
    this.#histogram.enable();
    this.#timer = setInterval(() => this.#tick(), WINDOW_MS);
    this.#timer.unref();
  }

  #tick(): void {
    // The worst delay of the last window (ns → ms); a window with no samples keeps the previous reading.
    if (this.#histogram.count > 0) this.#lastDelayMs = this.#histogram.max / 1e6;
    this.#histogram.reset();
    if (this.#probeStarted !== undefined) return;
    const started = performance.now();
    this.#probeStarted = started;
    fs.stat(os.tmpdir(), () => {
      this.#lastProbeMs = performance.now() - started;
      this.#probeStarted = undefined;
    });
  }

  report(): LoadReport {
    const reasons: string[] = [];
    const delay = this.#lastDelayMs;
    if (delay > this.limits.maxEventLoopDelayMs)
      reasons.push(`event loop delayed ${Math.round(delay)} ms (limit ${this.limits.maxEventLoopDelayMs} ms)`);
    const pending = this.#probeStarted !== undefined ? performance.now() - this.#probeStarted : 0;
    const probe = Math.max(this.#lastProbeMs, pending);
    if (probe > this.limits.maxEventLoopDelayMs)
      reasons.push(`worker thread pool busy: a file check waited ${Math.round(probe)} ms`);
    const queues = this.queues();
    for (const q of queues) if (q.queued >= q.limit) reasons.push(`${q.name}: ${q.queued} waiting (limit ${q.limit})`);
    return {
      ready: reasons.length === 0,
      reasons,
      event_loop_delay_ms: Math.round(delay),
      thread_pool_probe_ms: Math.round(probe),
      queues,
    };
  }

  close(): void {
    clearInterval(this.#timer);
    this.#histogram.disable();
  }
}
