// UQL (docs/roboflow-compatibility.md#uql) as editable trees: statements, operands and operation chains parsed out of workflow
// JSON and built back. Every node keeps the object it came from (`raw`), so building an untouched tree gives
// the same JSON, key order and unknown fields included, and optional fields stay absent unless edited.
import type { Json, JsonObject } from './types.ts';

export const DEFAULT_OPERAND_NAME = '_';

export interface OperationNode {
  type: string;
  /** Every field but `type` (nested chains and filter statements too, as JSON). */
  fields: JsonObject;
  raw: JsonObject;
}

export interface OperandNode {
  kind: 'static' | 'dynamic';
  /** StaticOperand's value. */
  value: Json;
  /** DynamicOperand's operand_name. */
  name: string;
  operations: OperationNode[];
  raw: JsonObject;
}

export interface GroupNode {
  kind: 'group';
  operator: 'and' | 'or';
  statements: StatementNode[];
  raw: JsonObject;
}

export interface BinaryNode {
  kind: 'binary';
  negate: boolean;
  left: OperandNode;
  comparator: string;
  right: OperandNode;
  raw: JsonObject;
}

export interface UnaryNode {
  kind: 'unary';
  negate: boolean;
  operand: OperandNode;
  operator: string;
  raw: JsonObject;
}

export type StatementNode = GroupNode | BinaryNode | UnaryNode;

export interface CaseResultNode {
  kind: 'static' | 'dynamic';
  value: Json;
  /** DynamicCaseResult's parameter_name. */
  name: string;
  operations: OperationNode[];
  raw: JsonObject;
}

export interface CaseNode {
  condition: GroupNode;
  result: CaseResultNode;
  raw: JsonObject;
}

/** expression@v1's `switch`. */
export interface CasesNode {
  cases: CaseNode[];
  default: CaseResultNode;
  raw: JsonObject;
}

/** A definition that is not valid UQL; `path` says where (e.g. `statements[1].left_operand`). */
export class UqlShapeError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(path ? `${path}: ${message}` : message);
  }
}

