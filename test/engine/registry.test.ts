// Block registry: definition schema, block descriptions, connections, dynamic outputs, version filtering.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockRegistry, defineBlock, literal, selector, WorkflowError } from '../../engine/index.ts';
import { fixtureBlocks } from './fixture-blocks.ts';

const dynamic = defineBlock<{ fields: string[] }>({
  manifest: {
    type: 'test/dynamic@v1',
    humanName: 'Dynamic',
    version: 'v1',
    blockType: 'formatter',
    shortDescription: 'outputs named by config',
    properties: { fields: literal({ type: 'array', items: { type: 'string' } }), source: selector(['string']) },
    required: ['fields'],
    outputs: [{ name: '*', kind: ['*'] }],
    actualOutputs: (step) => (step.fields as string[]).map((name) => ({ name, kind: ['string'] })),
    executionEngineCompatibility: '>=1.3.0,<2.0.0',
  },
  run: ({ fields }) => Object.fromEntries(fields.map((f) => [f, f])),
});

const registry = new BlockRegistry([...fixtureBlocks, dynamic]);

describe('BlockRegistry', () => {
  test('definition schema: inputs, steps discriminated by type with aliases, JsonField outputs', () => {
    const schema = registry.definitionSchema() as any;
    assert.deepEqual(schema.required, ['version', 'inputs', 'steps', 'outputs']);
    const defs = schema.$defs;
    assert.ok(defs.WorkflowImage && defs.WorkflowParameter && defs.WorkflowBatchInput && defs.WorkflowVideoMetadata);
    assert.equal(defs.WorkflowParameter.properties.default_value.default, null);
    assert.equal(defs.JsonField.properties.coordinates_system.default, 'parent');
    const mapping = schema.properties.steps.items.discriminator.mapping;
    assert.equal(mapping.ImageSize, mapping['test/image_size@v1']);
    const imageSize = defs[mapping.ImageSize.split('/').pop()];
    assert.deepEqual(imageSize.properties.type, {
      enum: ['test/image_size@v1', 'ImageSize'],
      title: 'Type',
      type: 'string',
    });
    assert.equal(imageSize.title, 'BlockManifest');
    assert.deepEqual(imageSize.required, ['type', 'name', 'images']);
    assert.equal(imageSize.block_type, 'transformation');
  });

  test('block_schema lists accepted property aliases next to canonical properties', () => {
    const described = registry.describeBlocks().blocks;
    const imageSize = described.find((b) => b.manifest_type_identifier === 'test/image_size@v1')!.block_schema as any;
    assert.deepEqual(imageSize.property_aliases, { image: 'images' });
    assert.ok(imageSize.properties.images, 'the canonical name stays the declared property');
    assert.equal(imageSize.properties.image, undefined);
    const dynamicSchema = described.find((b) => b.manifest_type_identifier === 'test/dynamic@v1')!.block_schema as any;
    assert.equal('property_aliases' in dynamicSchema, false, 'blocks without aliases carry no property_aliases');
  });

  test('describeBlocks: descriptions, kinds and primitives connections, version filter', () => {
    const all = registry.describeBlocks();
    const crop = all.blocks.find((b) => b.manifest_type_identifier === 'test/crop@v1')!;
    assert.equal(crop.output_dimensionality_offset, 1);
    assert.deepEqual(
      crop.outputs_manifest[0]!.kind.map((k) => k.name),
      ['image'],
    );
    assert.deepEqual(
      all.blocks.find((b) => b.manifest_type_identifier === 'test/image_size@v1')!.manifest_type_identifier_aliases,
      ['ImageSize'],
    );
    const odp = all.kinds_connections.object_detection_prediction as any[];
    assert.ok(
      odp.some(
        (c) =>
          c.manifest_type_identifier === 'test/crop@v1' &&
          c.property_name === 'predictions' &&
          c.is_list_element === false,
      ),
    );
    assert.ok((all.kinds_connections['*'] as any[]).some((c) => c.property_name === 'predictions'));
    const count = all.primitives_connections.find(
      (p: any) => p.manifest_type_identifier === 'test/fake_detector@v1' && p.property_name === 'count',
    ) as any;
    assert.equal(count.type_annotation, 'int');
    const fields = all.primitives_connections.find((p: any) => p.property_name === 'fields') as any;
    assert.equal(fields.type_annotation, 'List[str]');
    assert.ok(all.declared_kinds.some((k) => k.name === 'image'));
    const old = registry.describeBlocks({ executionEngineVersion: '1.2.0' });
    assert.ok(!old.blocks.some((b) => b.manifest_type_identifier === 'test/dynamic@v1'));
    assert.ok(
      registry
        .describeBlocks({ executionEngineVersion: '1.5.0' })
        .blocks.some((b) => b.manifest_type_identifier === 'test/dynamic@v1'),
    );
    assert.throws(
      () => registry.describeBlocks({ executionEngineVersion: 'not-a-version' }),
      (e: WorkflowError) => e.name === 'WorkflowExecutionEngineVersionError',
    );
  });

  test('dynamicOutputs returns the actual outputs of a concrete step, syntax errors otherwise', () => {
    assert.deepEqual(registry.dynamicOutputs({ type: 'test/dynamic@v1', name: 'd', fields: ['a', 'b'] }), [
      { name: 'a', kind: ['string'] },
      { name: 'b', kind: ['string'] },
    ]);
    assert.throws(
      () => registry.dynamicOutputs({ type: 'test/dynamic@v1', name: 'd' }),
      (e: WorkflowError) => e.name === 'WorkflowSyntaxError' && e.blocksErrors[0]!.property_name === 'fields',
    );
    assert.throws(
      () => registry.dynamicOutputs({ type: 'nope', name: 'd' }),
      (e: WorkflowError) => e.name === 'WorkflowSyntaxError',
    );
  });
});
