// The editor's UQL model: exact round trips of every UQL snippet in the conformance definitions, building
// statements from scratch, edits that drop stale fields, and the field table / property roles checked against
// the real blocks' describe output.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CONFORMANCE_DIR, needsShared } from '../helpers/shared.ts';
import { BlockRegistry } from '../../engine/index.ts';
import { coreBlocks } from '../../blocks/index.ts';
import { operationsDescription, operatorsDescriptions } from '../../blocks/common/uql/describe.ts';
import { BlockCatalog } from '../../editor/model/catalog.ts';
import type { BlocksDescription, Json, JsonObject } from '../../editor/model/types.ts';
import {
  buildCases,
  buildOperations,
  buildStatement,
  dynamicOperand,
  emptyGroup,
  moveBy,
  newBinary,
  newOperation,
  newUnary,
  parseCases,
  parseGroup,
  parseOperations,
  parseStatement,
  staticOperand,
  tryParse,
  UqlShapeError,
  type BinaryNode,
} from '../../editor/model/uql.ts';
import { initialFields, OPERATION_FIELDS, UqlLanguage, uqlPropertyRole } from '../../editor/model/uql-language.ts';

const registry = new BlockRegistry(coreBlocks, {
  uqlDescription: { operations_description: operationsDescription, operators_descriptions: operatorsDescriptions },
});
const described = registry.describeBlocks() as unknown as BlocksDescription & {
  universal_query_language_description: { operations_description: unknown[]; operators_descriptions: unknown[] };
};
const catalog = new BlockCatalog(described);
const language = new UqlLanguage(described.universal_query_language_description);

/** Every UQL value in a definition, with what it is: found by the same property roles the editor uses. */
function uqlSnippets(definition: { steps: JsonObject[] }): Array<{ where: string; shape: string; value: Json }> {
  const out: Array<{ where: string; shape: string; value: Json }> = [];
  for (const step of definition.steps) {
    const block = catalog.get(String(step.type));
    for (const prop of block?.properties ?? []) {
      const role = uqlPropertyRole(
        prop.name,
        prop.literal,
        block!.properties.map((p) => p.name),
      );
      if (role && step[prop.name] !== undefined)
        out.push({ where: `${step.name}.${prop.name}`, shape: role.shape, value: step[prop.name]! });
    }
  }
  return out;
}

function roundTrip(shape: string, value: Json): Json {
  if (shape === 'statement') return buildStatement(parseGroup(value));
  if (shape === 'cases') return buildCases(parseCases(value));
  if (shape === 'operations') return buildOperations(parseOperations(value));
  return Object.fromEntries(
    Object.entries(value as JsonObject).map(([k, v]) => [k, buildOperations(parseOperations(v))]),
  );
}

describe('round trips', () => {
  test(
    'every UQL snippet of the conformance definitions builds back to the same JSON, key order included',
    { skip: needsShared },
    () => {
      const files = fs.readdirSync(path.join(CONFORMANCE_DIR, 'defs')).filter((f) => f.endsWith('.json'));
      const shapes = new Set<string>();
      let count = 0;
      for (const file of files) {
        const definition = JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, 'defs', file), 'utf8'));
        for (const snippet of uqlSnippets(definition)) {
          const built = roundTrip(snippet.shape, snippet.value);
          assert.equal(JSON.stringify(built), JSON.stringify(snippet.value), `${file}: ${snippet.where}`);
          shapes.add(snippet.shape);
          count++;
        }
      }
      // The defs hold continue_if conditions, expression switches, operation chains and data_operations dicts.
      assert.ok(count >= 15, `found ${count} snippets`);
      assert.deepEqual([...shapes].sort(), ['cases', 'operations', 'operations-dict', 'statement']);
    },
  );

  test('optional fields stay absent, unknown fields and nested chains survive', () => {
    const source: Json = {
      type: 'StatementGroup',
      statements: [
        { type: 'UnaryStatement', operand: { type: 'DynamicOperand' }, operator: { type: 'Exists' }, note: 'kept' },
        {
          type: 'BinaryStatement',
          left_operand: {
            type: 'DynamicOperand',
            operand_name: 'preds',
            operations: [
              {
                type: 'DetectionsFilter',
                filter_operation: { type: 'StatementGroup', operator: 'and', statements: [] },
              },
              { type: 'SequenceApply', operations: [{ type: 'ToString' }] },
            ],
          },
          comparator: { type: '(Number) in range', extra: 1 },
          right_operand: { type: 'StaticOperand', value: [1, 2] },
          negate: true,
        },
      ],
    };
    assert.equal(JSON.stringify(buildStatement(parseStatement(source))), JSON.stringify(source));
  });

  test('shape errors name the path', () => {
    const bad = tryParse(parseGroup, {
      type: 'StatementGroup',
      statements: [{ type: 'BinaryStatement', left_operand: { type: 'Nope' } }],
    });
    assert.equal(bad.ok, false);
    assert.match(
      (bad as { error: string }).error,
      /^statements\[0\]\.left_operand: type must be StaticOperand or DynamicOperand/,
    );
    assert.throws(
      () => parseOperations([{ value: 1 }]),
      (e: unknown) => e instanceof UqlShapeError && e.path === '[0]',
    );
    assert.throws(
      () => parseGroup({ type: 'StatementGroup', operator: 'xor', statements: [] }),
      /operator: must be "and" or "or"/,
    );
  });
});

