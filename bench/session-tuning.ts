// `npx tsx bench/session-tuning.ts`: raw onnxruntime throughput of the shared models under several session
// configurations, measured in one run (runs/s, random inputs of each model's shape). Used to choose the
// defaults of MODEL_INTRA_OP_THREADS / MODEL_MAX_IN_FLIGHT (README, "Throughput"); `bench/throughput.ts`
// takes the best of these as the floor the server must reach.
import fs from 'node:fs';
import ort, { type InferenceSession } from 'onnxruntime-node';
import { hasShared, sharedModel, SHARED_DIR } from '../test/helpers/shared.ts';
import { ocrAssetPath } from '../blocks/models/ocr/ocr-engine.ts';
import { SessionPool } from '../blocks/models/session-pool.ts';

export interface TuningCase {
  label: string;
  file: string;
  dims: number[];
}

export interface TuningConfig {
  label: string;
  /** Sessions created; runs are spread over them round-robin. */
  sessions: number;
  /** Runs kept in flight at once (over all sessions). */
  concurrency: number;
  /** Run in this many worker threads (SessionPool, MODEL_RUNNERS) instead of the main thread. */
  workers?: number;
  options: InferenceSession.SessionOptions;
}

export const TUNING_CASES: TuningCase[] = [
  { label: 'yolov8n det 640', file: sharedModel('yolov8n_quantized.onnx'), dims: [1, 3, 640, 640] },
  { label: 'yolo11n seg 640', file: sharedModel('yolo11n-seg_int8.onnx'), dims: [1, 3, 640, 640] },
  { label: 'yolo11n pose 640', file: sharedModel('yolo11n-pose_int8_patched.onnx'), dims: [1, 3, 640, 640] },
  { label: 'pp-ocr cls 48x192 ×8', file: ocrAssetPath('direction'), dims: [8, 3, 48, 192] },
];

const noSpin = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };

export const TUNING_CONFIGS: TuningConfig[] = [
  {
    label: '2 workers, 1 thread each, 2 in flight',
    sessions: 1,
    concurrency: 2,
    workers: 2,
    options: { intraOpNumThreads: 1, extra: noSpin },
  },
  {
    label: '1 worker, 2 threads, 1 in flight',
    sessions: 1,
    concurrency: 1,
    workers: 1,
    options: { intraOpNumThreads: 2, extra: noSpin },
  },
  { label: '1 session, default threads, 1 in flight', sessions: 1, concurrency: 1, options: {} },
  { label: '1 session, 2 threads, 1 in flight', sessions: 1, concurrency: 1, options: { intraOpNumThreads: 2 } },
  {
    label: '1 session, 2 threads no spin, 1 in flight',
    sessions: 1,
    concurrency: 1,
    options: { intraOpNumThreads: 2, extra: noSpin },
  },
  { label: '1 session, 2 threads, 2 in flight', sessions: 1, concurrency: 2, options: { intraOpNumThreads: 2 } },
  { label: '1 session, 1 thread, 2 in flight', sessions: 1, concurrency: 2, options: { intraOpNumThreads: 1 } },
  { label: '2 sessions, 1 thread each, 2 in flight', sessions: 2, concurrency: 2, options: { intraOpNumThreads: 1 } },
  {
    label: '1 session, 1 thread, 2 in flight, no arena',
    sessions: 1,
    concurrency: 2,
    options: { intraOpNumThreads: 1, enableCpuMemArena: false },
  },
  {
    label: '1 session, 1 thread, 2 in flight, opt basic',
    sessions: 1,
    concurrency: 2,
    options: { intraOpNumThreads: 1, graphOptimizationLevel: 'basic' },
  },
  {
    label: '1 session, 2 threads parallel mode, 1 in flight',
    sessions: 1,
    concurrency: 1,
    options: { intraOpNumThreads: 2, interOpNumThreads: 2, executionMode: 'parallel' },
  },
  { label: '1 session, 1 thread, 4 in flight', sessions: 1, concurrency: 4, options: { intraOpNumThreads: 1 } },
  {
    label: '1 session, 2 threads no spin, 2 in flight',
    sessions: 1,
    concurrency: 2,
    options: { intraOpNumThreads: 2, extra: noSpin },
  },
  {
    label: '1 session, 1 thread no spin, 2 in flight',
    sessions: 1,
    concurrency: 2,
    options: { intraOpNumThreads: 1, extra: noSpin },
  },
];

export interface Prepared {
  pool?: SessionPool;
  sessions: InferenceSession[];
  feeds: InferenceSession.FeedsType[];
}

export async function prepare(c: TuningCase, config: TuningConfig, weights: Buffer): Promise<Prepared> {
  let sessions = await Promise.all(
    Array.from({ length: config.sessions }, () => ort.InferenceSession.create(weights, config.options)),
  );
  const pool = config.workers ? new SessionPool(config.workers, config.options) : undefined;
  if (pool) sessions = sessions.map((s) => pool.wrap(s, weights));
  const size = c.dims.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: size }, (_, i) => ((i * 2654435761) % 1000) / 1000);
  const feeds = sessions.map((s) => ({ [s.inputNames[0]!]: new ort.Tensor('float32', data, c.dims) }));
  for (let i = 0; i < sessions.length; i++) await Promise.all([0, 1].map(() => sessions[i]!.run(feeds[i]!)));
  return { pool, sessions, feeds };
}

export async function runsPerSecond(p: Prepared, concurrency: number, seconds: number): Promise<number> {
  let runs = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      const i = worker % p.sessions.length;
      while (performance.now() < until) {
        await p.sessions[i]!.run(p.feeds[i]!);
        runs++;
      }
    }),
  );
  return runs / ((performance.now() - started) / 1000);
}

export async function release(p: Prepared): Promise<void> {
  await p.pool?.close();
  await Promise.all(p.sessions.map((s) => s.release()));
}

/**
 * Runs/s of each config on `c`: configs take turns in `rounds` rounds of `seconds` each and the median round
 * counts, so load from other processes on a shared machine hits every config alike.
 */
export async function measureConfigs(
  c: TuningCase,
  configs: TuningConfig[],
  seconds: number,
  rounds = 3,
): Promise<number[]> {
  const weights = fs.readFileSync(c.file);
  const prepared: Prepared[] = [];
  for (const config of configs) prepared.push(await prepare(c, config, weights));
  const samples: number[][] = configs.map(() => []);
  for (let r = 0; r < rounds; r++)
    for (let i = 0; i < configs.length; i++)
      samples[i]!.push(await runsPerSecond(prepared[i]!, configs[i]!.concurrency, seconds));
  for (const p of prepared) await release(p);
  return samples.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!hasShared) {
    console.log(`session tuning skipped: needs ../shared (models) which is absent at ${SHARED_DIR}`);
  } else {
    const seconds = Number(process.env.TUNING_SECONDS ?? 1);
    const rounds = Number(process.env.TUNING_ROUNDS ?? 3);
    for (const c of TUNING_CASES) {
      console.log(`\n${c.label} (${c.dims.join('x')}), median runs/s of ${rounds} interleaved rounds:`);
      const values = await measureConfigs(c, TUNING_CONFIGS, seconds, rounds);
      const best = Math.max(...values);
      TUNING_CONFIGS.forEach((config, i) =>
        console.log(
          `  ${config.label.padEnd(50)} ${values[i]!.toFixed(2).padStart(8)}  ${(values[i]! / best).toFixed(2)} of best`,
        ),
      );
    }
  }
}
