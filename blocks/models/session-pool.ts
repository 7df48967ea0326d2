// Runs model sessions in worker threads (MODEL_RUNNERS). onnxruntime-node's session.run is synchronous in the
// calling thread, so on the main thread a run blocks HTTP, decodes' callbacks and every other model, and two runs
// can never overlap. Here each worker holds its own copy of a model's session; a run goes to the least busy worker,
// so N workers run N inferences at once (each with its share of the cores) while the main thread keeps serving.
// The main-thread session stays for metadata (input/output names and shapes).
//
// Lone runs may use every core: a run that finds every worker idle goes to a second session in the first worker
// built with all the cores, since one big run alone finishes sooner that way; runs arriving meanwhile wait for it,
// then share the workers. On the 2-core machine yolov8n alone runs 16-18/s on both cores, two at once 21/s on a core
// each (bench/session-tuning.ts, README "Throughput"). A small model (a 2 ms classifier) is slower on two cores than
// on one (waking the second thread costs more than it saves), so each model's first lone runs try both ways and
// the faster one is kept.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import ort, { type InferenceSession } from 'onnxruntime-node';

/** What travels between the pool and its workers (session-worker.js). */
interface WireTensor {
  type: string;
  dims: readonly number[];
  data: ArrayBufferView;
}
type PoolMessage =
  | { type: 'load'; key: string; weights: Uint8Array; options: InferenceSession.SessionOptions }
  | { type: 'release'; key: string }
  | { type: 'run'; id: number; key: string; feeds: Record<string, WireTensor> }
  | { type: 'close' };
type PoolReply = { id: number; outputs: Record<string, WireTensor> } | { id: number; error: string };

interface Slot {
  worker: Worker;
  pending: Map<number, PendingRun>;
  loaded: Set<string>;
}

interface PendingRun {
  resolve(r: InferenceSession.ReturnType): void;
  reject(e: unknown): void;
  /** On the all-cores session. */
  lone: boolean;
  /** A lone-run trial (see LoneChoice): its time says how fast this model runs alone that way. */
  timing?: { key: string; sentAt: number };
}

/** Lone-run timings of one model: all cores vs one worker's share, until enough to choose. */
interface LoneChoice {
  allCores: number[];
  shared: number[];
  useAllCores?: boolean;
}

/** Timed lone runs each way before choosing (the first of each way is a warm-up and not counted). */
const LONE_TRIALS = 4;

/** A run not yet sent to a worker (waiting for a lone run to finish). */
interface WaitingRun {
  key: string;
  weights: Uint8Array;
  feeds: InferenceSession.FeedsType;
  resolve(r: InferenceSession.ReturnType): void;
  reject(e: unknown): void;
}

/** The key of a model's all-cores session (first worker only). */
const loneKey = (key: string) => `${key}/all-cores`;

/** Weights of sessions created outside the model manager (the process-wide OCR sessions), for SessionPool.wrap. */
const sessionWeights = new WeakMap<InferenceSession, Uint8Array>();

export function rememberWeights(session: InferenceSession, weights: Uint8Array): void {
  sessionWeights.set(session, weights);
}

export function weightsOf(session: InferenceSession): Uint8Array | undefined {
  return sessionWeights.get(session);
}

export class SessionPool {
  readonly size: number;
  readonly #sessionOptions: InferenceSession.SessionOptions;
  /** Options of the all-cores sessions for lone runs; undefined when lone runs share the workers' sessions. */
  readonly #loneOptions: InferenceSession.SessionOptions | undefined;
  readonly #slots: Slot[] = [];
  /** Runs held while a lone run has every core. */
  readonly #waiting: WaitingRun[] = [];
  #loneRunning = false;
  /** Runs sent so far: alone on every core, or sharing the workers. */
  readonly runs = { lone: 0, shared: 0 };
  readonly #loneChoices = new Map<string, LoneChoice>();
  #nextId = 1;
  #nextKey = 1;
  #closed = false;
  /** Releases a model's worker sessions once its wrapper is garbage (evicted from the model manager). */
  readonly #finalizer = new FinalizationRegistry<string>((key) => this.#release(key));

