// Per-model run scheduling: every session.run of a model goes through its ModelScheduler.
// - A bounded number of runs in flight per model (MODEL_MAX_IN_FLIGHT), so one busy model cannot take every
//   onnxruntime/libuv worker and hold up requests for other models (no head-of-line blocking across models).
// - Waiting runs are served round-robin across owners (requests), so a request with many crops does not
//   starve a request with one image.
// - Models whose batch axis is dynamic get cross-request dynamic batching (Triton's two knobs): runs with
//   the same per-sample shape are concatenated into one session.run of at most maxBatchSize samples and the
//   outputs split back. An idle model runs a lone request at once; otherwise a run waits at most
//   maxQueueDelayMs for batch-mates. A merged run that fails is retried run by run, so only the failing
//   request sees the error.
// - A bounded queue (MODEL_MAX_QUEUE waiting runs): beyond it ModelQueueFullError (503 + Retry-After).
// - An aborted signal drops a run that has not started (the request is gone or past its time limit).
import ort, { type InferenceSession } from 'onnxruntime-node';
import { ModelQueueFullError } from '../../engine/index.ts';
import { weightsOf, type SessionPool } from './session-pool.ts';

type Feeds = InferenceSession.FeedsType;
type Results = InferenceSession.ReturnType;

export interface SchedulerSettings {
  /** Most samples merged into one run of a dynamic-batch model; 1 turns cross-request batching off. */
  maxBatchSize: number;
  /** Longest a run waits for batch-mates when the model is busy, milliseconds. */
  maxQueueDelayMs: number;
  /** Runs of one model executing at once. */
  maxInFlight: number;
  /** Runs allowed to wait per model; one more is refused with ModelQueueFullError. */
  maxQueue: number;
}

export const DEFAULT_SCHEDULER_SETTINGS: SchedulerSettings = {
  maxBatchSize: 16,
  // Batches form from the runs that queue while every worker is busy. Holding a run back for batch-mates while a
  // worker is free lost on the 2-core machine (classifier stage, 8 runs, two workers: 965 items/s with 5 ms,
  // 1467 with 0; unbatched 1352); Triton's max_queue_delay also defaults to 0.
  maxQueueDelayMs: 0,
  maxInFlight: 2,
  maxQueue: 64,
};

export interface RunRequest {
  /** Aborting it drops the run if it has not started; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Who the run is for (one request): waiting runs are served round-robin across owners. */
  owner?: object;
}

/** What one session.run did, for metrics. */
export interface RunRecord {
  model: string;
  /** Runs merged into this session.run (1 when not batched) and the samples they held. */
  runs: number;
  samples: number;
  /** Longest wait in the queue among the merged runs, and the session.run time, milliseconds. */
  queueMs: number;
  runMs: number;
  failed: boolean;
}

export interface SchedulerStats {
  model: string;
  queued: number;
  running: number;
  maxQueue: number;
}

interface Job {
  feeds: Feeds;
  samples: number;
  /** Jobs with the same key can be concatenated on axis 0; null = always run alone. */
  key: string | null;
  owner: object;
  enqueuedAt: number;
  resolve(results: Results): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

type TypedArray = Float32Array | Int32Array | Uint8Array | Int8Array | Float64Array | BigInt64Array;

/** Whether the session takes one tensor whose first dimension is symbolic (a dynamic batch axis). */
export function hasDynamicBatch(session: InferenceSession): boolean {
  if (session.inputNames.length !== 1) return false;
  const meta = (session as unknown as { inputMetadata?: ReadonlyArray<{ shape?: ReadonlyArray<number | string> }> })
    .inputMetadata?.[0];
  const first = meta?.shape?.[0];
  return typeof first === 'string' || (typeof first === 'number' && first < 0);
}

export class ModelScheduler {
  readonly model: string;
  readonly session: InferenceSession;
  readonly dynamicBatch: boolean;
  readonly settings: SchedulerSettings;
  readonly #onRun: ((record: RunRecord) => void) | undefined;
  /** Waiting jobs per owner; Map order is the round-robin order. */
  readonly #queues = new Map<object, Job[]>();
  #queued = 0;
  #running = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Mean session.run time (ms), for Retry-After. */
  #meanRunMs = 0;
  /** Cleared when a merged run's outputs cannot be split by sample. */
  #splittable = true;

  constructor(
    model: string,
    session: InferenceSession,
    settings: Partial<SchedulerSettings> = {},
    onRun?: (record: RunRecord) => void,
  ) {
    this.model = model;
    this.session = session;
    this.settings = { ...DEFAULT_SCHEDULER_SETTINGS, ...settings };
    this.dynamicBatch = hasDynamicBatch(session) && this.settings.maxBatchSize > 1;
    this.#onRun = onRun;
  }

