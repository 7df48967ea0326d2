// A pipeline: its sources, one workflow instance (own step state, so trackers and counters live across frames),
// a loop that collects one frame per source into a batch and runs the workflow on it while the decoders read
// ahead, a bounded FIFO of results for `consume`, and listeners (WebSocket, MJPEG, CLI) told of every result.
//
// Lifecycle: initialising → running ⇄ paused → ended | failed | terminated. terminate() works from every state.
import {
  WorkflowImage,
  serializeOutput,
  type VideoMetadata,
  type WorkflowInstance,
  type InterfaceDescription,
} from '../engine/index.ts';
import { PipelineOperationError } from './errors.ts';
import { FrameSource, type SourceEvent } from './frame-source.ts';
import type { ConsumptionStrategy, FillingStrategy, Frame } from './frame-buffer.ts';
import { CounterRates, LatencyWindow, StatusLog, isoTimestamp, type Counters } from './report.ts';
import { publicReference, type SourceSpec } from './sources.ts';
import { ResultsBuffer } from './results.ts';

/** Batches in the workflow at once (see #run). */
const BATCHES_IN_FLIGHT = 3;

export type PipelineState = 'initialising' | 'running' | 'paused' | 'ended' | 'failed' | 'terminated';

export interface PipelineSettings {
  imageInputName: string;
  videoMetadataInputName: string;
  workflowsParameters: Record<string, unknown>;
  maxFps: number | null;
  /** null = by source type (file: WAIT/LAZY, live: ADAPTIVE_DROP_OLDEST/EAGER). */
  filling: FillingStrategy | null;
  consumption: ConsumptionStrategy | null;
  decodingBufferSize: number;
  maxBufferBytes: number;
  batchCollectionTimeoutS: number | null;
  resultsBufferSize: number;
  consumptionTimeoutS: number | null;
  videoSourceProperties: Record<string, number> | null;
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
  stallTimeoutMs: number;
  disableSinks: boolean;
  apiKey?: string;
  /** Per-source frame offsets to resume files from (queue mode). */
  startFrames?: number[];
}

export interface FrameMetadata {
  frame_timestamp: string;
  frame_id: number;
  source_id: number;
}

/** One batch's results, aligned to all sources (null where a source had no frame). */
export interface PipelineResult {
  outputs: Array<Record<string, unknown> | null>;
  frames: Array<FrameMetadata | null>;
}

export type ResultListener = (result: PipelineResult) => void;

interface SourceCounters extends Counters {
  lastProcessedFrameId: number | null;
  lastConsumedFrameId: number | null;
}

export class Pipeline {
  state: PipelineState = 'initialising';
  readonly sources: FrameSource[];
  readonly createdAt = Date.now();
  endedAt: number | null = null;
  lastError: string | null = null;
  framesProcessed = 0;
  lastConsumeAt = Date.now();
  readonly #log = new StatusLog();
  readonly #results: ResultsBuffer;
  readonly #listeners = new Set<ResultListener>();
  readonly #latency: LatencyWindow[];
  readonly #counters: SourceCounters[];
  readonly #rates: CounterRates[];
  readonly #throughput: number[] = [];
  #stopped = false;
  #sampler: NodeJS.Timeout | undefined;
  #lastBatchAt = 0;
  #loop: Promise<void> | undefined;

