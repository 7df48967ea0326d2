// roboflow_core/identify_outliers@v1: keeps a window of unit embeddings, takes their mean direction (the von
// Mises-Fisher mean) and ranks the new embedding's alignment with it among the window's; either tail beyond
// threshold_percentile is an outlier.
import { defineBlock, literalOrSelector, selector } from '../../engine/index.ts';
import { dot, unitVector } from './embedding-stats.ts';

interface Params {
  embedding: ArrayLike<number>;
  threshold_percentile: number;
  warmup: number;
  window_size: number | null;
}

interface OutlierState {
  samples: number;
  window: Float64Array[];
}

function meanDirection(window: readonly Float64Array[]): Float64Array | null {
  if (window.length < 2) return null;
  const sum = new Float64Array(window[0]!.length);
  for (const v of window) for (let i = 0; i < v.length; i++) sum[i]! += v[i]!;
  const length = Math.sqrt(dot(sum, sum));
  if (length === 0) return null;
  for (let i = 0; i < sum.length; i++) sum[i]! /= length;
  return sum;
}

export const identifyOutliersV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/identify_outliers@v1',
    humanName: 'Identify Outliers',
    version: 'v1',
    blockType: 'video',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Identify outlier embeddings compared to prior data.',
    longDescription:
      'Ranks how well the current embedding aligns with the mean direction of recent embeddings; the lowest and highest threshold_percentile are outliers. No outliers during warmup.',
    license: 'MIT',
    ui: { section: 'video', icon: 'far fa-chart-scatter-bubble' },
    properties: {
      embedding: selector(['embedding'], {
        description: 'Embedding vector of the current data point.',
        examples: ['$steps.clip.embedding', '$steps.perception_encoder.embedding'],
      }),
      threshold_percentile: literalOrSelector({ type: 'number' }, ['float_zero_to_one'], {
        description: 'Embeddings below this percentile or above 1 - threshold_percentile are outliers.',
        default: 0.05,
        examples: [0.05, 0.01, 0.1, '$inputs.threshold_percentile'],
      }),
      warmup: literalOrSelector({ type: 'integer' }, ['integer'], {
        description: 'Data points required before outlier detection begins.',
        default: 3,
        examples: [3, 10, 100],
      }),
      window_size: literalOrSelector([{ type: 'integer' }, { type: 'null' }], ['integer'], {
        description: 'Most recent embeddings kept for comparison (null: all).',
        default: 32,
        examples: [32, 64, 100, null],
      }),
    },
    required: ['embedding'],
    outputs: [
      { name: 'is_outlier', kind: ['boolean'] },
      { name: 'percentile', kind: ['float_zero_to_one'] },
      { name: 'warming_up', kind: ['boolean'] },
    ],
  },
  run(p, context) {
    const key = `${context.stepName}:identify_outliers`;
    let state = context.state.get(key) as OutlierState | undefined;
    if (!state) context.state.set(key, (state = { samples: 0, window: [] }));
    const embedding = unitVector(p.embedding);
    state.samples += 1;
    state.window.push(embedding);
    const limit = p.window_size === null ? Infinity : Number(p.window_size ?? 32);
    while (state.window.length > limit) state.window.shift();
    if (state.samples < Number(p.warmup ?? 3)) return { is_outlier: false, percentile: 0.5, warming_up: true };
    const mu = meanDirection(state.window) ?? embedding;
    const alignment = dot(mu, embedding);
    const below = state.window.reduce((n, v) => n + (dot(v, mu) < alignment ? 1 : 0), 0);
    const percentile = below / state.window.length;
    const threshold = Number(p.threshold_percentile ?? 0.05);
    return { is_outlier: percentile < threshold || percentile > 1 - threshold, percentile, warming_up: false };
  },
});