function object(value: Json | undefined, path: string, what: string): JsonObject {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UqlShapeError(path, `expected ${what} (an object), got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

function list(value: Json | undefined, path: string, what: string): Json[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new UqlShapeError(path, `expected ${what} (a list), got ${JSON.stringify(value)}`);
  return value;
}

function typeOf(obj: JsonObject, path: string, allowed: string[]): string {
  const type = obj.type;
  if (typeof type !== 'string' || !allowed.includes(type))
    throw new UqlShapeError(path, `type must be ${allowed.join(' or ')}, got ${JSON.stringify(type)}`);
  return type;
}

const join = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/** Start from the source object (keeps its key order and unknown fields), `type` first for new nodes. */
function start(raw: JsonObject, type: string): JsonObject {
  const out: JsonObject = 'type' in raw ? { ...raw } : { type, ...raw };
  out.type = type;
  return out;
}

/** Set an optional field: written when it was there before or differs from its default, else left out. */
function optional(out: JsonObject, raw: JsonObject, key: string, value: Json, isDefault: boolean): void {
  if (key in raw || !isDefault) out[key] = value;
  else delete out[key];
}

// ---- operations ------------------------------------------------------------------------------------------

export function parseOperation(value: Json, path = ''): OperationNode {
  const raw = object(value, path, 'an operation');
  if (typeof raw.type !== 'string' || !raw.type) throw new UqlShapeError(path, 'an operation needs a string `type`');
  const { type: _t, ...fields } = raw;
  if (Array.isArray(fields.operations)) parseOperations(fields.operations, join(path, 'operations'));
  if (fields.filter_operation !== undefined) parseStatement(fields.filter_operation, join(path, 'filter_operation'));
  return { type: raw.type, fields, raw };
}

export function parseOperations(value: Json | undefined, path = ''): OperationNode[] {
  return list(value, path, 'operations').map((op, i) => parseOperation(op, join(path, i)));
}

export function buildOperation(node: OperationNode): JsonObject {
  const out = start(node.raw, node.type);
  for (const key of Object.keys(out)) if (key !== 'type' && !(key in node.fields)) delete out[key];
  for (const [key, value] of Object.entries(node.fields)) out[key] = value;
  return out;
}

export const buildOperations = (nodes: OperationNode[]): JsonObject[] => nodes.map(buildOperation);

export function newOperation(type: string, fields: JsonObject = {}): OperationNode {
  return { type, fields, raw: {} };
}

// ---- operands --------------------------------------------------------------------------------------------

export function parseOperand(value: Json | undefined, path = ''): OperandNode {
  const raw = object(value, path, 'an operand');
  const type = typeOf(raw, path, ['StaticOperand', 'DynamicOperand']);
  const name = raw.operand_name ?? DEFAULT_OPERAND_NAME;
  if (type === 'DynamicOperand' && typeof name !== 'string')
    throw new UqlShapeError(join(path, 'operand_name'), 'must be a string');
  return {
    kind: type === 'StaticOperand' ? 'static' : 'dynamic',
    value: raw.value ?? null,
    name: typeof name === 'string' ? name : DEFAULT_OPERAND_NAME,
    operations: parseOperations(raw.operations, join(path, 'operations')),
    raw,
  };
}

export function buildOperand(node: OperandNode): JsonObject {
  const sameKind =
    (node.raw.type === 'StaticOperand') === (node.kind === 'static') && typeof node.raw.type === 'string';
  const raw = sameKind ? node.raw : {};
  const out = start(raw, node.kind === 'static' ? 'StaticOperand' : 'DynamicOperand');
  if (node.kind === 'static') out.value = node.value;
  else optional(out, raw, 'operand_name', node.name, node.name === DEFAULT_OPERAND_NAME);
  optional(out, raw, 'operations', buildOperations(node.operations), node.operations.length === 0);
  return out;
}

export function staticOperand(value: Json): OperandNode {
  return { kind: 'static', value, name: DEFAULT_OPERAND_NAME, operations: [], raw: {} };
}

export function dynamicOperand(name: string, operations: OperationNode[] = []): OperandNode {
  return { kind: 'dynamic', value: null, name, operations, raw: {} };
}

// ---- statements ------------------------------------------------------------------------------------------

export function parseStatement(value: Json | undefined, path = ''): StatementNode {
  const raw = object(value, path, 'a statement');
  const type = typeOf(raw, path, ['StatementGroup', 'BinaryStatement', 'UnaryStatement']);
  if (type === 'StatementGroup') return parseGroup(raw, path);
  const negate = raw.negate ?? false;
  if (typeof negate !== 'boolean') throw new UqlShapeError(join(path, 'negate'), 'must be true or false');
  if (type === 'BinaryStatement') {
    return {
      kind: 'binary',
      negate,
      left: parseOperand(raw.left_operand, join(path, 'left_operand')),
      comparator: typeField(raw.comparator, join(path, 'comparator')),
      right: parseOperand(raw.right_operand, join(path, 'right_operand')),
      raw,
    };
  }
  return {
    kind: 'unary',
    negate,
    operand: parseOperand(raw.operand, join(path, 'operand')),
    operator: typeField(raw.operator, join(path, 'operator')),
    raw,
  };
}

function typeField(value: Json | undefined, path: string): string {
  const obj = object(value, path, '{"type": ...}');
  if (typeof obj.type !== 'string') throw new UqlShapeError(path, 'needs a string `type`');
  return obj.type;
}

export function parseGroup(value: Json | undefined, path = ''): GroupNode {
  const raw = object(value, path, 'a statement group');
  typeOf(raw, path, ['StatementGroup']);
  const operator = raw.operator ?? 'or';
  if (operator !== 'and' && operator !== 'or')
    throw new UqlShapeError(join(path, 'operator'), `must be "and" or "or", got ${JSON.stringify(operator)}`);
  const statements = list(raw.statements, join(path, 'statements'), 'statements').map((s, i) =>
    parseStatement(s, join(join(path, 'statements'), i)),
  );
  return { kind: 'group', operator, statements, raw };
}

/** `{"type": x}` keeping any other fields the source object had when the type is unchanged. */
function buildTyped(source: Json | undefined, type: string): JsonObject {
  const obj = source && typeof source === 'object' && !Array.isArray(source) ? source : {};
  return obj.type === type ? obj : { ...obj, type };
}

export function buildStatement(node: StatementNode): JsonObject {
  const raw =
    node.raw.type === { group: 'StatementGroup', binary: 'BinaryStatement', unary: 'UnaryStatement' }[node.kind]
      ? node.raw
      : {};
  if (node.kind === 'group') {
    const out = start(raw, 'StatementGroup');
    optional(out, raw, 'operator', node.operator, node.operator === 'or');
    out.statements = node.statements.map(buildStatement);
    return out;
  }
  const out = start(raw, node.kind === 'binary' ? 'BinaryStatement' : 'UnaryStatement');
  if (node.kind === 'binary') {
    out.left_operand = buildOperand(node.left);
    out.comparator = buildTyped(raw.comparator, node.comparator);
    out.right_operand = buildOperand(node.right);
  } else {
    out.operand = buildOperand(node.operand);
    out.operator = buildTyped(raw.operator, node.operator);
  }
  optional(out, raw, 'negate', node.negate, !node.negate);
  return out;
}

export function emptyGroup(operator: 'and' | 'or' = 'and'): GroupNode {
  return { kind: 'group', operator, statements: [], raw: {} };
}

export function newBinary(left: OperandNode, comparator: string, right: OperandNode): BinaryNode {
  return { kind: 'binary', negate: false, left, comparator, right, raw: {} };
}

export function newUnary(operand: OperandNode, operator: string): UnaryNode {
  return { kind: 'unary', negate: false, operand, operator, raw: {} };
}

// ---- expression@v1 cases ---------------------------------------------------------------------------------

export function parseCaseResult(value: Json | undefined, path = ''): CaseResultNode {
  const raw = object(value, path, 'a case result');
  const type = typeOf(raw, path, ['StaticCaseResult', 'DynamicCaseResult']);
  if (type === 'DynamicCaseResult' && typeof raw.parameter_name !== 'string')
    throw new UqlShapeError(join(path, 'parameter_name'), 'must be a string');
  return {
    kind: type === 'StaticCaseResult' ? 'static' : 'dynamic',
    value: raw.value ?? null,
    name: typeof raw.parameter_name === 'string' ? raw.parameter_name : '',
    operations: parseOperations(raw.operations, join(path, 'operations')),
    raw,
  };
}

export function buildCaseResult(node: CaseResultNode): JsonObject {
  const raw =
    (node.raw.type === 'StaticCaseResult') === (node.kind === 'static') && typeof node.raw.type === 'string'
      ? node.raw
      : {};
  const out = start(raw, node.kind === 'static' ? 'StaticCaseResult' : 'DynamicCaseResult');
  if (node.kind === 'static') out.value = node.value;
  else {
    out.parameter_name = node.name;
    optional(out, raw, 'operations', buildOperations(node.operations), node.operations.length === 0);
  }
  return out;
}

export function parseCases(value: Json | undefined, path = ''): CasesNode {
  const raw = object(value, path, 'a cases definition');
  typeOf(raw, path, ['CasesDefinition']);
  const cases = list(raw.cases, join(path, 'cases'), 'cases').map((c, i) => {
    const at = join(join(path, 'cases'), i);
    const caseRaw = object(c, at, 'a case');
    typeOf(caseRaw, at, ['CaseDefinition']);
    return {
      condition: parseGroup(caseRaw.condition, join(at, 'condition')),
      result: parseCaseResult(caseRaw.result, join(at, 'result')),
      raw: caseRaw,
    };
  });
  return { cases, default: parseCaseResult(raw.default, join(path, 'default')), raw };
}

export function buildCases(node: CasesNode): JsonObject {
  const out = start(node.raw, 'CasesDefinition');
  out.cases = node.cases.map((c) => {
    const caseOut = start(c.raw, 'CaseDefinition');
    caseOut.condition = buildStatement(c.condition);
    caseOut.result = buildCaseResult(c.result);
    return caseOut;
  });
  out.default = buildCaseResult(node.default);
  return out;
}

export function staticCaseResult(value: Json): CaseResultNode {
  return { kind: 'static', value, name: '', operations: [], raw: {} };
}

export function newCase(): CaseNode {
  return { condition: emptyGroup(), result: staticCaseResult(null), raw: {} };
}

// ---- list edits ------------------------------------------------------------------------------------------

export function replaceAt<T>(items: readonly T[], index: number, item: T): T[] {
  return items.map((x, i) => (i === index ? item : x));
}

export function removeAt<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, i) => i !== index);
}

/** Move the item at `index` by `delta` places (clamped to the list). */
export function moveBy<T>(items: readonly T[], index: number, delta: number): T[] {
  const to = Math.max(0, Math.min(items.length - 1, index + delta));
  if (to === index) return [...items];
  const out = [...items];
  const [item] = out.splice(index, 1);
  out.splice(to, 0, item!);
  return out;
}

/** Parse with `parse`, or the error that says why not. */
export function tryParse<T>(
  parse: (v: Json | undefined) => T,
  value: Json | undefined,
): { ok: true; node: T } | { ok: false; error: string } {
  try {
    return { ok: true, node: parse(value) };
  } catch (err) {
    if (err instanceof UqlShapeError) return { ok: false, error: err.message };
    throw err;
  }
}
