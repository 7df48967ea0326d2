// Edits of a step's dict-valued property (e.g. continue_if's `evaluation_parameters`) that keep key order,
// and the loose text a value row shows: plain strings as typed, everything else as JSON.
import { uniqueName } from './edit.ts';
import type { Json, JsonObject } from './types.ts';

export function asEntries(value: Json | undefined): JsonObject {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** Rename `from` to `to` in place; an empty or taken name leaves the dict as it was. */
export function renameEntry(dict: JsonObject, from: string, to: string): JsonObject {
  if (from === to || !to || Object.prototype.hasOwnProperty.call(dict, to)) return dict;
  return Object.fromEntries(Object.entries(dict).map(([k, v]) => [k === from ? to : k, v]));
}

export function setEntry(dict: JsonObject, key: string, value: Json): JsonObject {
  return { ...dict, [key]: value };
}

export function removeEntry(dict: JsonObject, key: string): JsonObject {
  return Object.fromEntries(Object.entries(dict).filter(([k]) => k !== key));
}

/** A new entry under a fresh name (`base`, `base_2`…). */
export function addEntry(dict: JsonObject, base: string, value: Json): { dict: JsonObject; key: string } {
  const key = uniqueName(new Set(Object.keys(dict)), base);
  return { dict: { ...dict, [key]: value }, key };
}

export function looseText(value: Json | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Numbers, booleans, null, lists and dicts typed as JSON become those; anything else stays text. */
export function parseLoose(text: string): Json {
  const trimmed = text.trim();
  if (/^(-?\d|true$|false$|null$|\[|\{|")/.test(trimmed)) {
    try {
      return JSON.parse(trimmed) as Json;
    } catch {
      /* plain text */
    }
  }
  return text;
}
