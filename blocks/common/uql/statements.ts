// Evaluates UQL statements (StatementGroup / BinaryStatement / UnaryStatement) to a boolean.
import { OperationTypeNotRecognisedError } from '../../../engine/index.ts';
import { DEFAULT_OPERAND_NAME, isDetectionRef, type EvaluationContext, type OperationDefinition } from './types.ts';
import { invalidInput, undeclaredSymbol } from './errors.ts';
import { executeOperations } from './chain.ts';
import { pyContains, pyEquals, pyLen } from './python.ts';

export interface Operand {
  type: 'StaticOperand' | 'DynamicOperand';
  value?: unknown;
  operand_name?: string;
  operations?: OperationDefinition[];
}

export type Statement =
  | { type: 'StatementGroup'; operator?: 'and' | 'or'; statements: Statement[] }
  | {
      type: 'BinaryStatement';
      left_operand: Operand;
      comparator: { type: string };
      right_operand: Operand;
      negate?: boolean;
    }
  | { type: 'UnaryStatement'; operand: Operand; operator: { type: string }; negate?: boolean };

type Binary = (left: unknown, right: unknown, ctx: EvaluationContext) => boolean;
type Unary = (value: unknown, ctx: EvaluationContext) => boolean;

const isNumeric = (v: unknown): v is number | boolean =>
  (typeof v === 'number' && !Number.isNaN(v)) || typeof v === 'boolean';

function numeric(name: string, test: (a: number, b: number) => boolean): Binary {
  return (a, b, ctx) => {
    if (!isNumeric(a)) throw invalidInput(name, 'number as left operand', a, ctx);
    if (!isNumeric(b)) throw invalidInput(name, 'number as right operand', b, ctx);
    return test(Number(a), Number(b));
  };
}

function strings(name: string, test: (a: string, b: string) => boolean): Binary {
  return (a, b, ctx) => {
    if (typeof a !== 'string') throw invalidInput(name, 'str as left operand', a, ctx);
    if (typeof b !== 'string') throw invalidInput(name, 'str as right operand', b, ctx);
    return test(a, b);
  };
}

function contains(name: string, container: unknown, element: unknown, ctx: EvaluationContext): boolean {
  const result = pyContains(container, element);
  if (result === undefined) throw invalidInput(name, 'sequence (list, dict or str) as container', container, ctx);
  return result;
}

function sequence(name: string, value: unknown, ctx: EvaluationContext): unknown[] {
  if (Array.isArray(value)) return value;
  if (value instanceof Set) return [...value];
  throw invalidInput(name, 'list', value, ctx);
}

