// One source of a pipeline at run time: an ffmpeg decoder (or sharp, for image folders) feeding a FrameBuffer,
// with Roboflow's source states, reconnection with backoff for live sources, and a watchdog that restarts a live
// source producing no frame for a while. Files are decoded at the reader's pace under WAIT (pipe back-pressure).
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { decoderArgs, type RawFrame } from './ffmpeg.ts';
import type { DecoderCommand, DecoderMessage, DecoderWorkerData } from './decoder-worker.ts';
import { FrameBuffer, RateMeter, type ConsumptionStrategy, type FillingStrategy, type Frame } from './frame-buffer.ts';
import type { SourceSpec } from './sources.ts';

export type SourceState =
  'NOT_STARTED' | 'INITIALISING' | 'RESTARTING' | 'RUNNING' | 'PAUSED' | 'MUTED' | 'TERMINATING' | 'ENDED' | 'ERROR';

export interface SourceEvent {
  severity: number;
  event_type: string;
  payload: Record<string, unknown>;
  context: string;
}

export interface FrameSourceOptions {
  filling: FillingStrategy;
  consumption: ConsumptionStrategy;
  bufferSize: number;
  maxBufferBytes: number;
  /** First retry delay of a live source; doubles up to maxReconnectDelayMs, back to the first after a frame. */
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
  /** A live source without a frame for this long is restarted. */
  stallTimeoutMs: number;
  /** Roboflow's video_source_properties (frame_width, frame_height, fps) for cameras. */
  properties?: Record<string, number> | null;
  /** Resume a file after this many frames (frame ids continue from it). */
  startFrame?: number;
  onEvent(event: SourceEvent): void;
  /** Run before every connection attempt of a live source (the address policy again: DNS may have changed). */
  beforeConnect?: () => Promise<void>;
}

const FLOAT_PROPS = new Set(['frame_width', 'frame_height', 'fps']);
const DECODER = new URL('./decoder-worker.mjs', import.meta.url);

/** The decoder worker of one ffmpeg run, as the source sees it. */
interface DecoderHandle {
  worker: Worker;
  pid: number | undefined;
  stop(): Promise<void>;
}

export class FrameSource {
  state: SourceState = 'NOT_STARTED';
  readonly buffer: FrameBuffer;
  readonly isFile: boolean;
  readonly isLive: boolean;
  frameId: number;
  framesDecoded = 0;
  reconnects = 0;
  lastError: string | null = null;
  width: number | null = null;
  height: number | null = null;
  declaredFps: number | null;
  readonly decodedRate = new RateMeter(100);
  #process: DecoderHandle | undefined;
  #worker: Worker | undefined;
  #attempt: ((result: { ok: boolean; reason: string }) => void) | undefined;
  #pending: Frame[] = [];
  #stopped = false;
  #muted = false;
  #lastFrameAt = 0;
  #watchdog: NodeJS.Timeout | undefined;
  #retry: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  #startedAt = Date.now();
  readonly #fileStartMs: number;
  readonly done: Promise<void>;
  #resolveDone!: () => void;

