// Reads `/workflows/blocks/describe` into what the editor needs per block: family, outputs with kinds, and
// for every property whether it takes literals, selectors (with which kinds) or both (docs/roboflow-compatibility.md#selectors-and-literals, #blocks-and-describe).
import type { BlockDescription, BlocksDescription, SchemaNode } from './types.ts';

export type SelectorContainer = 'scalar' | 'list' | 'dict';

export interface SelectorInfo {
  /** Kind names accepted; ['*'] when anything. */
  kinds: string[];
  /** `step` for flow-control step selectors (`$steps.x`), otherwise what the schema says (`any_data`...). */
  selectedElement: string;
  /** Where selectors sit: the value itself, list items, or dict values. */
  container: SelectorContainer;
}

export interface PropertyInfo {
  name: string;
  title: string;
  description: string;
  required: boolean;
  default: unknown;
  schema: SchemaNode;
  /** Set when the property accepts selectors. */
  selector: SelectorInfo | null;
  /** The literal alternatives (without the selector ones); null when only selectors are accepted. */
  literal: SchemaNode | null;
}

export interface BlockInfo {
  type: string;
  aliases: string[];
  name: string;
  /** `v1`, `v2`…: several versions of one block share a name. */
  version: string;
  family: string;
  shortDescription: string;
  longDescription: string;
  keywords: string[];
  deprecated: boolean;
  outputs: Array<{ name: string; kinds: string[] }>;
  properties: PropertyInfo[];
  /** Accepted alternative property names (block_schema `property_aliases`): alias → canonical property. */
  propertyAliases: Record<string, string>;
  description: BlockDescription;
}

export const FAMILY_LABELS: Record<string, string> = {
  model: 'Models',
  transformation: 'Transformations',
  analytics: 'Analytics',
  visualization: 'Visualizations',
  sink: 'Sinks',
  flow_control: 'Flow control',
  formatter: 'Formatters',
  fusion: 'Fusion',
  classical_computer_vision: 'Classical CV',
  video: 'Video',
  math: 'Math',
  secrets_provider: 'Secrets',
};

export const FAMILY_ORDER = Object.keys(FAMILY_LABELS);

export function resolveRef(schema: SchemaNode, root: SchemaNode): SchemaNode {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let target: unknown = root;
  for (const part of ref.slice(2).split('/')) target = (target as SchemaNode | undefined)?.[part];
  return target && typeof target === 'object' ? { ...(target as SchemaNode), ...withoutRef(schema) } : schema;
}

function withoutRef(schema: SchemaNode): SchemaNode {
  const { $ref: _ignored, ...rest } = schema;
  return rest;
}

function alternatives(schema: SchemaNode): SchemaNode[] {
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const list = schema[key];
    if (Array.isArray(list)) return list as SchemaNode[];
  }
  return [schema];
}

function kindNames(schema: SchemaNode): string[] {
  const kinds = schema.kind;
  if (!Array.isArray(kinds) || kinds.length === 0) return ['*'];
  return kinds.map((k) => (typeof k === 'string' ? k : String((k as { name?: unknown }).name ?? '*')));
}

/** Selector schemas directly in a property or one level inside items / additionalProperties (docs/roboflow-compatibility.md#selectors-and-literals). */
export function selectorInfo(schema: SchemaNode, root: SchemaNode = schema): SelectorInfo | null {
  const kinds = new Set<string>();
  let selectedElement: string | null = null;
  let container: SelectorContainer = 'scalar';
  const visit = (node: SchemaNode, where: SelectorContainer, depth: number) => {
    const resolved = resolveRef(node, root);
    for (const alt of alternatives(resolved)) {
      const a = resolveRef(alt, root);
      if (a.reference === true) {
        kindNames(a).forEach((k) => kinds.add(k));
        selectedElement ??= typeof a.selected_element === 'string' ? a.selected_element : 'any_data';
        if (container === 'scalar') container = where;
      } else if (depth === 0) {
        if (a.items && typeof a.items === 'object') visit(a.items as SchemaNode, 'list', 1);
        if (a.additionalProperties && typeof a.additionalProperties === 'object')
          visit(a.additionalProperties as SchemaNode, 'dict', 1);
      }
    }
  };
  visit(schema, 'scalar', 0);
  if (selectedElement === null) return null;
  return { kinds: [...kinds], selectedElement, container };
}

/** The property schema minus its selector alternatives; null when nothing literal remains. */
export function literalSchema(schema: SchemaNode, root: SchemaNode = schema): SchemaNode | null {
  const resolved = resolveRef(schema, root);
  if (resolved.reference === true) return null;
  const key = ['anyOf', 'oneOf'].find((k) => Array.isArray(resolved[k]));
  if (!key) return resolved;
  const rest = (resolved[key] as SchemaNode[]).map((s) => resolveRef(s, root)).filter((s) => s.reference !== true);
  if (rest.length === 0) return null;
  if (rest.length === 1) return { ...rest[0], title: resolved.title, description: resolved.description };
  return { ...resolved, [key]: rest };
}

export function describeProperties(schema: SchemaNode): PropertyInfo[] {
  const props = (schema.properties ?? {}) as Record<string, SchemaNode>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(props)
    .filter(([name]) => name !== 'type' && name !== 'name')
    .map(([name, raw]) => {
      const prop = resolveRef(raw, schema);
      return {
        name,
        title: typeof prop.title === 'string' ? prop.title : name,
        description: typeof prop.description === 'string' ? prop.description : '',
        required: required.has(name),
        default: prop.default,
        schema: prop,
        selector: selectorInfo(prop, schema),
        literal: literalSchema(prop, schema),
      };
    });
}

