// What the UQL forms offer: operations and operators as `/workflows/blocks/describe` lists them
// (universal_query_language_description), plus the fields each operation takes (describe lists only
// property_name options, so the field table lives here; a test checks it covers every described operation).
import type { Json, JsonObject } from './types.ts';

export interface OperatorInfo {
  type: string;
  operands: number;
  description: string;
  operandKinds: string[][];
}

export interface OperationInfo {
  type: string;
  description: string;
  inputKinds: string[];
  outputKinds: string[];
  propertyOptions: string[] | null;
}

export type FieldSpec =
  | { name: string; type: 'enum'; options: string[]; default?: string }
  | { name: string; type: 'property' }
  | { name: string; type: 'number' | 'integer' | 'string' | 'boolean'; default?: Json }
  | { name: string; type: 'dict' | 'json' }
  | { name: string; type: 'operations' }
  | { name: string; type: 'statement' };

const DETECTION_SORT = ['confidence', 'x_min', 'y_min', 'x_max', 'y_max', 'size', 'center_x', 'center_y'];

/** Fields per operation type, in the order the form shows them. */
export const OPERATION_FIELDS: Record<string, FieldSpec[]> = {
  StringToLowerCase: [],
  StringToUpperCase: [],
  LookupTable: [{ name: 'lookup_table', type: 'dict' }],
  ToNumber: [{ name: 'cast_to', type: 'enum', options: ['int', 'float'], default: 'float' }],
  NumberRound: [{ name: 'decimal_digits', type: 'integer', default: 0 }],
  SequenceMap: [{ name: 'lookup_table', type: 'dict' }],
  NumericSequenceAggregate: [
    { name: 'function', type: 'enum', options: ['min', 'max', 'sum', 'avg', 'first', 'last'] },
    { name: 'neutral_value', type: 'json' },
  ],
  SequenceAggregate: [{ name: 'mode', type: 'enum', options: ['first', 'last', 'most_common', 'least_common'] }],
  ToString: [],
  ToBoolean: [],
  StringSubSequence: [
    { name: 'start', type: 'integer', default: 0 },
    { name: 'end', type: 'integer', default: -1 },
  ],
  DetectionsPropertyExtract: [{ name: 'property_name', type: 'property' }],
  DetectionsToDictionary: [],
  ClassificationPropertyExtract: [{ name: 'property_name', type: 'property' }],
  DetectionsSelection: [
    { name: 'mode', type: 'enum', options: ['left_most', 'right_most', 'top_confidence', 'first', 'last'] },
  ],
  ExtractDetectionProperty: [{ name: 'property_name', type: 'property' }],
  DetectionsFilter: [{ name: 'filter_operation', type: 'statement' }],
  SortDetections: [
    { name: 'mode', type: 'enum', options: DETECTION_SORT },
    { name: 'ascending', type: 'boolean', default: true },
  ],
  DetectionsOffset: [
    { name: 'offset_x', type: 'integer', default: 0 },
    { name: 'offset_y', type: 'integer', default: 0 },
  ],
  DetectionsShift: [
    { name: 'shift_x', type: 'integer', default: 0 },
    { name: 'shift_y', type: 'integer', default: 0 },
  ],
  RandomNumber: [
    { name: 'min_value', type: 'number', default: 0 },
    { name: 'max_value', type: 'number', default: 1 },
  ],
  ExtractImageProperty: [{ name: 'property_name', type: 'property' }],
  ExtractFrameMetadata: [{ name: 'property_name', type: 'property' }],
  TimestampToISOFormat: [],
  ConvertImageToJPEG: [{ name: 'compression_level', type: 'integer', default: 95 }],
  ConvertImageToBase64: [],
  ConvertDictionaryToJSON: [],
  StringMatches: [{ name: 'regex', type: 'string' }],
  SequenceLength: [],
  SequenceElementsCount: [],
  SequenceJoin: [{ name: 'separator', type: 'string', default: '' }],
  SequenceApply: [{ name: 'operations', type: 'operations' }],
  Multiply: [{ name: 'other', type: 'number' }],
  Divide: [{ name: 'other', type: 'number' }],
  DetectionsRename: [
    { name: 'class_map', type: 'json' },
    { name: 'strict', type: 'json' },
    { name: 'new_classes_id_offset', type: 'integer', default: 1024 },
  ],
  PickDetectionsByParentClass: [{ name: 'parent_class', type: 'string' }],
};