  stats(): SchedulerStats {
    return { model: this.model, queued: this.#queued, running: this.#running, maxQueue: this.settings.maxQueue };
  }

  /** session.run through the queue. */
  run(feeds: Feeds, request: RunRequest = {}): Promise<Results> {
    const { signal } = request;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#queued >= this.settings.maxQueue) {
      const seconds = this.#retryAfterSeconds();
      return Promise.reject(
        new ModelQueueFullError(
          `Model ${this.model} has ${this.#queued} runs waiting (limit ${this.settings.maxQueue}); retry in ${seconds} s`,
          { model_id: this.model, retry_after_s: seconds },
        ),
      );
    }
    return new Promise<Results>((resolve, reject) => {
      const job: Job = {
        feeds,
        samples: 1,
        key: null,
        owner: request.owner ?? request.signal ?? {},
        enqueuedAt: performance.now(),
        resolve,
        reject,
        signal,
      };
      this.#describeBatch(job);
      if (signal) {
        job.onAbort = () => {
          if (this.#remove(job)) reject(signal.reason);
        };
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      let list = this.#queues.get(job.owner);
      if (!list) this.#queues.set(job.owner, (list = []));
      list.push(job);
      this.#queued++;
      this.#dispatch();
    });
  }

  /** Batch key (input type and per-sample dims) and sample count of a job for a dynamic-batch model. */
  #describeBatch(job: Job): void {
    const name = this.session.inputNames[0]!;
    const tensor = job.feeds[name] as ort.Tensor | undefined;
    if (!tensor || Object.keys(job.feeds).length !== 1 || tensor.dims.length < 1 || !ArrayBuffer.isView(tensor.data))
      return;
    job.samples = tensor.dims[0]!;
    job.key = `${tensor.type}:${tensor.dims.slice(1).join('x')}`;
  }

  #retryAfterSeconds(): number {
    const perRun = this.#meanRunMs || 50;
    return Math.max(1, Math.ceil((this.#queued * perRun) / Math.max(1, this.settings.maxInFlight) / 1000));
  }

  #remove(job: Job): boolean {
    const list = this.#queues.get(job.owner);
    const at = list ? list.indexOf(job) : -1;
    if (at < 0) return false;
    list!.splice(at, 1);
    if (list!.length === 0) this.#queues.delete(job.owner);
    this.#queued--;
    return true;
  }

  /** Takes a job out of the queue and moves its owner to the back of the round-robin order. */
  #take(job: Job): void {
    this.#remove(job);
    const rest = this.#queues.get(job.owner);
    if (rest) {
      this.#queues.delete(job.owner);
      this.#queues.set(job.owner, rest);
    }
    if (job.signal && job.onAbort) job.signal.removeEventListener('abort', job.onAbort);
  }

  /** Starts runs while slots are free; may arm a timer to wait for batch-mates. */
  #dispatch(): void {
    while (this.#running < this.settings.maxInFlight && this.#queued > 0) {
      const batch = this.#nextBatch();
      if (!batch) return;
      for (const job of batch) this.#take(job);
      this.#running++;
      void this.#execute(batch).finally(() => {
        this.#running--;
        this.#dispatch();
      });
    }
  }

  /** The jobs to run next, or null when they should wait for batch-mates (a timer is then armed). */
  #nextBatch(): Job[] | null {
    const head = this.#queues.values().next().value![0]!;
    if (!this.dynamicBatch || head.key === null || !this.#splittable) return [head];
    const batch: Job[] = [];
    let samples = 0;
    let oldest = head.enqueuedAt;
    // Round-robin over owners: one job per owner per pass, so batch seats are shared fairly too.
    const lists = [...this.#queues.values()];
    const next = lists.map(() => 0);
    for (let progressed = true; progressed && samples < this.settings.maxBatchSize;) {
      progressed = false;
      lists.forEach((list, i) => {
        while (next[i]! < list.length) {
          const job = list[next[i]++]!;
          if (job.key !== head.key) continue;
          if (batch.length > 0 && samples + job.samples > this.settings.maxBatchSize) continue;
          batch.push(job);
          samples += job.samples;
          oldest = Math.min(oldest, job.enqueuedAt);
          progressed = true;
          break;
        }
      });
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const waited = performance.now() - oldest;
    const full = samples >= this.settings.maxBatchSize;
    if (full || this.#running === 0 || waited >= this.settings.maxQueueDelayMs) return batch;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#dispatch();
      },
      Math.max(0, this.settings.maxQueueDelayMs - waited),
    );
    return null;
  }

  async #execute(batch: Job[]): Promise<void> {
    const started = performance.now();
    const queueMs = Math.max(...batch.map((j) => started - j.enqueuedAt));
    if (batch.length === 1) {
      const job = batch[0]!;
      try {
        job.resolve(await this.#timedRun(job.feeds, 1, job.samples, queueMs));
      } catch (error) {
        job.reject(error);
      }
      return;
    }
    let merged: Results;
    const samples = batch.reduce((n, j) => n + j.samples, 0);
    try {
      merged = await this.#timedRun(concatenate(this.session.inputNames[0]!, batch), batch.length, samples, queueMs);
    } catch {
      // Something in the batch broke the run: each run alone, so only the faulty request fails.
      await Promise.all(batch.map((job) => this.#runAlone(job)));
      return;
    }
    const parts = split(merged, batch, samples);
    if (!parts) {
      this.#splittable = false;
      await Promise.all(batch.map((job) => this.#runAlone(job)));
      return;
    }
    batch.forEach((job, i) => job.resolve(parts[i]!));
  }

  async #runAlone(job: Job): Promise<void> {
    try {
      job.resolve(await this.#timedRun(job.feeds, 1, job.samples, 0));
    } catch (error) {
      job.reject(error);
    }
  }

  async #timedRun(feeds: Feeds, runs: number, samples: number, queueMs: number): Promise<Results> {
    const started = performance.now();
    let failed = true;
    try {
      const results = await this.session.run(feeds);
      failed = false;
      return results;
    } finally {
      const runMs = performance.now() - started;
      this.#meanRunMs = this.#meanRunMs === 0 ? runMs : this.#meanRunMs * 0.9 + runMs * 0.1;
      this.#onRun?.({ model: this.model, runs, samples, queueMs, runMs, failed });
    }
  }
}

/** One feed holding every job's samples, in batch order. */
function concatenate(name: string, batch: Job[]): Feeds {
  const first = batch[0]!.feeds[name] as ort.Tensor;
  const per = (first.data as TypedArray).length / first.dims[0]!;
  const total = batch.reduce((n, j) => n + j.samples, 0);
  const Ctor = (first.data as TypedArray).constructor as new (length: number) => TypedArray;
  const data = new Ctor(total * per);
  let offset = 0;
  for (const job of batch) {
    const part = (job.feeds[name] as ort.Tensor).data as TypedArray;
    (data as Float32Array).set(part as Float32Array, offset);
    offset += part.length;
  }
  return { [name]: new ort.Tensor(first.type as 'float32', data as Float32Array, [total, ...first.dims.slice(1)]) };
}

/** Each job's rows of every output, or null when an output does not have the batch on axis 0. */
function split(results: Results, batch: Job[], samples: number): Results[] | null {
  const parts: Array<Record<string, ort.Tensor>> = batch.map(() => ({}));
  for (const [name, tensor] of Object.entries(results)) {
    const data = tensor.data as TypedArray;
    if (tensor.dims[0] !== samples || !ArrayBuffer.isView(data)) return null;
    const per = data.length / samples;
    let row = 0;
    batch.forEach((job, i) => {
      const slice = data.subarray(row * per, (row + job.samples) * per) as Float32Array;
      parts[i]![name] = new ort.Tensor(tensor.type as 'float32', slice, [job.samples, ...tensor.dims.slice(1)]);
      row += job.samples;
    });
  }
  return parts;
}

/** The schedulers of one model manager: one per session, all with the same settings. */
export class ModelSchedulers {
  readonly settings: SchedulerSettings;
  readonly #bySession = new WeakMap<InferenceSession, ModelScheduler>();
  /** Live schedulers for stats (WeakRefs: an evicted model's scheduler goes with its session). */
  readonly #all = new Set<WeakRef<ModelScheduler>>();
  #onRun: ((record: RunRecord) => void) | undefined;

  readonly #pool: SessionPool | undefined;

  /** With a pool, sessions whose weights were remembered (OCR's) run in its workers too. */
  constructor(settings: Partial<SchedulerSettings> = {}, pool?: SessionPool) {
    this.settings = { ...DEFAULT_SCHEDULER_SETTINGS, ...settings };
    this.#pool = pool;
  }

  /** Called after every session.run (metrics). */
  onRun(listener: (record: RunRecord) => void): void {
    this.#onRun = listener;
  }

  for(session: InferenceSession, model: string): ModelScheduler {
    let scheduler = this.#bySession.get(session);
    if (!scheduler) {
      const weights = this.#pool && weightsOf(session);
      const runs = weights ? this.#pool!.wrap(session, weights) : session;
      scheduler = new ModelScheduler(model, runs, this.settings, (r) => this.#onRun?.(r));
      this.#bySession.set(session, scheduler);
      this.#all.add(new WeakRef(scheduler));
    }
    return scheduler;
  }

  stats(): SchedulerStats[] {
    const out: SchedulerStats[] = [];
    for (const ref of this.#all) {
      const scheduler = ref.deref();
      if (scheduler) out.push(scheduler.stats());
      else this.#all.delete(ref);
    }
    return out;
  }
}

/** How pipeline code (OCR) runs a session: straight, or through the manager's schedulers. */
export type SessionRunner = (session: InferenceSession, feeds: Feeds) => Promise<Results>;

export const directRunner: SessionRunner = (session, feeds) => session.run(feeds);

export function scheduledRunner(schedulers: ModelSchedulers, label: string, request: RunRequest = {}): SessionRunner {
  // Every session of a pipeline (OCR's det/cls/rec) gets its own scheduler; the label names them in stats.
  return (session, feeds) => schedulers.for(session, `${label}:${session.inputNames[0]}`).run(feeds, request);
}
