// Selector bookkeeping: parsing `$inputs.x` / `$steps.s.o` / `$steps.s`, finding every selector a step holds
// (directly, in list items or dict values: docs/roboflow-compatibility.md#selectors-and-literals) and rewriting them when names change.
import type { BlockCatalog } from './catalog.ts';
import type { Json, JsonObject, StepDef } from './types.ts';

export type ParsedSelector =
  { ref: 'input'; name: string } | { ref: 'step-output'; name: string; output: string } | { ref: 'step'; name: string };

export function parseSelector(value: unknown): ParsedSelector | null {
  if (typeof value !== 'string' || !value.startsWith('$')) return null;
  const parts = value.split('.');
  if (parts[0] === '$inputs' && parts.length === 2 && parts[1]) return { ref: 'input', name: parts[1] };
  if (parts[0] === '$steps' && parts.length === 3 && parts[1] && parts[2])
    return { ref: 'step-output', name: parts[1], output: parts[2] };
  if (parts[0] === '$steps' && parts.length === 2 && parts[1]) return { ref: 'step', name: parts[1] };
  return null;
}

export const inputSelector = (name: string) => `$inputs.${name}`;
export const stepOutputSelector = (step: string, output: string) => `$steps.${step}.${output}`;
export const stepSelector = (step: string) => `$steps.${step}`;

export interface FoundSelector {
  property: string;
  /** Where inside the property: null for the value itself, a list index or a dict key. */
  key: number | string | null;
  selector: string;
  parsed: ParsedSelector;
}

/** Properties of a step that may hold selectors: per the block schema when known, otherwise all of them. */
function referenceProperties(step: StepDef, catalog: BlockCatalog | null): string[] {
  const block = catalog?.get(step.type);
  const all = Object.keys(step).filter((k) => k !== 'type' && k !== 'name');
  if (!block) return all;
  const declared = new Set(block.properties.filter((p) => p.selector).map((p) => p.name));
  const schemaProps = (block.description.block_schema.properties ?? {}) as Record<string, unknown>;
  // Keys the schema does not declare (aliases such as `image` for `images`) are scanned too.
  return all.filter((k) => declared.has(k) || !(k in schemaProps));
}

export function findSelectors(step: StepDef, catalog: BlockCatalog | null = null): FoundSelector[] {
  const found: FoundSelector[] = [];
  const take = (property: string, key: number | string | null, value: Json) => {
    const parsed = parseSelector(value);
    if (parsed) found.push({ property, key, selector: value as string, parsed });
  };
  for (const property of referenceProperties(step, catalog)) {
    const value = step[property];
    if (Array.isArray(value)) value.forEach((v, i) => take(property, i, v));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) take(property, k, v);
    else take(property, null, value);
  }
  return found;
}

/** Rewrite every selector a step holds (value, list items, dict values) through `map`; returns a new step. */
export function mapStepSelectors(step: StepDef, map: (selector: string) => string | null): StepDef {
  const out: JsonObject = {};
  const one = (v: Json): Json | undefined => (parseSelector(v) ? (map(v as string) ?? undefined) : v);
  for (const [key, value] of Object.entries(step)) {
    if (key === 'type' || key === 'name') {
      out[key] = value;
    } else if (Array.isArray(value)) {
      out[key] = value.map(one).filter((v): v is Json => v !== undefined);
    } else if (value && typeof value === 'object') {
      const dict: JsonObject = {};
      for (const [k, v] of Object.entries(value)) {
        const mapped = one(v);
        if (mapped !== undefined) dict[k] = mapped;
      }
      out[key] = dict;
    } else {
      const mapped = one(value);
      if (mapped !== undefined) out[key] = mapped;
    }
  }
  return out as StepDef;
}

/** A selector with its step or input name replaced (`$steps.old.x` → `$steps.new.x`); others unchanged. */
export function renameInSelector(selector: string, ref: 'input' | 'step', from: string, to: string): string {
  const parsed = parseSelector(selector);
  if (!parsed || parsed.name !== from) return selector;
  if (ref === 'input' && parsed.ref === 'input') return inputSelector(to);
  if (ref === 'step' && parsed.ref === 'step-output') return stepOutputSelector(to, parsed.output);
  if (ref === 'step' && parsed.ref === 'step') return stepSelector(to);
  return selector;
}