  constructor(
    readonly spec: SourceSpec,
    readonly sourceId: number,
    readonly options: FrameSourceOptions,
  ) {
    this.isFile = spec.kind === 'file' || spec.kind === 'images';
    this.isLive = !this.isFile;
    this.buffer = new FrameBuffer(options.filling, options.consumption, options.bufferSize, options.maxBufferBytes);
    this.declaredFps = spec.probe?.fps ?? options.properties?.fps ?? null;
    this.frameId = options.startFrame ?? 0;
    this.width = spec.probe?.width ?? null;
    this.height = spec.probe?.height ?? null;
    let start = Date.now();
    if (spec.kind === 'file') {
      const mtime = fs.statSync(spec.input).mtimeMs;
      start = mtime - (spec.probe?.durationS ?? 0) * 1000;
    }
    this.#fileStartMs = start;
    this.done = new Promise((r) => (this.#resolveDone = r));
  }

  /** The ffmpeg pid decoding now (tests check no ffmpeg outlives its pipeline). */
  get ffmpegPid(): Promise<number | undefined> {
    return Promise.resolve(this.#process?.pid);
  }

  #setState(next: SourceState): void {
    if (next === this.state) return;
    const previous = this.state;
    this.state = next;
    this.options.onEvent({
      severity: 20,
      event_type: 'SOURCE_STATE_UPDATE',
      payload: { previous_state: previous, new_state: next, source_id: this.sourceId },
      context: 'video_source',
    });
  }

  #error(message: string, type = 'SourceConnectionError'): void {
    this.lastError = message;
    this.options.onEvent({
      severity: 40,
      event_type: 'SOURCE_ERROR',
      payload: {
        source_id: this.sourceId,
        error_type: type,
        error_message: message,
        error_context: 'stream_consumer_thread',
      },
      context: 'video_source',
    });
  }

  start(): void {
    for (const key of Object.keys(this.options.properties ?? {})) {
      if (!FLOAT_PROPS.has(key.toLowerCase()))
        this.options.onEvent({
          severity: 30,
          event_type: 'SOURCE_PROPERTY_IGNORED',
          payload: { source_id: this.sourceId, property: key },
          context: 'video_source',
        });
    }
    const run = this.spec.kind === 'images' ? this.#runImages() : this.#runDecoder();
    void run
      .catch((error: Error) => {
        this.#error(`source failed: ${error.message}`, error.name);
        this.#setState('ERROR');
      })
      .finally(() => {
        void this.#worker?.terminate();
        this.#worker = undefined;
        clearInterval(this.#watchdog);
        this.#resolveDone();
        this.buffer.wake();
      });
  }

  async #runDecoder(): Promise<void> {
    this.options.onEvent({
      severity: 20,
      event_type: 'VIDEO_CONSUMPTION_STARTED',
      payload: { source_id: this.sourceId },
      context: 'video_source',
    });
    if (this.isLive)
      this.#watchdog = setInterval(() => this.#checkStall(), Math.min(1000, this.options.stallTimeoutMs));
    let delay = this.options.reconnectDelayMs;
    for (let attempt = 0; !this.#stopped; attempt++) {
      this.#setState(attempt === 0 ? 'INITIALISING' : 'RESTARTING');
      const before = this.framesDecoded;
      const outcome = await this.#checkThenDecode();
      if (this.#stopped) break;
      if (!this.isLive) {
        if (outcome.ok || this.framesDecoded > 0) {
          if (!outcome.ok) this.#error(`decoding stopped early: ${outcome.reason}`, 'VideoDecodingError');
          this.#setState('ENDED');
        } else {
          this.#error(outcome.reason);
          this.#setState('ERROR');
        }
        break;
      }
      if (this.framesDecoded > before) delay = this.options.reconnectDelayMs;
      this.#error(outcome.ok ? 'stream ended' : outcome.reason);
      this.#setState('ERROR');
      this.reconnects++;
      await this.#sleep(delay);
      delay = Math.min(delay * 2, this.options.maxReconnectDelayMs);
    }
    this.options.onEvent({
      severity: 20,
      event_type: 'VIDEO_CONSUMPTION_FINISHED',
      payload: { source_id: this.sourceId },
      context: 'video_source',
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#retry = undefined;
        resolve();
      }, ms);
      this.#retry = { timer, resolve };
    });
  }

