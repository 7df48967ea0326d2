// Which properties of a manifest accept selectors, and what a given step value refers to (docs/roboflow-compatibility.md#selectors-and-literals, #graph-and-kinds).
import type { JsonSchema } from '../block.ts';

export interface AllowedReference {
  selectedElement: string;
  kinds: string[];
  pointsToBatch: unknown;
}

export interface PropertyReferences {
  /** Selectors accepted as the whole value. */
  direct: AllowedReference[];
  /** Selectors accepted as list elements. */
  items: AllowedReference[];
  /** Selectors accepted as dict values. */
  values: AllowedReference[];
}

function kindNames(kind: unknown): string[] {
  if (!Array.isArray(kind)) return ['*'];
  const names = kind
    .map((k) => (typeof k === 'string' ? k : (k as { name?: string })?.name))
    .filter((k): k is string => !!k);
  return names.length ? names : ['*'];
}

/** Schemas reachable through anyOf/oneOf/allOf (any depth) — the union members of a property. */
export function unionMembers(schema: JsonSchema): JsonSchema[] {
  const out: JsonSchema[] = [schema];
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const list = schema[key];
    if (Array.isArray(list)) for (const member of list) out.push(...unionMembers(member as JsonSchema));
  }
  return out;
}

/** Union members that describe a literal value (a type, enum or const), selectors left out. */
export function literalMembers(schema: JsonSchema): JsonSchema[] {
  return unionMembers(schema).filter(
    (s) => s.reference !== true && (s.type !== undefined || s.enum !== undefined || s.const !== undefined),
  );
}

function directReferences(schema: JsonSchema): AllowedReference[] {
  return unionMembers(schema)
    .filter((s) => s.reference === true)
    .map((s) => ({
      selectedElement: String(s.selected_element ?? 'any_data'),
      kinds: s.selected_element === 'step' ? [] : kindNames(s.kind),
      pointsToBatch: s.selector_points_to_batch,
    }));
}

const cache = new WeakMap<JsonSchema, PropertyReferences>();

export function propertyReferences(schema: JsonSchema): PropertyReferences {
  const cached = cache.get(schema);
  if (cached) return cached;
  const result: PropertyReferences = { direct: directReferences(schema), items: [], values: [] };
  for (const member of unionMembers(schema)) {
    if (member.items && typeof member.items === 'object' && !Array.isArray(member.items)) {
      result.items.push(...directReferences(member.items as JsonSchema));
    }
    if (member.additionalProperties && typeof member.additionalProperties === 'object') {
      result.values.push(...directReferences(member.additionalProperties as JsonSchema));
    }
  }
  cache.set(schema, result);
  return result;
}

export function acceptsSelectors(refs: PropertyReferences): boolean {
  return refs.direct.length + refs.items.length + refs.values.length > 0;
}

export type Reference =
  | { type: 'input'; name: string; selector: string }
  | { type: 'output'; step: string; output: string; selector: string }
  | { type: 'step'; step: string; selector: string };

export type ParamSpec =
  | { kind: 'literal'; value: unknown }
  | { kind: 'ref'; ref: Reference; allowed: AllowedReference[] }
  | { kind: 'list'; items: ParamSpec[] }
  | { kind: 'dict'; entries: Array<[string, ParamSpec]> };

/** Classifies a `$...` string; null when it is not a well-formed selector. */
export function parseSelector(value: string): Reference | null {
  if (value.startsWith('$inputs.')) {
    const name = value.slice('$inputs.'.length);
    return name ? { type: 'input', name, selector: value } : null;
  }
  if (value.startsWith('$steps.')) {
    const chunks = value.split('.');
    if (chunks.length === 2 && chunks[1]) return { type: 'step', step: chunks[1], selector: value };
    if (chunks.length === 3 && chunks[1] && chunks[2])
      return { type: 'output', step: chunks[1], output: chunks[2], selector: value };
  }
  return null;
}

function specFor(value: unknown, allowed: AllowedReference[]): ParamSpec | null {
  if (allowed.length && typeof value === 'string' && value.startsWith('$')) {
    const ref = parseSelector(value);
    if (ref) return { kind: 'ref', ref, allowed };
  }
  return null;
}

/** Splits a property value into literals and references following the property's schema. */
export function parseProperty(value: unknown, refs: PropertyReferences): ParamSpec {
  const direct = specFor(value, refs.direct);
  if (direct) return direct;
  if (Array.isArray(value) && refs.items.length) {
    return { kind: 'list', items: value.map((v) => specFor(v, refs.items) ?? { kind: 'literal', value: v }) };
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && refs.values.length) {
    return {
      kind: 'dict',
      entries: Object.entries(value).map(([k, v]) => [k, specFor(v, refs.values) ?? { kind: 'literal', value: v }]),
    };
  }
  return { kind: 'literal', value };
}

/** Every reference in a parsed property, with whether it sits in a list/dict. */
export function referencesOf(spec: ParamSpec): Array<{ ref: Reference; allowed: AllowedReference[]; key?: string }> {
  if (spec.kind === 'ref') return [{ ref: spec.ref, allowed: spec.allowed }];
  if (spec.kind === 'list') return spec.items.flatMap((s) => referencesOf(s));
  if (spec.kind === 'dict') return spec.entries.flatMap(([key, s]) => referencesOf(s).map((r) => ({ ...r, key })));
  return [];
}