describe('building and editing', () => {
  test('"count of detections > 2" built from scratch', () => {
    const group = emptyGroup('and');
    group.statements.push(
      newBinary(dynamicOperand('predictions', [newOperation('SequenceLength')]), '(Number) >', staticOperand(2)),
    );
    assert.deepEqual(buildStatement(group), {
      type: 'StatementGroup',
      operator: 'and',
      statements: [
        {
          type: 'BinaryStatement',
          left_operand: {
            type: 'DynamicOperand',
            operand_name: 'predictions',
            operations: [{ type: 'SequenceLength' }],
          },
          comparator: { type: '(Number) >' },
          right_operand: { type: 'StaticOperand', value: 2 },
        },
      ],
    });
  });

  test("switching an operand or statement kind drops the old kind's fields; negate back to false disappears", () => {
    const parsed = parseStatement({
      type: 'BinaryStatement',
      left_operand: { type: 'StaticOperand', value: 3 },
      comparator: { type: '==' },
      right_operand: { type: 'DynamicOperand', operand_name: 'x', operations: [{ type: 'ToNumber', cast_to: 'int' }] },
    }) as BinaryNode;
    const edited: BinaryNode = {
      ...parsed,
      left: { ...parsed.left, kind: 'dynamic', name: 'y' },
      right: { ...parsed.right, kind: 'static', value: 'a', operations: [] },
    };
    assert.deepEqual(buildStatement(edited), {
      type: 'BinaryStatement',
      left_operand: { type: 'DynamicOperand', operand_name: 'y' },
      comparator: { type: '==' },
      right_operand: { type: 'StaticOperand', value: 'a' },
    });
    const unary = newUnary(dynamicOperand('_'), '(Boolean) is True');
    assert.deepEqual(buildStatement({ ...unary, negate: true }).negate, true);
    assert.equal('negate' in buildStatement({ ...unary, negate: false }), false);
    assert.equal(
      'operand_name' in (buildStatement(unary).operand as JsonObject),
      false,
      'default operand name is left out',
    );
    // Group turned into a single statement: no `statements` left over.
    const asUnary = buildStatement({ ...unary, raw: { type: 'StatementGroup', statements: [] } });
    assert.equal('statements' in asUnary, false);
  });

  test('operations reorder and fields replace', () => {
    const chain = parseOperations([{ type: 'A' }, { type: 'B' }, { type: 'C' }]);
    assert.deepEqual(
      moveBy(chain, 2, -1).map((o) => o.type),
      ['A', 'C', 'B'],
    );
    assert.deepEqual(
      moveBy(chain, 0, -1).map((o) => o.type),
      ['A', 'B', 'C'],
    );
    const op = parseOperations([{ type: 'SequenceAggregate', mode: 'first', keep: 1 }])[0]!;
    assert.deepEqual(buildOperations([{ ...op, fields: { mode: 'last' } }]), [
      { type: 'SequenceAggregate', mode: 'last' },
    ]);
  });
});

describe('against the real describe output', () => {
  test('every described operation has a field table, and fresh operations run as written', () => {
    assert.ok(language.operations.length >= 30);
    for (const op of language.operations) assert.ok(OPERATION_FIELDS[op.type], `fields for ${op.type}`);
    assert.deepEqual(initialFields('DetectionsPropertyExtract', language), {
      property_name: language.operation('DetectionsPropertyExtract')!.propertyOptions![0]!,
    });
    assert.deepEqual(initialFields('SequenceAggregate', language), { mode: 'first' });
  });

  test('operators split into binary comparators and unary operators', () => {
    assert.ok(language.binary.some((o) => o.type === '(Number) >'));
    assert.ok(language.unary.some((o) => o.type === 'Exists'));
    assert.ok(!language.binary.some((o) => o.type === 'Exists'));
  });

  test('property roles: which properties get the builder and where operand names come from', () => {
    const role = (type: string, prop: string) => {
      const block = catalog.get(type)!;
      const p = block.properties.find((x) => x.name === prop)!;
      return uqlPropertyRole(
        p.name,
        p.literal,
        block.properties.map((x) => x.name),
      );
    };
    assert.deepEqual(role('roboflow_core/continue_if@v1', 'condition_statement'), {
      shape: 'statement',
      namesFrom: 'evaluation_parameters',
    });
    assert.deepEqual(role('roboflow_core/expression@v1', 'switch'), { shape: 'cases', namesFrom: 'data' });
    assert.deepEqual(role('roboflow_core/expression@v1', 'data_operations'), {
      shape: 'operations-dict',
      namesFrom: 'data',
    });
    assert.deepEqual(role('roboflow_core/detections_filter@v1', 'operations'), {
      shape: 'operations',
      namesFrom: 'operations_parameters',
    });
    assert.deepEqual(role('roboflow_core/property_definition@v1', 'operations'), {
      shape: 'operations',
      namesFrom: null,
    });
    assert.equal(role('roboflow_core/continue_if@v1', 'stop_delay'), null);
  });
});
