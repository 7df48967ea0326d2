// Operations on strings, numbers, booleans and dictionaries.
import type { OperationFn } from '../types.ts';
import { invalidInput } from '../errors.ts';
import { isPlainObject, pyJsonDumps, pySlice, pyStr } from '../python.ts';

const isNumber = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

function lookup(
  value: unknown,
  table: Record<string, unknown>,
  name: string,
  context: Parameters<OperationFn>[2],
): unknown {
  const key = typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
  if (value !== null && value !== undefined && Object.hasOwn(table, key)) return table[key];
  // JSON keys are strings, so `true` may be written as "true" too.
  if (typeof value === 'boolean' && Object.hasOwn(table, String(value))) return table[String(value)];
  throw invalidInput(name, `value present in lookup table (keys: ${Object.keys(table).join(', ')})`, value, context);
}

export const scalarOperations: Record<string, OperationFn> = {
  StringToLowerCase(value, _op, ctx) {
    if (typeof value !== 'string') throw invalidInput('string_to_lower', 'str', value, ctx);
    return value.toLowerCase();
  },
  StringToUpperCase(value, _op, ctx) {
    if (typeof value !== 'string') throw invalidInput('string_to_upper', 'str', value, ctx);
    return value.toUpperCase();
  },
  StringSubSequence(value, op, ctx) {
    if (typeof value !== 'string') throw invalidInput('string_sub_sequence', 'str', value, ctx);
    return pySlice(value, Number(op.start ?? 0), Number(op.end ?? -1));
  },
  StringMatches(value, op, ctx) {
    if (typeof value !== 'string') throw invalidInput('string_matches', 'str', value, ctx);
    // Python's re.match: anchored at the start of the string.
    return new RegExp(`^(?:${String(op.regex)})`).test(value);
  },
  ToString(value) {
    return pyStr(value);
  },
  ToBoolean(value, _op, ctx) {
    if (typeof value === 'boolean') return value;
    if (isNumber(value)) return value !== 0;
    if (typeof value === 'string') {
      const lowered = value.trim().toLowerCase();
      if (lowered === 'true') return true;
      if (lowered === 'false') return false;
    }
    throw invalidInput('to_bool', 'number, bool or "true"/"false"', value, ctx);
  },
  ToNumber(value, op, ctx) {
    const castTo = op.cast_to ?? 'float';
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (castTo === 'int') {
      if (isNumber(value)) return Math.trunc(value);
      if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
      throw invalidInput('to_number', 'value convertible to int', value, ctx);
    }
    if (castTo !== 'float') throw invalidInput('to_number', 'cast_to of "int" or "float"', castTo, ctx);
    if (isNumber(value)) return value;
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    throw invalidInput('to_number', 'value convertible to float', value, ctx);
  },
  NumberRound(value, op, ctx) {
    if (!isNumber(value)) throw invalidInput('number_round', 'number', value, ctx);
    const digits = Number(op.decimal_digits ?? 0);
    const factor = 10 ** digits;
    return Math.round(value * factor) / factor;
  },
  Multiply(value, op, ctx) {
    if (!isNumber(value)) throw invalidInput('multiply', 'number', value, ctx);
    return value * Number(op.other);
  },
  Divide(value, op, ctx) {
    if (!isNumber(value)) throw invalidInput('divide', 'number', value, ctx);
    const other = Number(op.other);
    if (other === 0) throw invalidInput('divide', 'non-zero divisor', other, ctx);
    return value / other;
  },
  LookupTable(value, op, ctx) {
    const table = op.lookup_table;
    if (!isPlainObject(table)) throw invalidInput('apply_lookup', 'lookup_table dictionary', table, ctx);
    return lookup(value, table, 'apply_lookup', ctx);
  },
  SequenceMap(value, op, ctx) {
    const table = op.lookup_table;
    if (!Array.isArray(value)) throw invalidInput('sequence_map', 'list', value, ctx);
    if (!isPlainObject(table)) throw invalidInput('sequence_map', 'lookup_table dictionary', table, ctx);
    return value.map((v) => lookup(v, table, 'sequence_map', ctx));
  },
  RandomNumber(_value, op) {
    const min = Number(op.min_value ?? 0);
    const max = Number(op.max_value ?? 1);
    return min + Math.random() * (max - min);
  },
  ConvertDictionaryToJSON(value, _op, ctx) {
    if (!isPlainObject(value) && !Array.isArray(value)) throw invalidInput('dictionary_to_json', 'dict', value, ctx);
    return pyJsonDumps(value);
  },
  TimestampToISOFormat(value, _op, ctx) {
    if (value instanceof Date) return value.toISOString();
    if (isNumber(value)) return new Date(value * 1000).toISOString();
    throw invalidInput('timestamp_to_iso_format', 'datetime', value, ctx);
  },
};
