// Roboflow-shaped JSON Schemas built from block manifests: one per block (block_schema) and the schema of a
// whole workflow definition (docs/roboflow-compatibility.md#blocks-and-describe, #http-endpoints).
import { DEFAULT_BLOCK_LICENSE, type BlockManifest, type JsonSchema } from './block.ts';
import { kindObject } from './kinds.ts';

export function blockTypeSchema(manifest: BlockManifest): JsonSchema {
  const ids = [manifest.type, ...(manifest.aliases ?? [])];
  return ids.length === 1
    ? { const: ids[0], title: 'Type', type: 'string' }
    : { enum: ids, title: 'Type', type: 'string' };
}

/** The block_schema of one block (pydantic-like JSON Schema of its manifest). */
export function blockSchema(manifest: BlockManifest): JsonSchema {
  const schema: JsonSchema = {
    name: manifest.humanName,
    version: manifest.version,
    short_description: manifest.shortDescription,
    long_description: manifest.longDescription ?? manifest.shortDescription,
    license: manifest.license ?? DEFAULT_BLOCK_LICENSE,
    block_type: manifest.blockType,
  };
  if (manifest.searchKeywords) schema.search_keywords = manifest.searchKeywords;
  if (manifest.deprecated) schema.deprecated = true;
  if (manifest.ui) schema.ui_manifest = manifest.ui;
  // pydantic lists only the canonical name of an aliased field; UIs need the accepted alternatives to map steps
  // written with them (`image` for `images`): alternative name → canonical property.
  if (manifest.propertyAliases && Object.keys(manifest.propertyAliases).length)
    schema.property_aliases = { ...manifest.propertyAliases };
  schema.title = 'BlockManifest';
  schema.type = 'object';
  schema.properties = {
    type: blockTypeSchema(manifest),
    name: { title: 'Step Name', description: 'Enter a unique identifier for this step.', type: 'string' },
    ...manifest.properties,
  };
  schema.required = ['type', 'name', ...(manifest.required ?? [])];
  return schema;
}

const kindListSchema: JsonSchema = {
  type: 'array',
  items: {
    anyOf: [{ type: 'string' }, { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }],
  },
};

export const INPUT_SCHEMAS: Record<string, JsonSchema> = {
  WorkflowImage: {
    title: 'WorkflowImage',
    type: 'object',
    properties: {
      type: { enum: ['WorkflowImage', 'InferenceImage'], type: 'string' },
      name: { type: 'string' },
      kind: { ...kindListSchema, default: [kindObject('image')] },
      dimensionality: { type: 'integer', default: 1, minimum: 1, maximum: 1 },
    },
    required: ['type', 'name'],
  },
  WorkflowVideoMetadata: {
    title: 'WorkflowVideoMetadata',
    type: 'object',
    properties: {
      type: { const: 'WorkflowVideoMetadata', type: 'string' },
      name: { type: 'string' },
      kind: { ...kindListSchema, default: [kindObject('video_metadata')] },
      dimensionality: { type: 'integer', default: 1, minimum: 1, maximum: 1 },
    },
    required: ['type', 'name'],
  },
  WorkflowParameter: {
    title: 'WorkflowParameter',
    type: 'object',
    properties: {
      type: { enum: ['WorkflowParameter', 'InferenceParameter'], type: 'string' },
      name: { type: 'string' },
      kind: { ...kindListSchema, default: [kindObject('*')] },
      default_value: {
        anyOf: [
          { type: 'number' },
          { type: 'integer' },
          { type: 'string' },
          { type: 'boolean' },
          { type: 'array' },
          { type: 'object' },
          { type: 'null' },
        ],
        default: null,
      },
      dimensionality: { type: 'integer', default: 0, minimum: 0, maximum: 0 },
    },
    required: ['type', 'name'],
  },
  WorkflowBatchInput: {
    title: 'WorkflowBatchInput',
    type: 'object',
    properties: {
      type: { const: 'WorkflowBatchInput', type: 'string' },
      name: { type: 'string' },
      kind: { ...kindListSchema, default: [kindObject('*')] },
      dimensionality: { type: 'integer', default: 1 },
    },
    required: ['type', 'name'],
  },
};

export const INPUT_TYPE_ALIASES: Record<string, string> = {
  WorkflowImage: 'WorkflowImage',
  InferenceImage: 'WorkflowImage',
  WorkflowVideoMetadata: 'WorkflowVideoMetadata',
  WorkflowParameter: 'WorkflowParameter',
  InferenceParameter: 'WorkflowParameter',
  WorkflowBatchInput: 'WorkflowBatchInput',
};

export const JSON_FIELD_SCHEMA: JsonSchema = {
  title: 'JsonField',
  type: 'object',
  properties: {
    type: { const: 'JsonField', type: 'string' },
    name: { type: 'string' },
    selector: { type: 'string' },
    coordinates_system: { enum: ['own', 'parent'], default: 'parent', type: 'string' },
  },
  required: ['type', 'name', 'selector'],
};

/** JSON Schema of a whole workflow definition (WorkflowSpecificationV1). */
export function definitionSchema(manifests: readonly BlockManifest[]): JsonSchema {
  const defs: Record<string, JsonSchema> = { ...INPUT_SCHEMAS, JsonField: JSON_FIELD_SCHEMA };
  const mapping: Record<string, string> = {};
  const stepRefs: JsonSchema[] = [];
  for (const manifest of manifests) {
    const defName = manifest.type.replace(/[^A-Za-z0-9_]/g, '_');
    defs[defName] = blockSchema(manifest);
    stepRefs.push({ $ref: `#/$defs/${defName}` });
    for (const id of [manifest.type, ...(manifest.aliases ?? [])]) mapping[id] = `#/$defs/${defName}`;
  }
  return {
    $defs: defs,
    title: 'WorkflowSpecificationV1',
    type: 'object',
    properties: {
      version: { title: 'Version', type: 'string' },
      inputs: {
        title: 'Inputs',
        type: 'array',
        items: {
          oneOf: Object.keys(INPUT_SCHEMAS).map((k) => ({ $ref: `#/$defs/${k}` })),
          discriminator: {
            propertyName: 'type',
            mapping: Object.fromEntries(
              Object.entries(INPUT_TYPE_ALIASES).map(([alias, k]) => [alias, `#/$defs/${k}`]),
            ),
          },
        },
      },
      steps: {
        title: 'Steps',
        type: 'array',
        items: { oneOf: stepRefs, discriminator: { propertyName: 'type', mapping } },
      },
      outputs: { title: 'Outputs', type: 'array', items: { $ref: '#/$defs/JsonField' } },
    },
    required: ['version', 'inputs', 'steps', 'outputs'],
  };
}
