// `/workflows/blocks/describe` pieces: block descriptions, kinds/primitives connections (docs/roboflow-compatibility.md#blocks-and-describe, #http-endpoints).
import type { BlockDefinition, JsonSchema } from './block.ts';
import type { BlockDescription } from './api-types.ts';
import { KINDS, kindObject } from './kinds.ts';
import { blockSchema } from './block-schema.ts';
import { propertyReferences, literalMembers, acceptsSelectors } from './compiler/selectors.ts';

export function describeBlock(block: BlockDefinition<any>): BlockDescription {
  const m = block.manifest;
  const className = m.humanName.replace(/[^A-Za-z0-9]+/g, '') + m.version.toUpperCase() + 'Block';
  return {
    block_schema: blockSchema(m),
    outputs_manifest: m.outputs.map((o) => ({ name: o.name, kind: o.kind.map(kindObject) })),
    block_source: 'workflows_core',
    fully_qualified_block_class_name: `sightline.blocks.${m.blockType}.${className}`,
    human_friendly_block_name: m.humanName,
    manifest_type_identifier: m.type,
    manifest_type_identifier_aliases: m.aliases ?? [],
    execution_engine_compatibility: m.executionEngineCompatibility ?? null,
    restrictions: [],
    input_dimensionality_offsets: m.inputDimensionalityOffsets ?? {},
    dimensionality_reference_property: m.dimensionalityReferenceProperty ?? null,
    output_dimensionality_offset: m.outputDimensionalityOffset ?? 0,
  };
}

export function kindsConnections(blocks: readonly BlockDefinition<any>[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const push = (kind: string, entry: unknown) => (out[kind] ??= []).push(entry);
  for (const block of blocks) {
    for (const [property, schema] of Object.entries(block.manifest.properties)) {
      const refs = propertyReferences(schema);
      const groups: Array<[typeof refs.direct, boolean, boolean]> = [
        [refs.direct, false, false],
        [refs.items, true, false],
        [refs.values, false, true],
      ];
      for (const [list, isList, isDict] of groups) {
        for (const ref of list) {
          if (ref.selectedElement === 'step') continue;
          const entry = {
            manifest_type_identifier: block.manifest.type,
            property_name: property,
            property_description: (schema.description as string | undefined) ?? 'not available',
            compatible_element: ref.selectedElement,
            is_list_element: isList,
            is_dict_element: isDict,
          };
          for (const kind of new Set([...ref.kinds, '*'])) push(kind, entry);
        }
      }
    }
  }
  return out;
}

/** Python-style annotation of a literal JSON Schema (number→float, arrays→List[..], ...). */
export function typeAnnotation(schema: JsonSchema | undefined): string {
  if (!schema || typeof schema !== 'object') return 'Any';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').pop()!;
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(union)) {
    const members = union.filter((s) => s.reference !== true).map(typeAnnotation);
    return unionAnnotation(members);
  }
  if ('const' in schema) return typeof schema.const === 'string' ? 'str' : 'Any';
  if (Array.isArray(schema.enum)) return 'str';
  if (Array.isArray(schema.type))
    return unionAnnotation((schema.type as string[]).map((t) => typeAnnotation({ ...schema, type: t })));
  switch (schema.type) {
    case 'number':
      return 'float';
    case 'integer':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'str';
    case 'null':
      return 'None';
    case 'array': {
      if (Array.isArray(schema.prefixItems))
        return `Tuple[${(schema.prefixItems as JsonSchema[]).map(typeAnnotation).join(', ')}]`;
      const item = schema.items ? typeAnnotation(schema.items as JsonSchema) : 'Any';
      return schema.uniqueItems ? `Set[${item}]` : `List[${item}]`;
    }
    case 'object': {
      const values = schema.additionalProperties;
      return values && typeof values === 'object'
        ? `Dict[str, ${typeAnnotation(values as JsonSchema)}]`
        : 'Dict[Any, Any]';
    }
    default:
      return 'Any';
  }
}

function unionAnnotation(members: string[]): string {
  const unique = [...new Set(members)];
  const hasNone = unique.includes('None');
  const rest = unique.filter((m) => m !== 'None').sort();
  if (rest.length === 0) return hasNone ? 'None' : 'Any';
  const core = rest.length === 1 ? rest[0]! : `Union[${rest.join(', ')}]`;
  return hasNone ? `Optional[${core}]` : core;
}

export function primitivesConnections(blocks: readonly BlockDefinition<any>[]): unknown[] {
  const out: unknown[] = [];
  for (const block of blocks) {
    for (const [property, schema] of Object.entries(block.manifest.properties)) {
      const hasLiteral = literalMembers(schema).length > 0;
      if (acceptsSelectors(propertyReferences(schema)) && !hasLiteral) continue;
      out.push({
        manifest_type_identifier: block.manifest.type,
        property_name: property,
        property_description: (schema.description as string | undefined) ?? 'not available',
        type_annotation: typeAnnotation(schema),
      });
    }
  }
  return out;
}

export function declaredKinds(blocks: readonly BlockDefinition<any>[]) {
  const names = new Set(KINDS.keys());
  for (const b of blocks) for (const o of b.manifest.outputs) for (const k of o.kind) names.add(k);
  return [...names].map(kindObject);
}

export const DYNAMIC_BLOCK_DEFINITION_SCHEMA: JsonSchema = {
  title: 'DynamicBlockDefinition',
  type: 'object',
  properties: {
    type: { const: 'DynamicBlockDefinition', type: 'string' },
    manifest: {
      title: 'ManifestDescription',
      type: 'object',
      properties: {
        type: { const: 'ManifestDescription', type: 'string' },
        block_type: { type: 'string' },
        description: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null },
        inputs: { type: 'object', additionalProperties: { type: 'object' } },
        outputs: { type: 'object', additionalProperties: { type: 'object' }, default: {} },
        output_dimensionality_offset: { type: 'integer', minimum: -1, maximum: 1, default: 0 },
        accepts_batch_input: { type: 'boolean', default: false },
        accepts_empty_values: { type: 'boolean', default: false },
      },
      required: ['type', 'block_type', 'inputs'],
    },
    code: {
      title: 'PythonCode',
      type: 'object',
      properties: {
        type: { const: 'PythonCode', type: 'string' },
        run_function_code: { type: 'string' },
        run_function_name: { type: 'string', default: 'run' },
        init_function_code: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null },
        init_function_name: { type: 'string', default: 'init' },
        imports: { type: 'array', items: { type: 'string' }, default: [] },
      },
      required: ['type', 'run_function_code'],
    },
  },
  required: ['type', 'manifest', 'code'],
};
