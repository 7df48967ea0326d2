// Operations on lists (and on anything with a length).
import type { OperationDefinition, OperationFn } from '../types.ts';
import { invalidInput } from '../errors.ts';
import { pyEquals, pyLen, pyStr } from '../python.ts';
import { executeOperations } from '../chain.ts';

function asNumbers(value: unknown, name: string, ctx: Parameters<OperationFn>[2]): number[] {
  if (!Array.isArray(value)) throw invalidInput(name, 'list of numbers', value, ctx);
  for (const v of value)
    if (typeof v !== 'number' && typeof v !== 'boolean') throw invalidInput(name, 'list of numbers', value, ctx);
  return value.map(Number);
}

const NUMERIC_AGGREGATES: Record<string, (values: number[]) => number> = {
  min: (v) => Math.min(...v),
  max: (v) => Math.max(...v),
  sum: (v) => v.reduce((s, x) => s + x, 0),
  avg: (v) => v.reduce((s, x) => s + x, 0) / v.length,
  mean: (v) => v.reduce((s, x) => s + x, 0) / v.length,
  first: (v) => v[0]!,
  last: (v) => v[v.length - 1]!,
};

/** Distinct values with their counts, in first-seen order. */
function countElements(values: unknown[]): Array<[unknown, number]> {
  const counts: Array<[unknown, number]> = [];
  for (const v of values) {
    const entry = counts.find(([k]) => pyEquals(k, v));
    if (entry) entry[1] += 1;
    else counts.push([v, 1]);
  }
  return counts;
}

export const sequenceOperations: Record<string, OperationFn> = {
  NumericSequenceAggregate(value, op, ctx) {
    const fn = NUMERIC_AGGREGATES[String(op.function)];
    if (!fn)
      throw invalidInput(
        'aggregate_numeric_sequence',
        `function in ${Object.keys(NUMERIC_AGGREGATES).join('/')}`,
        op.function,
        ctx,
      );
    const numbers = asNumbers(value, 'aggregate_numeric_sequence', ctx);
    if (numbers.length === 0) return op.neutral_value ?? null;
    return fn(numbers);
  },
  SequenceAggregate(value, op, ctx) {
    if (!Array.isArray(value)) throw invalidInput('aggregate_sequence', 'list', value, ctx);
    if (value.length === 0) return null;
    switch (op.mode) {
      case 'first':
        return value[0];
      case 'last':
        return value[value.length - 1];
      case 'most_common':
      case 'least_common': {
        const counts = countElements(value);
        const pick = op.mode === 'most_common' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
        let best = counts[0]!;
        for (const entry of counts) if (pick(entry[1], best[1])) best = entry;
        return best[0];
      }
      default:
        throw invalidInput('aggregate_sequence', 'mode in first/last/most_common/least_common', op.mode, ctx);
    }
  },
  SequenceLength(value, _op, ctx) {
    const n = pyLen(value);
    if (n === undefined) throw invalidInput('sequence_length', 'sequence (list, dict, str or detections)', value, ctx);
    return n;
  },
  SequenceElementsCount(value, _op, ctx) {
    if (!Array.isArray(value)) throw invalidInput('count_sequence_elements', 'list', value, ctx);
    const out: Record<string, number> = {};
    for (const [k, n] of countElements(value)) out[pyStr(k)] = n;
    return out;
  },
  SequenceJoin(value, op, ctx) {
    if (!Array.isArray(value)) throw invalidInput('sequence_join', 'list', value, ctx);
    return value.map(pyStr).join(String(op.separator ?? ''));
  },
  async SequenceApply(value, op, ctx) {
    if (!Array.isArray(value)) throw invalidInput('sequence_apply', 'list', value, ctx);
    const operations = (op.operations ?? []) as OperationDefinition[];
    const out: unknown[] = [];
    for (const element of value) out.push(await executeOperations(element, operations, ctx));
    return out;
  },
};