/** Even-odd ray casting; the zone is a list of [x, y] vertices. */
export function pointInPolygon(x: number, y: number, polygon: ReadonlyArray<ReadonlyArray<number>>): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as [number, number];
    const [xj, yj] = polygon[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export const BINARY_OPERATORS: Record<string, Binary> = {
  '==': (a, b) => pyEquals(a, b),
  '(Number) ==': (a, b) => pyEquals(a, b),
  '!=': (a, b) => !pyEquals(a, b),
  '(Number) !=': (a, b) => !pyEquals(a, b),
  '(Number) >': numeric('number_greater', (a, b) => a > b),
  '(Number) >=': numeric('number_greater_or_equal', (a, b) => a >= b),
  '(Number) <': numeric('number_lower', (a, b) => a < b),
  '(Number) <=': numeric('number_lower_or_equal', (a, b) => a <= b),
  '(Number) in range': (a, b, ctx) => {
    if (!isNumeric(a)) throw invalidInput('number_in_range', 'number as left operand', a, ctx);
    if (!Array.isArray(b) || b.length !== 2 || !isNumeric(b[0]) || !isNumeric(b[1])) {
      throw invalidInput('number_in_range', '[min, max] as right operand', b, ctx);
    }
    return Number(a) >= Number(b[0]) && Number(a) <= Number(b[1]);
  },
  '(String) startsWith': strings('string_starts_with', (a, b) => a.startsWith(b)),
  '(String) endsWith': strings('string_ends_with', (a, b) => a.endsWith(b)),
  '(String) contains': strings('string_contains', (a, b) => a.includes(b)),
  'in (Sequence)': (a, b, ctx) => contains('is_in', b, a, ctx),
  'all in (Sequence)': (a, b, ctx) => sequence('all_in', a, ctx).every((e) => contains('all_in', b, e, ctx)),
  'any in (Sequence)': (a, b, ctx) => sequence('any_in', a, ctx).some((e) => contains('any_in', b, e, ctx)),
  '(Detection) in zone': (a, b, ctx) => {
    if (!isDetectionRef(a)) throw invalidInput('detection_in_zone', 'single detection as left operand', a, ctx);
    if (!Array.isArray(b) || b.length < 3)
      throw invalidInput('detection_in_zone', 'zone (list of at least 3 points)', b, ctx);
    const [x0, y0, x1, y1] = a.detections.box(a.index);
    return pointInPolygon((x0 + x1) / 2, (y0 + y1) / 2, b as number[][]);
  },
};

export const UNARY_OPERATORS: Record<string, Unary> = {
  Exists: (v) => v !== null && v !== undefined,
  DoesNotExist: (v) => v === null || v === undefined,
  '(Boolean) is True': (v) => v === true,
  '(Boolean) is False': (v) => v === false,
  '(Sequence) is empty': (v, ctx) => {
    const n = pyLen(v);
    if (n === undefined) throw invalidInput('is_empty', 'sequence', v, ctx);
    return n === 0;
  },
  '(Sequence) is not empty': (v, ctx) => {
    const n = pyLen(v);
    if (n === undefined) throw invalidInput('is_not_empty', 'sequence', v, ctx);
    return n > 0;
  },
};

function notRecognised(kind: string, type: unknown, ctx: EvaluationContext): OperationTypeNotRecognisedError {
  return new OperationTypeNotRecognisedError(
    `Attempted to use ${kind} of type \`${String(type)}\` in context ${ctx.executionContext}, but it is not recognised.`,
    { context: `step_execution | roboflow_query_language_compilation | ${ctx.executionContext}` },
  );
}

export async function evaluateOperand(operand: Operand, ctx: EvaluationContext): Promise<unknown> {
  let value: unknown;
  if (operand?.type === 'StaticOperand') value = operand.value;
  else if (operand?.type === 'DynamicOperand') {
    const name = operand.operand_name ?? DEFAULT_OPERAND_NAME;
    if (!Object.hasOwn(ctx.parameters, name)) throw undeclaredSymbol(name, 'operand value', ctx);
    value = ctx.parameters[name];
  } else throw notRecognised('operand', operand?.type, ctx);
  return executeOperations(value, operand.operations, ctx);
}

export async function evaluateStatement(statement: Statement, ctx: EvaluationContext): Promise<boolean> {
  switch (statement?.type) {
    case 'StatementGroup': {
      const and = (statement.operator ?? 'or') === 'and';
      for (const inner of statement.statements ?? []) {
        const result = await evaluateStatement(inner, ctx);
        if (and && !result) return false;
        if (!and && result) return true;
      }
      return and;
    }
    case 'BinaryStatement': {
      const comparator = BINARY_OPERATORS[statement.comparator?.type];
      if (!comparator) throw notRecognised('comparator', statement.comparator?.type, ctx);
      const left = await evaluateOperand(statement.left_operand, ctx);
      const right = await evaluateOperand(statement.right_operand, ctx);
      return comparator(left, right, ctx) !== Boolean(statement.negate);
    }
    case 'UnaryStatement': {
      const operator = UNARY_OPERATORS[statement.operator?.type];
      if (!operator) throw notRecognised('operator', statement.operator?.type, ctx);
      const value = await evaluateOperand(statement.operand, ctx);
      return operator(value, ctx) !== Boolean(statement.negate);
    }
    default:
      throw notRecognised('statement', (statement as { type?: unknown })?.type, ctx);
  }
}
