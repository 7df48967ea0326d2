// roboflow_core/data_aggregator@v1: accumulates values over runs and, once per interval (runs or time), emits
// aggregates named `<field>_<mode>`; between emissions every output is null. State lives per compiled workflow.
import {
  WorkflowExecutionEngineError,
  defineBlock,
  literal,
  selectorDict,
  type StepDefinition,
} from '../../engine/index.ts';
import { executeOperations, pyEquals, pyStr, type OperationDefinition } from '../common/uql/index.ts';

type Mode =
  'sum' | 'avg' | 'max' | 'min' | 'count' | 'distinct' | 'count_distinct' | 'values_counts' | 'values_difference';
const MODES: Mode[] = [
  'sum',
  'avg',
  'max',
  'min',
  'count',
  'distinct',
  'count_distinct',
  'values_counts',
  'values_difference',
];
const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600 };

interface Params {
  data: Record<string, unknown>;
  data_operations: Record<string, OperationDefinition[]>;
  aggregation_mode: Record<string, Mode[]>;
  interval: number;
  interval_unit: 'seconds' | 'minutes' | 'hours' | 'runs';
}

interface State {
  values: Record<string, unknown[]>;
  runs: number;
  startedAt: number;
}

const numbers = (values: unknown[]) => values.flat().filter((v): v is number => typeof v === 'number');

const AGGREGATE: Record<Mode, (values: unknown[]) => unknown> = {
  sum: (v) => numbers(v).reduce((s, x) => s + x, 0),
  avg: (v) => (numbers(v).length ? numbers(v).reduce((s, x) => s + x, 0) / numbers(v).length : null),
  max: (v) => (numbers(v).length ? Math.max(...numbers(v)) : null),
  min: (v) => (numbers(v).length ? Math.min(...numbers(v)) : null),
  count: (v) => v.flat().length,
  distinct: (v) => v.flat().filter((x, i, all) => all.findIndex((y) => pyEquals(x, y)) === i),
  count_distinct: (v) => (AGGREGATE.distinct(v) as unknown[]).length,
  values_counts: (v) => {
    const counts: Record<string, number> = {};
    for (const x of v.flat()) counts[pyStr(x)] = (counts[pyStr(x)] ?? 0) + 1;
    return counts;
  },
  values_difference: (v) => {
    const n = numbers(v);
    return n.length ? Math.max(...n) - Math.min(...n) : null;
  },
};

function outputNames(aggregation: Record<string, string[]> | undefined): string[] {
  return Object.entries(aggregation ?? {}).flatMap(([field, modes]) => modes.map((mode) => `${field}_${mode}`));
}

export const dataAggregatorV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/data_aggregator@v1',
    humanName: 'Data Aggregator',
    version: 'v1',
    blockType: 'analytics',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Aggregate workflow data over time or runs.',
    ui: { section: 'data_storage', icon: 'fal fa-database' },
    properties: {
      data: selectorDict(['*'], {
        title: 'Data',
        description: 'Values to aggregate, by name.',
        examples: [{ predictions: '$steps.model.predictions' }],
      }),
      data_operations: literal(
        { type: 'object', additionalProperties: { type: 'array' } },
        { title: 'Data Operations', description: 'UQL operations applied before aggregation.', default: {} },
      ),
      aggregation_mode: literal(
        { type: 'object', additionalProperties: { type: 'array', items: { type: 'string', enum: MODES } } },
        {
          title: 'Aggregation Mode',
          description: 'Aggregations per field.',
          examples: [{ predictions: ['distinct', 'count_distinct'] }],
        },
      ),
      interval: literal(
        { type: 'integer', exclusiveMinimum: 0 },
        { title: 'Interval', description: 'Length of the aggregation window.', examples: [10] },
      ),
      interval_unit: literal(
        { type: 'string', enum: ['seconds', 'minutes', 'hours', 'runs'] },
        { title: 'Interval Unit', description: 'Unit of interval.', default: 'seconds' },
      ),
    },
    required: ['data', 'aggregation_mode', 'interval'],
    outputs: [{ name: '*', kind: ['*'] }],
    actualOutputs: (step: StepDefinition) =>
      outputNames(step.aggregation_mode as Record<string, string[]>).map((name) => ({ name, kind: ['*'] })),
  },
  async run({ data, data_operations, aggregation_mode, interval, interval_unit }, context) {
    for (const [field, modes] of Object.entries(aggregation_mode ?? {})) {
      const unknown = modes.find((m) => !MODES.includes(m));
      if (unknown)
        throw new WorkflowExecutionEngineError(
          `Step ${context.stepName}: aggregation_mode.${field} holds ${JSON.stringify(unknown)}, expected one of ${MODES.join(', ')}`,
        );
    }
    const key = `${context.stepName}:aggregation`;
    const state = (context.state.get(key) as State | undefined) ?? { values: {}, runs: 0, startedAt: Date.now() };
    context.state.set(key, state);
    for (const field of Object.keys(aggregation_mode ?? {})) {
      const value = await executeOperations(data?.[field], data_operations?.[field], {
        parameters: data ?? {},
        executionContext: `step: ${context.stepName} | data_operations.${field}`,
      });
      (state.values[field] ??= []).push(value);
    }
    state.runs += 1;
    const unit = interval_unit ?? 'seconds';
    const due =
      unit === 'runs' ? state.runs >= interval : Date.now() - state.startedAt >= interval * UNIT_SECONDS[unit]! * 1000;
    const out: Record<string, unknown> = {};
    for (const [field, modes] of Object.entries(aggregation_mode ?? {})) {
      for (const mode of modes) out[`${field}_${mode}`] = due ? AGGREGATE[mode](state.values[field] ?? []) : null;
    }
    if (due) context.state.set(key, { values: {}, runs: 0, startedAt: Date.now() });
    return out;
  },
});