/** Fields for a type (unknown types: whatever fields the operation already has, edited as JSON). */
export function operationFields(type: string, existing: JsonObject = {}): FieldSpec[] {
  const known = OPERATION_FIELDS[type];
  const extra = Object.keys(existing).filter((k) => !known?.some((f) => f.name === k));
  return [...(known ?? []), ...extra.map((name): FieldSpec => ({ name, type: 'json' }))];
}

/** Fields a freshly added operation starts with: required choices get their first option. */
export function initialFields(type: string, language: UqlLanguage): JsonObject {
  const out: JsonObject = {};
  for (const f of OPERATION_FIELDS[type] ?? []) {
    if (f.type === 'enum' && f.default === undefined) out[f.name] = f.options[0]!;
    else if (f.type === 'property') out[f.name] = language.operation(type)?.propertyOptions?.[0] ?? '';
    else if (f.type === 'dict') out[f.name] = {};
    else if (f.type === 'operations') out[f.name] = [];
    else if (f.type === 'statement') out[f.name] = { type: 'StatementGroup', operator: 'and', statements: [] };
    else if (f.type === 'number' && f.default === undefined) out[f.name] = 1;
    else if (f.type === 'string' && f.default === undefined) out[f.name] = '';
  }
  return out;
}

function kindNames(value: unknown): string[] {
  return Array.isArray(value)
    ? value.map((k) => (typeof k === 'string' ? k : String((k as { name?: unknown })?.name ?? '*')))
    : [];
}

export class UqlLanguage {
  readonly operations: OperationInfo[];
  readonly binary: OperatorInfo[];
  readonly unary: OperatorInfo[];

  constructor(
    description: { operations_description?: unknown[]; operators_descriptions?: unknown[] } | null | undefined,
  ) {
    this.operations = (description?.operations_description ?? []).map((raw) => {
      const o = raw as Record<string, unknown>;
      return {
        type: String(o.operation_type),
        description: typeof o.description === 'string' ? o.description : '',
        inputKinds: kindNames(o.input_kind),
        outputKinds: kindNames(o.output_kind),
        propertyOptions: Array.isArray(o.property_name_options) ? (o.property_name_options as string[]) : null,
      };
    });
    const operators = (description?.operators_descriptions ?? []).map((raw) => {
      const o = raw as Record<string, unknown>;
      const operandKinds = Array.isArray(o.operands_kinds) ? o.operands_kinds.map(kindNames) : [];
      return {
        type: String(o.operator_type),
        operands: Number(o.operands_number ?? operandKinds.length),
        description: typeof o.description === 'string' ? o.description : '',
        operandKinds,
      };
    });
    this.binary = operators.filter((o) => o.operands === 2);
    this.unary = operators.filter((o) => o.operands === 1);
  }

  operation(type: string): OperationInfo | undefined {
    return this.operations.find((o) => o.type === type);
  }

  isUnary(type: string): boolean {
    return this.unary.some((o) => o.type === type);
  }
}

/** How a step property is edited with the UQL forms, and which sibling property names its dynamic operands. */
export interface UqlPropertyRole {
  shape: 'statement' | 'cases' | 'operations' | 'operations-dict';
  /** The step's dict property whose keys dynamic operands (and dict-of-chains keys) may name. */
  namesFrom: string | null;
}

export function uqlPropertyRole(
  name: string,
  literal: JsonObject | Record<string, unknown> | null,
  siblings: string[],
): UqlPropertyRole | null {
  if (!literal) return null;
  const props = (literal.properties ?? {}) as Record<string, { const?: unknown }>;
  const items = literal.items as Record<string, unknown> | undefined;
  const values = literal.additionalProperties as Record<string, unknown> | undefined;
  const sibling = (candidate: string) => (siblings.includes(candidate) ? candidate : null);
  if (props.type?.const === 'StatementGroup')
    return { shape: 'statement', namesFrom: sibling('evaluation_parameters') };
  if (props.type?.const === 'CasesDefinition') return { shape: 'cases', namesFrom: sibling('data') };
  if (name === 'operations' && literal.type === 'array' && items?.type === 'object')
    return { shape: 'operations', namesFrom: sibling('operations_parameters') };
  if (
    name.endsWith('_operations') &&
    literal.type === 'object' &&
    (values as { type?: unknown } | undefined)?.type === 'array'
  )
    return { shape: 'operations-dict', namesFrom: sibling(name.replace(/_operations$/, '')) ?? sibling('data') };
  return null;
}