function typeIdentifiers(desc: BlockDescription): string[] {
  const typeProp = ((desc.block_schema.properties ?? {}) as Record<string, SchemaNode>).type ?? {};
  const fromSchema = Array.isArray(typeProp.enum)
    ? (typeProp.enum as string[])
    : typeof typeProp.const === 'string'
      ? [typeProp.const]
      : [];
  return [desc.manifest_type_identifier, ...(desc.manifest_type_identifier_aliases ?? []), ...fromSchema];
}

export class BlockCatalog {
  readonly blocks: BlockInfo[];
  private readonly byType = new Map<string, BlockInfo>();
  private lines: BlockLine[] | null = null;

  constructor(description: BlocksDescription | null) {
    this.blocks = (description?.blocks ?? []).map((desc) => {
      const s = desc.block_schema;
      const info: BlockInfo = {
        type: desc.manifest_type_identifier,
        aliases: desc.manifest_type_identifier_aliases ?? [],
        name: desc.human_friendly_block_name || String(s.name ?? desc.manifest_type_identifier),
        version:
          typeof s.version === 'string' ? s.version : (/@(v\d+)$/.exec(desc.manifest_type_identifier)?.[1] ?? ''),
        family: typeof s.block_type === 'string' ? s.block_type : 'other',
        shortDescription: typeof s.short_description === 'string' ? s.short_description : '',
        longDescription: typeof s.long_description === 'string' ? s.long_description : '',
        keywords: Array.isArray(s.search_keywords) ? (s.search_keywords as string[]) : [],
        deprecated: s.deprecated === true,
        outputs: desc.outputs_manifest.map((o) => ({ name: o.name, kinds: o.kind.map((k) => k.name) })),
        properties: describeProperties(s),
        propertyAliases: propertyAliasesOf(s),
        description: desc,
      };
      for (const id of typeIdentifiers(desc)) if (!this.byType.has(id)) this.byType.set(id, info);
      return info;
    });
  }

  get(type: string): BlockInfo | undefined {
    return this.byType.get(type);
  }

  /** Blocks matching a free-text query (name, type, descriptions, keywords), grouped by family in display order. */
  search(query: string): Array<{ family: string; label: string; blocks: BlockInfo[] }> {
    return this.searchLines(query).map((g) => ({ ...g, blocks: g.lines.flatMap((l) => l.versions) }));
  }

  /**
   * One line per block (all its versions together, newest first), kept when any version matches the query;
   * grouped by family in display order.
   */
  searchLines(query: string): Array<{ family: string; label: string; lines: BlockLine[] }> {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const matches = (b: BlockInfo) => {
      const text = [b.name, b.type, b.shortDescription, b.longDescription, ...b.keywords].join(' ').toLowerCase();
      return words.every((w) => text.includes(w));
    };
    const lines = this.blockLines().filter((l) => l.versions.some(matches));
    const families = [...new Set(lines.map((l) => l.family))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    return families.map((family) => ({
      family,
      label: FAMILY_LABELS[family] ?? family.replace(/_/g, ' '),
      lines: lines.filter((l) => l.family === family),
    }));
  }

  /** Every block once, its versions newest first; deprecated lines after the others, then by name. */
  blockLines(): BlockLine[] {
    if (this.lines) return this.lines;
    const byKey = new Map<string, BlockInfo[]>();
    for (const b of this.blocks) {
      const key = lineKey(b.type);
      byKey.set(key, [...(byKey.get(key) ?? []), b]);
    }
    this.lines = [...byKey].map(([key, versions]) => {
      versions.sort((a, b) => b.version.localeCompare(a.version, undefined, { numeric: true }));
      const latest = versions.find((v) => !v.deprecated) ?? versions[0];
      return {
        key,
        name: latest.name,
        family: latest.family,
        latest,
        versions,
        deprecated: versions.every((v) => v.deprecated),
      };
    });
    this.lines.sort((a, b) => Number(a.deprecated) - Number(b.deprecated) || a.name.localeCompare(b.name));
    return this.lines;
  }
}

/** All versions of one block: the type identifier without its `@vN`. */
export interface BlockLine {
  key: string;
  name: string;
  family: string;
  /** The newest version that is not deprecated (the newest one when all are). */
  latest: BlockInfo;
  /** Newest first. */
  versions: BlockInfo[];
  deprecated: boolean;
}

export function lineKey(type: string): string {
  return type.replace(/@v\d+$/, '');
}

function rank(family: string): number {
  const i = FAMILY_ORDER.indexOf(family);
  return i === -1 ? FAMILY_ORDER.length : i;
}

function propertyAliasesOf(schema: Record<string, unknown>): Record<string, string> {
  const raw = schema.property_aliases;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The schema property a step key stands for: itself when declared, else what block_schema's aliases map it to. */
export function canonicalProperty(block: BlockInfo | undefined, key: string): string {
  if (!block || block.properties.some((p) => p.name === key)) return key;
  const target = Object.prototype.hasOwnProperty.call(block.propertyAliases, key)
    ? block.propertyAliases[key]
    : undefined;
  return target && block.properties.some((p) => p.name === target) ? target : key;
}

/** The key a step actually uses for a schema property (the alias when the step was written with one). */
export function stepKeyFor(step: Record<string, unknown>, block: BlockInfo | undefined, property: string): string {
  if (property in step || !block) return property;
  return (
    Object.keys(step).find((k) => k !== 'type' && k !== 'name' && canonicalProperty(block, k) === property) ?? property
  );
}
