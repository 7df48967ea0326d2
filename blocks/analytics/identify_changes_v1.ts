// roboflow_core/identify_changes@v1: tracks a running average embedding (EMA, SMA or sliding window) and the
// running statistics of each new embedding's cosine similarity to it; a similarity far in either tail (two-sided
// percentile under threshold_percentile) flags an outlier once warmup samples have been seen.
import { defineBlock, literal, literalOrSelector, selector } from '../../engine/index.ts';
import { cosine, erf, unitVector } from './embedding-stats.ts';

const STRATEGIES = ['Exponential Moving Average (EMA)', 'Simple Moving Average (SMA)', 'Sliding Window'] as const;
type Strategy = (typeof STRATEGIES)[number];

interface Params {
  strategy: Strategy;
  embedding: ArrayLike<number>;
  threshold_percentile: number;
  warmup: number;
  smoothing_factor: number;
  window_size: number;
}

/** Running mean / spread of a scalar or a vector under one of the strategies. */
class RunningStats {
  mean: Float64Array | null = null;
  variance: Float64Array | null = null;
  private m2: Float64Array | null = null;
  private window: Float64Array[] = [];
  private count = 0;

  update(x: Float64Array, strategy: Strategy, alpha: number, windowSize: number): void {
    if (!this.mean) {
      this.mean = x.slice();
      this.variance = new Float64Array(x.length);
      this.m2 = new Float64Array(x.length);
      this.window = strategy === 'Sliding Window' ? [x] : [];
      this.count = 1;
      return;
    }
    const n = x.length;
    if (strategy === 'Exponential Moving Average (EMA)') {
      for (let i = 0; i < n; i++) {
        this.mean[i] = (1 - alpha) * this.mean[i]! + alpha * x[i]!;
        const diff = x[i]! - this.mean[i]!;
        this.variance![i] = (1 - alpha) * this.variance![i]! + alpha * diff * diff;
      }
    } else if (strategy === 'Simple Moving Average (SMA)') {
      const count = this.count + 1;
      for (let i = 0; i < n; i++) {
        const delta = x[i]! - this.mean[i]!;
        this.mean[i] += delta / count;
        this.m2![i] += delta * (x[i]! - this.mean[i]!);
        this.variance![i] = this.m2![i]! / (count - 1);
      }
    } else {
      this.window.push(x);
      while (this.window.length > Math.max(1, windowSize)) this.window.shift();
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (const w of this.window) sum += w[i]!;
        const mean = sum / this.window.length;
        let sq = 0;
        for (const w of this.window) sq += (w[i]! - mean) ** 2;
        this.mean[i] = mean;
        this.variance![i] = sq / this.window.length;
      }
    }
    this.count += 1;
  }
}

interface ChangeState {
  samples: number;
  embedding: RunningStats;
  similarity: RunningStats;
}

export const identifyChangesV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/identify_changes@v1',
    humanName: 'Identify Changes',
    version: 'v1',
    blockType: 'video',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Identify changes compared to prior data via embeddings.',
    longDescription:
      'Compares each embedding with a running average and flags it when its similarity to that average changes faster or slower than it has before.',
    license: 'MIT',
    ui: { section: 'video', icon: 'far fa-triangle' },
    properties: {
      strategy: literal(
        { type: 'string', enum: [...STRATEGIES] },
        {
          description: 'The change identification algorithm to use.',
          default: STRATEGIES[0],
          examples: ['Simple Moving Average (SMA)'],
        },
      ),
      embedding: selector(['embedding'], {
        description: 'Embedding of the current data.',
        examples: ['$steps.clip.embedding'],
      }),
      threshold_percentile: literalOrSelector({ type: 'number' }, ['float_zero_to_one'], {
        description: 'The desired sensitivity; higher values classify more data points as outliers.',
        default: 0.2,
        examples: ['$inputs.sample_rate', 0.01],
      }),
      warmup: literalOrSelector({ type: 'integer' }, ['integer'], {
        description: 'Data points used for the initial average; no outliers are identified meanwhile.',
        default: 3,
        examples: [100],
      }),
      smoothing_factor: literalOrSelector({ type: 'number' }, ['float_zero_to_one'], {
        description: 'Weight of the newest data point in the EMA strategy.',
        default: 0.1,
        examples: [0.1],
      }),
      window_size: literalOrSelector({ type: 'integer' }, ['integer'], {
        description: 'Data points kept by the sliding window strategy.',
        default: 10,
        examples: [5],
      }),
    },
    required: ['embedding'],
    outputs: [
      { name: 'is_outlier', kind: ['boolean'] },
      { name: 'percentile', kind: ['float_zero_to_one'] },
      { name: 'z_score', kind: ['float'] },
      { name: 'average', kind: ['embedding'] },
      { name: 'std', kind: ['embedding'] },
      { name: 'warming_up', kind: ['boolean'] },
    ],
  },
  run(p, context) {
    const strategy = p.strategy ?? STRATEGIES[0];
    const alpha = Number(p.smoothing_factor ?? 0.1);
    const windowSize = Number(p.window_size ?? 10);
    const key = `${context.stepName}:identify_changes`;
    let state = context.state.get(key) as ChangeState | undefined;
    if (!state)
      context.state.set(key, (state = { samples: 0, embedding: new RunningStats(), similarity: new RunningStats() }));
    const embedding = unitVector(p.embedding);
    let percentile = 0.5;
    let zScore = 0;
    if (state.embedding.mean) {
      const similarity = cosine(embedding, state.embedding.mean);
      state.similarity.update(Float64Array.of(similarity), strategy, alpha, windowSize);
      const std = Math.sqrt(state.similarity.variance![0]!);
      // A zero spread (first comparisons, identical data) gives no z-score; Roboflow's would be NaN.
      if (std > 0) {
        zScore = (similarity - state.similarity.mean![0]!) / std;
        percentile = 1 - 0.5 * (1 + erf(zScore / Math.SQRT2));
      }
    }
    const threshold = Number(p.threshold_percentile ?? 0.2);
    const warmingUp = state.samples < Number(p.warmup ?? 3);
    const isOutlier = !warmingUp && (percentile <= threshold / 2 || percentile >= 1 - threshold / 2);
    state.embedding.update(embedding, strategy, alpha, windowSize);
    state.samples += 1;
    return {
      is_outlier: isOutlier,
      percentile,
      z_score: zScore,
      average: Array.from(state.embedding.mean!),
      std: Array.from(state.embedding.variance!, Math.sqrt),
      warming_up: warmingUp,
    };
  },
});