  constructor(size: number, sessionOptions: InferenceSession.SessionOptions = {}) {
    this.size = Math.max(1, size);
    // Each worker gets its share of the cores unless told otherwise.
    const cores = os.availableParallelism();
    const threads = Math.max(1, Math.floor(cores / this.size));
    this.#sessionOptions = { intraOpNumThreads: threads, ...sessionOptions };
    const wider = (sessionOptions.intraOpNumThreads ?? cores) > threads;
    if (this.size > 1 && wider)
      this.#loneOptions = { ...sessionOptions, intraOpNumThreads: sessionOptions.intraOpNumThreads ?? cores };
  }

  /** The session with `run` going to the workers (weights: the bytes the session was created from). */
  wrap(session: InferenceSession, weights: Uint8Array): InferenceSession {
    const key = `s${this.#nextKey++}`;
    const run = (feeds: InferenceSession.FeedsType) => this.#run(key, weights, feeds);
    // `run` stays assignable (instrumentation such as bench/recorded-runs.ts wraps it and deletes its wrapper).
    let assigned: unknown;
    const wrapper = new Proxy(session, {
      get(target, prop) {
        if (prop === 'run') return assigned ?? run;
        const value = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
      set(target, prop, value) {
        if (prop !== 'run') return Reflect.set(target, prop, value);
        assigned = value;
        return true;
      },
      deleteProperty(target, prop) {
        if (prop !== 'run') return Reflect.deleteProperty(target, prop);
        assigned = undefined;
        return true;
      },
    });
    this.#finalizer.register(wrapper, key);
    // Load it in every worker now, while the model is being loaded anyway, not on its first request.
    if (!this.#closed) {
      while (this.#slots.length < this.size) this.#slot();
      for (const slot of this.#slots) this.#load(slot, key, weights);
      if (this.#loneOptions) this.#load(this.#slots[0]!, loneKey(key), weights, this.#loneOptions);
    }
    return wrapper;
  }

  /**
   * Each worker finishes its runs, releases its sessions and ends by itself: terminating a thread while onnxruntime
   * works in it aborts the whole process ("terminate called after throwing an instance of 'Napi::Error'"). A worker
   * that has not ended after `graceMs` is terminated.
   */
  async close(graceMs = 10_000): Promise<void> {
    this.#closed = true;
    // Runs held for a lone run are in flight for their callers: they go to the workers ahead of 'close'.
    for (const run of this.#waiting.splice(0)) this.#send(this.#slot(), run, false);
    const slots = this.#slots.splice(0);
    await Promise.all(
      slots.map(async ({ worker }) => {
        const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        worker.ref();
        worker.postMessage({ type: 'close' } satisfies PoolMessage);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
        if ((await Promise.race([exited, late])) === 'late') await worker.terminate();
        clearTimeout(timer);
      }),
    );
  }

  #slot(): Slot {
    if (this.#slots.length < this.size) {
      const worker = new Worker(new URL('./session-worker.js', import.meta.url));
      const slot: Slot = { worker, pending: new Map(), loaded: new Set() };
      worker.on('message', (reply: PoolReply) => this.#reply(slot, reply));
      worker.on('error', (error: unknown) => this.#fail(slot, error as Error));
      worker.on('exit', (code) => this.#fail(slot, new Error(`model worker stopped (exit code ${code})`)));
      worker.unref();
      this.#slots.push(slot);
      return slot;
    }
    return this.#slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  #run(key: string, weights: Uint8Array, feeds: InferenceSession.FeedsType): Promise<InferenceSession.ReturnType> {
    if (this.#closed) return Promise.reject(new Error('model workers are closed'));
    return new Promise((resolve, reject) => {
      const run: WaitingRun = { key, weights, feeds, resolve, reject };
      if (this.#loneRunning) this.#waiting.push(run);
      else if (this.#loneOptions && this.#slots.every((s) => s.pending.size === 0)) {
        const choice = this.#loneChoiceOf(key);
        const trial = choice.useAllCores === undefined;
        const lone = choice.useAllCores ?? choice.allCores.length <= choice.shared.length;
        this.#send(this.#slot(), run, lone, trial);
      } else this.#send(this.#slot(), run, false);
    });
  }

  /** How this model's lone runs go: trials taking turns until `useAllCores` is decided. */
  #loneChoiceOf(key: string): LoneChoice {
    let choice = this.#loneChoices.get(key);
    if (!choice) this.#loneChoices.set(key, (choice = { allCores: [], shared: [] }));
    return choice;
  }

  /**
   * A trial's time; once both ways have LONE_TRIALS timed runs past their warm-up, the faster is kept, by each way's
   * best time: other load only ever adds time, and on the shared machine a mean let one slow run flip a 1.4x choice.
   */
  #recordTrial(key: string, lone: boolean, ms: number): void {
    const choice = this.#loneChoices.get(key);
    if (!choice || choice.useAllCores !== undefined) return;
    (lone ? choice.allCores : choice.shared).push(ms);
    if (choice.allCores.length <= LONE_TRIALS || choice.shared.length <= LONE_TRIALS) return;
    const best = (times: number[]) => Math.min(...times.slice(1));
    choice.useAllCores = best(choice.allCores) < best(choice.shared);
  }

  #send(slot: Slot, run: WaitingRun, lone: boolean, trial = false): void {
    const key = lone ? loneKey(run.key) : run.key;
    this.#load(slot, key, run.weights, lone ? this.#loneOptions : undefined);
    const id = this.#nextId++;
    const wire: Record<string, WireTensor> = {};
    for (const [name, tensor] of Object.entries(run.feeds)) {
      const t = tensor as ort.Tensor;
      wire[name] = { type: t.type, dims: t.dims, data: t.data as ArrayBufferView };
    }
    // Referenced while it has work, so a process waiting only on a run does not exit.
    if (slot.pending.size === 0) slot.worker.ref();
    const timing = trial ? { key: run.key, sentAt: performance.now() } : undefined;
    slot.pending.set(id, { resolve: run.resolve, reject: run.reject, lone, timing });
    if (lone) this.#loneRunning = true;
    this.runs[lone ? 'lone' : 'shared']++;
    slot.worker.postMessage({ type: 'run', id, key, feeds: wire } satisfies PoolMessage);
  }

  /** A lone run ended: the runs that came meanwhile share the workers. */
  #endLoneRun(): void {
    this.#loneRunning = false;
    for (const run of this.#waiting.splice(0)) {
      if (this.#closed) run.reject(new Error('model workers are closed'));
      else this.#send(this.#slot(), run, false);
    }
  }

  #load(slot: Slot, key: string, weights: Uint8Array, options = this.#sessionOptions): void {
    if (slot.loaded.has(key)) return;
    slot.loaded.add(key);
    slot.worker.postMessage({ type: 'load', key, weights, options } satisfies PoolMessage);
  }

  #reply(slot: Slot, reply: PoolReply): void {
    const pending = slot.pending.get(reply.id);
    if (!pending) return;
    slot.pending.delete(reply.id);
    if (slot.pending.size === 0) slot.worker.unref();
    if (pending.lone) this.#endLoneRun();
    if (pending.timing && !('error' in reply))
      this.#recordTrial(pending.timing.key, pending.lone, performance.now() - pending.timing.sentAt);
    if ('error' in reply) {
      pending.reject(new Error(reply.error));
      return;
    }
    const outputs: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(reply.outputs))
      outputs[name] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
    pending.resolve(outputs);
  }

  /** A worker died: its runs fail, and the next run starts a fresh worker. */
  #fail(slot: Slot, error: Error): void {
    const at = this.#slots.indexOf(slot);
    if (at >= 0) this.#slots.splice(at, 1);
    const hadLoneRun = [...slot.pending.values()].some((p) => p.lone);
    for (const pending of slot.pending.values()) pending.reject(error);
    slot.pending.clear();
    if (hadLoneRun) this.#endLoneRun();
  }

  #release(key: string): void {
    this.#loneChoices.delete(key);
    for (const slot of this.#slots)
      for (const k of [key, loneKey(key)])
        if (slot.loaded.delete(k)) slot.worker.postMessage({ type: 'release', key: k } satisfies PoolMessage);
  }
}
