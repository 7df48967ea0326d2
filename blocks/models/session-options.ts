// onnxruntime session settings for every model the server loads (manager packages and the OCR sessions), read
// once in server/config.ts. How the cores are shared between runs (worker threads, an all-cores copy for lone runs)
// is session-pool.ts's business; measured on the 2-core machine in bench/session-tuning.ts (README "Throughput").
import type { InferenceSession } from 'onnxruntime-node';

export interface ModelSessionSettings {
  /** Threads inside one operator; 0 = onnxruntime's default (one per physical core). */
  intraOpThreads: number;
  /** Threads across operators, used only in parallel execution mode; 0 = default. */
  interOpThreads: number;
  graphOptimization: 'disabled' | 'basic' | 'extended' | 'all';
  executionMode: 'sequential' | 'parallel';
  /** onnxruntime's CPU memory arena (reuses buffers between runs). */
  cpuArena: boolean;
  /** Worker threads spin briefly for the next job instead of sleeping (faster alone, wasteful when CPUs are shared). */
  threadSpinning: boolean;
}

export const DEFAULT_MODEL_SESSION_SETTINGS: ModelSessionSettings = {
  intraOpThreads: 0,
  interOpThreads: 0,
  graphOptimization: 'all',
  executionMode: 'sequential',
  cpuArena: true,
  // Spinning wins alone on an idle machine (~5-20%) but loses 2-3x as soon as decodes or other processes compete
  // for the cores, which is what a loaded server is (bench/session-tuning.ts, README "Throughput").
  threadSpinning: false,
};

export function sessionOptionsOf(settings: Partial<ModelSessionSettings> = {}): InferenceSession.SessionOptions {
  const s = { ...DEFAULT_MODEL_SESSION_SETTINGS, ...settings };
  const options: InferenceSession.SessionOptions = {
    graphOptimizationLevel: s.graphOptimization,
    executionMode: s.executionMode,
    enableCpuMemArena: s.cpuArena,
  };
  if (s.intraOpThreads > 0) options.intraOpNumThreads = s.intraOpThreads;
  if (s.interOpThreads > 0) options.interOpNumThreads = s.interOpThreads;
  if (!s.threadSpinning) {
    const off = { allow_spinning: '0' };
    options.extra = { session: { intra_op: off, inter_op: off } };
  }
  return options;
}