  constructor(
    readonly id: string,
    readonly workflow: WorkflowInstance,
    readonly outputKinds: InterfaceDescription['outputs'],
    specs: SourceSpec[],
    readonly settings: PipelineSettings,
    /** Checks a live source again before each connection (the manager's address policy). */
    beforeConnect?: (spec: SourceSpec) => Promise<void>,
  ) {
    const onEvent = (e: SourceEvent) => this.#log.add(e);
    this.sources = specs.map((spec, i) => {
      const live = spec.kind === 'stream' || spec.kind === 'device';
      // inference_sdk always sends DROP_OLDEST + EAGER; on a file Roboflow then skips most frames. Here a file
      // given that pair (or null) is read frame by frame; any other explicit choice is honoured.
      const everyFrame = !live && settings.filling === 'DROP_OLDEST' && settings.consumption === 'EAGER';
      return new FrameSource(spec, i, {
        filling: settings.filling === null || everyFrame ? (live ? 'ADAPTIVE_DROP_OLDEST' : 'WAIT') : settings.filling,
        consumption: settings.consumption === null || everyFrame ? (live ? 'EAGER' : 'LAZY') : settings.consumption,
        bufferSize: settings.decodingBufferSize,
        maxBufferBytes: settings.maxBufferBytes,
        reconnectDelayMs: settings.reconnectDelayMs,
        maxReconnectDelayMs: settings.maxReconnectDelayMs,
        stallTimeoutMs: settings.stallTimeoutMs,
        properties: settings.videoSourceProperties,
        startFrame: settings.startFrames?.[i],
        onEvent,
        beforeConnect: live && beforeConnect ? () => beforeConnect(spec) : undefined,
      });
    });
    this.#latency = this.sources.map(() => new LatencyWindow());
    this.#counters = this.sources.map(() => ({
      decoded: 0,
      processed: 0,
      dropped: 0,
      lastProcessedFrameId: null,
      lastConsumedFrameId: null,
    }));
    this.#rates = this.sources.map(() => new CounterRates());
    this.#results = new ResultsBuffer(settings.resultsBufferSize);
  }

  /** Opens the sources and starts the loop; returns at once (sources connect in the background). */
  start(): void {
    for (const source of this.sources) source.start();
    this.#sampler = setInterval(() => this.#sample(), 500);
    this.#sampler.unref();
    this.#loop = this.#run().catch((error: Error) => {
      // A fault of the runtime itself (not of a frame's workflow run): stop cleanly and say why.
      this.lastError = `${error.name}: ${error.message}`;
      this.#event(40, 'INFERENCE_ERROR', { error_type: error.name, error_message: error.message });
      this.state = 'failed';
      this.endedAt = Date.now();
      void Promise.all(this.sources.map((s) => s.terminate()));
    });
  }

  #event(severity: number, event_type: string, payload: Record<string, unknown> = {}): void {
    this.#log.add({ severity, event_type, payload, context: 'inference_pipeline' });
  }

  #sample(): void {
    this.sources.forEach((s, i) => this.#rates[i]!.sample(this.#sourceCounters(s, i)));
    const timeout = this.settings.consumptionTimeoutS;
    if (timeout && !this.#stopped && Date.now() - this.lastConsumeAt > timeout * 1000) {
      this.#event(30, 'CONSUMPTION_TIMEOUT', { consumption_timeout: timeout });
      void this.terminate();
    }
  }

  #sourceCounters(s: FrameSource, i: number): Counters {
    const c = this.#counters[i]!;
    return { decoded: s.framesDecoded, processed: c.processed, dropped: s.buffer.dropped + s.buffer.skipped };
  }

  /** Read through a method: the loop awaits between checks, so the state may change under it. */
  #isPaused(): boolean {
    return this.state === 'paused';
  }

  async #run(): Promise<void> {
    this.#event(20, 'INFERENCE_THREAD_STARTED');
    this.state = 'running';
    // Batches in the workflow at once: the next one's model steps run while this one is tracked and drawn (the
    // workflow instance keeps stateful steps in frame order), and results are handed on in frame order.
    const inFlight: Promise<void>[] = [];
    let handedOn: Promise<void> = Promise.resolve();
    while (!this.#stopped) {
      if (this.#isPaused()) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const batch = await this.#collect();
      if (batch === null) break;
      if (batch.length === 0 || !(await this.#admit(batch))) continue;
      handedOn = this.#process(batch, handedOn);
      inFlight.push(handedOn);
      if (inFlight.length >= BATCHES_IN_FLIGHT) await inFlight.shift();
    }
    await Promise.all(inFlight);
    this.#event(20, 'INFERENCE_THREAD_FINISHED');
    if (this.#stopped) return;
    clearInterval(this.#sampler);
    this.#sample();
    this.endedAt = Date.now();
    const allFailed = this.sources.every((s) => s.state === 'ERROR');
    this.state = allFailed && this.framesProcessed === 0 ? 'failed' : 'ended';
    if (allFailed) this.lastError ??= this.sources.map((s) => s.lastError).find(Boolean) ?? 'sources failed';
  }

  /** One frame per source that has one (source order); [] to retry; null when every source is finished. */
  async #collect(): Promise<Frame[] | null> {
    const active = this.sources.filter((s) => !s.finished);
    if (active.length === 0) return null;
    const timeout = this.settings.batchCollectionTimeoutS;
    const batchDeadline = timeout !== null ? this.#lastBatchAt + timeout * 1000 : undefined;
    const frames: Frame[] = [];
    for (const source of active) {
      for (;;) {
        if (this.#stopped) return frames;
        const deadline = Math.min(batchDeadline ?? Infinity, performance.now() + 250);
        const result = await source.read(deadline);
        if (result === null) break;
        if (result !== 'timeout') {
          frames.push(result);
          break;
        }
        // A reconnecting source is left out of this batch once another source has a frame.
        if (batchDeadline !== undefined && performance.now() >= batchDeadline) break;
        if (source.reconnecting && (frames.length > 0 || active.length > 1)) break;
        if (this.#isPaused()) break;
      }
    }
    if (frames.length > 0) this.#lastBatchAt = performance.now();
    return frames;
  }

  /** max_fps as Roboflow: a cap of max_fps / N batches per second; files wait for the slot, streams drop. */
  async #admit(batch: Frame[]): Promise<boolean> {
    const maxFps = this.settings.maxFps;
    if (!maxFps) return true;
    const interval = (1000 * this.sources.length) / maxFps;
    const wait = this.#nextSlot - performance.now();
    if (wait > 0) {
      if (this.sources.some((s) => s.isLive)) {
        for (const f of batch) this.sources[f.sourceId]!.buffer.skipped++;
        return false;
      }
      await new Promise((r) => setTimeout(r, wait));
    }
    this.#nextSlot = Math.max(performance.now(), this.#nextSlot) + interval;
    return true;
  }
  #nextSlot = 0;

  /** Runs the workflow on a batch, then (after the previous batch's result) records and hands on its result. */
  async #process(batch: Frame[], previous: Promise<void>): Promise<void> {
    const { imageInputName, videoMetadataInputName } = this.settings;
    const metas: VideoMetadata[] = batch.map((f) => ({
      video_identifier: String(f.sourceId),
      frame_number: f.frameId,
      frame_timestamp: isoTimestamp(f.timestamp),
      fps: f.fps,
      measured_fps: f.measuredFps,
      comes_from_video_file: f.isFile,
    }));
    const images = batch.map(
      (f, i) =>
        new WorkflowImage(f.pixels, f.width, f.height, {
          parentId: `${imageInputName}.[${i}]`,
          videoMetadata: metas[i],
        }),
    );
    const inputs = {
      ...this.settings.workflowsParameters,
      [imageInputName]: images,
      [videoMetadataInputName]: metas,
    };
    const started = performance.now();
    let outputs: Array<Record<string, unknown>>;
    try {
      ({ outputs } = await this.workflow.run(inputs, {
        serialize: false,
        disableSinks: this.settings.disableSinks,
        apiKey: this.settings.apiKey,
      }));
    } catch (error) {
      await previous;
      const e = error as Error;
      this.lastError = `${e.name}: ${e.message}`;
      this.#event(40, 'INFERENCE_ERROR', {
        error_type: e.name || 'Error',
        error_message: e.message,
        error_context: 'inference_thread',
        frames_ids: batch.map((f) => f.frameId),
      });
      return;
    }
    const ended = performance.now();
    await previous;
    this.#throughput.push(ended);
    if (this.#throughput.length > 30) this.#throughput.shift();
    const result: PipelineResult = {
      outputs: this.sources.map(() => null),
      frames: this.sources.map(() => null),
    };
    batch.forEach((f, i) => {
      const c = this.#counters[f.sourceId]!;
      c.processed++;
      c.lastProcessedFrameId = f.frameId;
      this.framesProcessed++;
      this.#latency[f.sourceId]!.add(
        (started - f.decodedAt) / 1000,
        (ended - started) / 1000,
        (ended - f.decodedAt) / 1000,
      );
      result.outputs[f.sourceId] = outputs[i] ?? outputs[0] ?? {};
      result.frames[f.sourceId] = {
        frame_timestamp: metas[i]!.frame_timestamp,
        frame_id: f.frameId,
        source_id: f.sourceId,
      };
    });
    this.#results.push(result);
    for (const listener of this.#listeners) {
      try {
        listener(result);
      } catch (error) {
        this.#event(40, 'INFERENCE_RESULTS_DISPATCHING_ERROR', {
          error_type: (error as Error).name,
          error_message: (error as Error).message,
          error_context: 'inference_results_dispatching',
        });
      }
    }
    if (this.resultSink) {
      try {
        await this.resultSink(result);
      } catch (error) {
        this.lastError = `${(error as Error).name}: ${(error as Error).message}`;
        this.#event(40, 'INFERENCE_RESULTS_DISPATCHING_ERROR', {
          error_type: (error as Error).name,
          error_message: (error as Error).message,
          error_context: 'inference_results_dispatching',
        });
        void this.terminate();
      }
    }
  }

  /** Awaited after every result before the next batch runs: a consumer that must see every frame (the CLI
   *  writing files) holds the pipeline back instead of piling results up in memory. */
  resultSink: ((result: PipelineResult) => Promise<void>) | undefined;

  /** Every result as it is produced (raw values: WorkflowImage, Detections). Returns the unsubscribe function. */
  subscribe(listener: ResultListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Serializes one output dict for the wire: kind-aware, `excluded` names dropped. */
  async serializeOutputs(
    outputs: Record<string, unknown>,
    excluded: readonly string[] = [],
  ): Promise<Record<string, unknown>> {
    const entries = Object.entries(outputs).filter(([name]) => !excluded.includes(name));
    const serialized = await Promise.all(
      entries.map(async ([name, value]) => [name, await serializeOutput(value, this.outputKinds[name] ?? ['*'])]),
    );
    return Object.fromEntries(serialized);
  }

  /** Pops the oldest buffered result, serialized (Roboflow's consume). */
  async consume(excluded: readonly string[] = []): Promise<{
    outputs: Array<Record<string, unknown> | null>;
    frames_metadata: Array<FrameMetadata | null>;
  }> {
    const result = this.#results.shift();
    if (!result) return { outputs: [], frames_metadata: [] };
    this.lastConsumeAt = Date.now();
    result.frames.forEach((f, i) => {
      if (f) this.#counters[i]!.lastConsumedFrameId = f.frame_id;
    });
    const outputs = await Promise.all(result.outputs.map((o) => (o ? this.serializeOutputs(o, excluded) : null)));
    return { outputs, frames_metadata: result.frames };
  }

  get bufferedResults(): number {
    return this.#results.length;
  }

  /** Roboflow's pause: mute every source (decoders keep reading and discard frames, streams stay connected). */
  pause(): void {
    if (this.state !== 'running') {
      throw new PipelineOperationError(`Cannot pause pipeline ${this.id}: it is ${this.state}, not running`);
    }
    // Roboflow's pause mutes: a live source stays connected and discards frames, so resuming shows the present.
    // A file is held instead (nothing is lost; the decoder waits).
    for (const s of this.sources) {
      if (s.isLive) s.mute();
      else s.hold();
    }
    this.state = 'paused';
    this.#event(20, 'PIPELINE_PAUSED');
  }

  resume(): void {
    if (this.state !== 'paused') {
      throw new PipelineOperationError(`Cannot resume pipeline ${this.id}: it is ${this.state}, not paused`);
    }
    for (const s of this.sources) s.resume();
    this.state = 'running';
    this.#event(20, 'PIPELINE_RESUMED');
  }

  /** Stops everything from any state; resolves when every ffmpeg is gone. Idempotent. */
  async terminate(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      clearInterval(this.#sampler);
      if (this.state !== 'ended' && this.state !== 'failed') this.state = 'terminated';
      this.endedAt ??= Date.now();
      this.#results.clear();
      this.#listeners.clear();
    }
    await Promise.all(this.sources.map((s) => s.terminate()));
    await this.#loop;
  }

  get finished(): boolean {
    return this.state === 'ended' || this.state === 'failed' || this.state === 'terminated';
  }

  /** ffmpeg pids now running for this pipeline. */
  async ffmpegPids(): Promise<number[]> {
    const pids = await Promise.all(this.sources.map((s) => s.ffmpegPid));
    return pids.filter((p): p is number => p !== undefined);
  }

  /**
   * Per-source figures for the report and for metrics (issue #13 reads them through PipelineManager.stats()):
   * fps decoded / processed / dropped over the last ~5 s, totals, reconnects; plus where each source is, so a
   * queue worker (issue #15) can resume a file from `last_processed_frame_id`.
   */
  sourceStats() {
    const now = performance.now();
    return this.sources.map((s, i) => {
      const c = this.#counters[i]!;
      const current = this.#sourceCounters(s, i);
      const rates = this.#rates[i]!.rates(current, now);
      return {
        source_id: i,
        source_reference: publicReference(s.spec.reference),
        state: s.state,
        fps_decoded: round(rates.decoded),
        fps_processed: round(rates.processed),
        fps_dropped: round(rates.dropped),
        frames_decoded: current.decoded,
        frames_processed: current.processed,
        frames_dropped: current.dropped,
        reconnects: s.reconnects,
        last_decoded_frame_id: s.frameId,
        last_processed_frame_id: c.lastProcessedFrameId,
        last_consumed_frame_id: c.lastConsumedFrameId,
        last_error: s.lastError,
      };
    });
  }

  /** Roboflow's PipelineStateReport plus Sightline's own fields (state, frames_processed, sources_stats...). */
  report() {
    const t = this.#throughput;
    const throughput = t.length >= 2 ? (t.length - 1) / ((t[t.length - 1]! - t[0]!) / 1000) : 0;
    return {
      video_source_status_updates: this.#log.updates,
      latency_reports: this.#latency.map((l, i) => l.report(i)),
      inference_throughput: round(Number.isFinite(throughput) ? throughput : 0),
      sources_metadata: this.sources.map((s) => ({
        source_properties:
          s.width === null
            ? null
            : {
                width: s.width,
                height: s.height,
                total_frames: s.spec.probe?.totalFrames ?? (s.spec.images?.length || 0),
                is_file: s.isFile,
                fps: s.declaredFps ?? 0,
                is_reconnectable: s.isLive,
                timestamp_created: null,
              },
        source_reference: publicReference(s.spec.reference),
        buffer_size: s.buffer.capacity,
        state: s.state,
        buffer_filling_strategy: s.buffer.filling,
        buffer_consumption_strategy: s.buffer.consumption,
        source_id: s.sourceId,
      })),
      state: this.state,
      frames_processed: this.framesProcessed,
      buffered_results: this.#results.length,
      last_error: this.lastError,
      sources_stats: this.sourceStats(),
    };
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