  #ffmpegArgs(): string[] {
    const resumeAtS =
      this.spec.kind === 'file' && this.frameId > 0 && this.declaredFps ? this.frameId / this.declaredFps : 0;
    return decoderArgs(this.spec, {
      properties: this.options.properties,
      stallTimeoutMs: this.options.stallTimeoutMs,
      resumeAtS,
    });
  }

  async #checkThenDecode(): Promise<{ ok: boolean; reason: string }> {
    try {
      await this.options.beforeConnect?.();
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
    return this.#decodeOnce();
  }

  /** The source's decoder thread, started once and reused by every connection attempt. */
  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const data: DecoderWorkerData = { wait: this.buffer.filling === 'WAIT', inFlight: 2 };
    const worker = new Worker(DECODER, { workerData: data });
    worker.on('message', (message: DecoderMessage) => this.#onDecoderMessage(worker, message));
    const failed = (reason: string) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#attempt?.({ ok: false, reason });
    };
    worker.once('error', (error: Error) => failed(`decoder failed: ${error.message}`));
    worker.once('exit', () => failed('decoder stopped'));
    this.#worker = worker;
    return worker;
  }

  #onDecoderMessage(worker: Worker, message: DecoderMessage): void {
    if (message.type === 'pid') {
      if (this.#process) this.#process.pid = message.pid;
    } else if (message.type === 'frame') {
      worker.postMessage({ type: 'ack' });
      this.#onRaw(message);
    } else if (message.type === 'dropped') {
      // Frames the worker replaced with newer ones while we were busy: gaps in frame ids, as Roboflow's drops.
      this.frameId += message.count;
      this.framesDecoded += message.count;
      this.buffer.dropped += message.count;
    } else if (message.type === 'exit') {
      let result: { ok: boolean; reason: string };
      if (message.parseError) result = { ok: false, reason: message.parseError };
      else if (message.code === 0) result = { ok: true, reason: '' };
      else {
        const how = message.signal ? `ffmpeg killed by ${message.signal}` : `ffmpeg exited with code ${message.code}`;
        result = { ok: false, reason: message.reason || how };
      }
      this.#attempt?.(result);
    }
  }

  /** One ffmpeg run (read on the decoder thread) until it exits; frames go to the buffer. */
  async #decodeOnce(): Promise<{ ok: boolean; reason: string }> {
    const worker = this.#ensureWorker();
    const outcome = new Promise<{ ok: boolean; reason: string }>((resolve) => (this.#attempt = resolve));
    const handle: DecoderHandle = {
      worker,
      pid: undefined,
      stop: async () => {
        worker.postMessage({ type: 'stop' } satisfies DecoderCommand);
        const timer = setTimeout(() => void worker.terminate(), 2000);
        await outcome;
        clearTimeout(timer);
      },
    };
    this.#process = handle;
    this.#lastFrameAt = performance.now();
    // A file is decoded ahead of inference: at a lower priority it yields the cores to the model's threads
    // (an onnxruntime op waits for its slowest thread). Live sources keep normal priority to keep up.
    worker.postMessage({ type: 'spawn', args: this.#ffmpegArgs(), background: this.isFile } satisfies DecoderCommand);
    const result = await outcome;
    this.#attempt = undefined;
    this.#process = undefined;
    // A file's frames held back by WAIT are still to be read: the source ends after this run and read() drains
    // them (clearing them lost the last frames whenever ffmpeg finished ahead of inference). A live source's
    // belong to a connection that is gone and would sit before the next one's: dropped, and counted.
    if (this.isLive) {
      this.buffer.dropped += this.#pending.length;
      this.#pending = [];
    }
    return result;
  }

  #stamp(raw: RawFrame): Frame {
    this.frameId++;
    this.framesDecoded++;
    const now = performance.now();
    this.decodedRate.tick(now);
    this.#lastFrameAt = now;
    this.width = raw.width;
    this.height = raw.height;
    const fps = this.declaredFps;
    const timestamp =
      this.spec.kind === 'file' && fps ? this.#fileStartMs + ((this.frameId - 1) * 1000) / fps : Date.now();
    const measured = this.isFile ? fps : this.decodedRate.rate(now) || fps;
    return {
      ...raw,
      sourceId: this.sourceId,
      frameId: this.frameId,
      timestamp,
      decodedAt: now,
      fps: fps ?? measured,
      measuredFps: measured,
      isFile: this.isFile,
    };
  }

  #onRaw(raw: RawFrame): void {
    const frame = this.#stamp(raw);
    if (this.state === 'INITIALISING' || this.state === 'RESTARTING') this.#setState(this.#muted ? 'MUTED' : 'RUNNING');
    if (this.#muted) {
      this.buffer.dropped++;
      return;
    }
    if (this.#pending.length > 0 || this.buffer.push(frame) === 'wait') {
      if (this.#pending.length === 0) this.#process?.worker.postMessage({ type: 'pause' });
      this.#pending.push(frame);
    }
  }

  /** Moves frames held back by WAIT into the buffer and lets the decoder continue when they all fit. */
  #refill(): void {
    while (this.#pending.length > 0 && this.buffer.push(this.#pending[0]!) !== 'wait') this.#pending.shift();
    if (this.#pending.length === 0) this.#process?.worker.postMessage({ type: 'resume' });
  }

  async #runImages(): Promise<void> {
    this.#setState('RUNNING');
    for (const file of this.spec.images ?? []) {
      while (!this.#stopped && this.buffer.full) await this.buffer.changed();
      if (this.#stopped) return;
      try {
        const { data, info } = await sharp(file).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({
          resolveWithObject: true,
        });
        if (info.channels !== 3) throw new Error(`${info.channels} channels`);
        const frame = this.#stamp({ pixels: data, width: info.width, height: info.height });
        frame.timestamp = fs.statSync(file).mtimeMs;
        if (this.#muted) this.buffer.dropped++;
        else this.buffer.push(frame);
      } catch (error) {
        this.frameId++;
        this.#error(`could not decode image '${file}': ${(error as Error).message}`, 'ImageDecodingError');
      }
    }
    if (!this.#stopped) this.#setState('ENDED');
  }

  /** Resolves to a frame, null when the source ended and its buffer is empty, 'timeout' at the deadline. */
  async read(deadline?: number): Promise<Frame | null | 'timeout'> {
    for (;;) {
      const frame = this.buffer.take();
      if (frame) {
        this.#refill();
        if (this.spec.kind === 'images') this.buffer.wake();
        return frame;
      }
      if (this.finished) return null;
      if (deadline !== undefined) {
        const left = deadline - performance.now();
        if (left <= 0) return 'timeout';
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.buffer.changed(), new Promise<void>((r) => (timer = setTimeout(r, left)))]);
        clearTimeout(timer);
      } else await Promise.race([this.buffer.changed(), this.done]);
    }
  }

  /** Ended or failed for good (or stopped) and nothing buffered. */
  get finished(): boolean {
    const over = this.#stopped || this.state === 'ENDED' || (this.state === 'ERROR' && !this.isLive);
    return over && this.buffer.size === 0 && this.#pending.length === 0;
  }

  /** A live source that is between connections (left out of batches). */
  get reconnecting(): boolean {
    return this.isLive && (this.state === 'ERROR' || this.state === 'RESTARTING' || this.state === 'INITIALISING');
  }

  mute(): void {
    this.#muted = true;
    this.buffer.dropped += this.buffer.size;
    this.buffer.clear();
    this.#pending = [];
    this.#process?.worker.postMessage({ type: 'resume' });
    if (this.state === 'RUNNING') this.#setState('MUTED');
  }

  /** Files pause without losing frames: the reader stops taking them and WAIT holds the decoder back. */
  hold(): void {
    if (this.state === 'RUNNING') this.#setState('PAUSED');
  }

  resume(): void {
    this.#muted = false;
    if (this.state === 'MUTED' || this.state === 'PAUSED') this.#setState('RUNNING');
  }

  #checkStall(): void {
    if (this.#stopped || !this.#process) return;
    // Connecting and probing a stream take longer than the gap between two frames: twice the time for the first.
    const connecting = this.state === 'INITIALISING' || this.state === 'RESTARTING';
    const limit = this.options.stallTimeoutMs * (connecting ? 2 : 1);
    if (performance.now() - this.#lastFrameAt > limit) {
      this.#error(`no frame for ${limit} ms: restarting the source`, 'SourceStalledError');
      void this.#process.stop();
    }
  }

  /** Stops decoding for good from any state; resolves when ffmpeg is gone. */
  async terminate(): Promise<void> {
    if (this.#stopped) return this.done;
    this.#stopped = true;
    const wasError = this.state === 'ERROR';
    if (!wasError) this.#setState('TERMINATING');
    clearInterval(this.#watchdog);
    if (this.#retry) {
      clearTimeout(this.#retry.timer);
      this.#retry.resolve();
    }
    this.buffer.clear();
    this.#pending = [];
    await this.#process?.stop();
    if (this.state === 'NOT_STARTED') this.#resolveDone();
    await this.done;
    if (!wasError) this.#setState('ENDED');
  }

  get uptimeS(): number {
    return (Date.now() - this.#startedAt) / 1000;
  }
}
