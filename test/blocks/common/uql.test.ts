import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import {
  Detections,
  InvalidInputTypeError,
  OperationTypeNotRecognisedError,
  UndeclaredSymbolError,
  WorkflowImage,
} from '../../../engine/index.ts';
import {
  evaluateStatement,
  executeOperations,
  operationsDescription,
  operatorsDescriptions,
  type Statement,
} from '../../../blocks/common/uql/index.ts';

function detections(): Detections {
  // a: small confident box on the left; b: large box on the right; c: medium box in the middle.
  return new Detections(
    new Float32Array([0, 0, 10, 10, 100, 50, 140, 100, 40, 40, 60, 70]),
    new Float32Array([0.9, 0.4, 0.7]),
    new Int32Array([0, 1, 2]),
    { class_name: ['apple', 'banana', 'orange'], detection_id: ['a', 'b', 'c'] },
  );
}

const ctx = (parameters: Record<string, unknown> = {}) => ({ parameters, executionContext: 'test' });
const run = (value: unknown, operations: Array<Record<string, unknown>>, parameters: Record<string, unknown> = {}) =>
  executeOperations(value, operations as never, ctx(parameters));

const binary = (left: unknown, comparator: string, right: unknown, negate = false): Statement => ({
  type: 'StatementGroup',
  statements: [
    {
      type: 'BinaryStatement',
      left_operand: { type: 'StaticOperand', value: left },
      comparator: { type: comparator },
      right_operand: { type: 'StaticOperand', value: right },
      negate,
    },
  ],
});

describe('UQL operations', () => {
  test('string, number and lookup operations chain', async () => {
    assert.equal(
      await run('Hello', [{ type: 'StringToUpperCase' }, { type: 'StringSubSequence', start: 1, end: 3 }]),
      'EL',
    );
    assert.equal(
      await run('Hello', [{ type: 'StringSubSequence' }]),
      'Hell',
      'default end=-1 drops the last character, like Python',
    );
    assert.equal(
      await run('12', [
        { type: 'ToNumber', cast_to: 'int' },
        { type: 'Multiply', other: 3 },
        { type: 'Divide', other: 4 },
      ]),
      9,
    );
    assert.equal(await run(2.34567, [{ type: 'NumberRound', decimal_digits: 2 }]), 2.35);
    assert.equal(await run('dog', [{ type: 'LookupTable', lookup_table: { dog: 'animal' } }]), 'animal');
    assert.deepEqual(await run(['a', 'b'], [{ type: 'SequenceMap', lookup_table: { a: 1, b: 2 } }]), [1, 2]);
    assert.equal(await run(true, [{ type: 'ToString' }]), 'True');
    assert.equal(await run(0, [{ type: 'ToBoolean' }]), false);
    assert.equal(await run('abc123', [{ type: 'StringMatches', regex: '[a-c]+\\d' }]), true);
    assert.equal(await run({ a: [1, 2] }, [{ type: 'ConvertDictionaryToJSON' }]), '{"a": [1, 2]}');
  });

  test('sequence operations', async () => {
    assert.equal(await run([3, 1, 2], [{ type: 'NumericSequenceAggregate', function: 'max' }]), 3);
    assert.equal(await run([3, 1, 2], [{ type: 'NumericSequenceAggregate', function: 'sum' }]), 6);
    assert.equal(await run([], [{ type: 'NumericSequenceAggregate', function: 'min', neutral_value: -1 }]), -1);
    assert.equal(await run(['a', 'b', 'b'], [{ type: 'SequenceAggregate', mode: 'most_common' }]), 'b');
    assert.deepEqual(await run(['a', 'b', 'b'], [{ type: 'SequenceElementsCount' }]), { a: 1, b: 2 });
    assert.equal(await run(['a', 'b'], [{ type: 'SequenceJoin', separator: '-' }]), 'a-b');
    assert.deepEqual(await run(['a', 'B'], [{ type: 'SequenceApply', operations: [{ type: 'StringToUpperCase' }] }]), [
      'A',
      'B',
    ]);
    assert.equal(await run(detections(), [{ type: 'SequenceLength' }]), 3);
  });

  test('detections property extraction, sorting, selection and shifting', async () => {
    const d = detections();
    assert.deepEqual(await run(d, [{ type: 'DetectionsPropertyExtract', property_name: 'class_name' }]), [
      'apple',
      'banana',
      'orange',
    ]);
    assert.deepEqual(await run(d, [{ type: 'DetectionsPropertyExtract', property_name: 'size' }]), [100, 2000, 600]);
    assert.deepEqual(await run(d, [{ type: 'DetectionsPropertyExtract', property_name: 'center' }]), [
      [5, 5],
      [120, 75],
      [50, 55],
    ]);
    const bySize = (await run(d, [{ type: 'SortDetections', mode: 'size', ascending: false }])) as Detections;
    assert.deepEqual(bySize.column('detection_id'), ['b', 'c', 'a']);
    const byXMax = (await run(d, [{ type: 'SortDetections', mode: 'x_max' }])) as Detections;
    assert.deepEqual(byXMax.column('detection_id'), ['a', 'c', 'b']);
    const rightMost = (await run(d, [{ type: 'DetectionsSelection', mode: 'right_most' }])) as Detections;
    assert.deepEqual(rightMost.column('class_name'), ['banana']);
    const shifted = (await run(d, [{ type: 'DetectionsShift', shift_x: 5, shift_y: -5 }])) as Detections;
    assert.deepEqual(shifted.box(0), [5, -5, 15, 5]);
    const grown = (await run(d, [{ type: 'DetectionsOffset', offset_x: 4, offset_y: 2 }])) as Detections;
    assert.deepEqual(grown.box(0), [-2, -1, 12, 11]);
  });

  test('DetectionsFilter evaluates its statement per detection with `_` bound to the detection', async () => {
    const filter = {
      type: 'DetectionsFilter',
      filter_operation: {
        type: 'StatementGroup',
        operator: 'and',
        statements: [
          {
            type: 'BinaryStatement',
            left_operand: {
              type: 'DynamicOperand',
              operations: [{ type: 'ExtractDetectionProperty', property_name: 'class_name' }],
            },
            comparator: { type: 'in (Sequence)' },
            right_operand: { type: 'DynamicOperand', operand_name: 'classes' },
          },
          {
            type: 'BinaryStatement',
            left_operand: {
              type: 'DynamicOperand',
              operations: [{ type: 'ExtractDetectionProperty', property_name: 'confidence' }],
            },
            comparator: { type: '(Number) >=' },
            right_operand: { type: 'StaticOperand', value: 0.5 },
          },
        ],
      },
    };
    const kept = (await run(detections(), [filter], { classes: ['apple', 'banana'] })) as Detections;
    assert.deepEqual(kept.column('class_name'), ['apple']);
  });

  test('DetectionsRename: strict remaps ids to sorted targets; non-strict keeps ids and offsets new classes', async () => {
    const strict = (await run(detections(), [
      { type: 'DetectionsRename', strict: true, class_map: { apple: 'fruit', banana: 'fruit', orange: 'my-orange' } },
    ])) as Detections;
    assert.deepEqual(strict.column('class_name'), ['fruit', 'fruit', 'my-orange']);
    assert.deepEqual([...strict.classId], [0, 0, 1]);
    const loose = (await run(detections(), [{ type: 'DetectionsRename', strict: 'strict', class_map: 'class_map' }], {
      class_map: { apple: 'fruit', banana: 'fruit' },
      strict: false,
    })) as Detections;
    assert.deepEqual(loose.column('class_name'), ['fruit', 'fruit', 'orange']);
    assert.deepEqual([...loose.classId], [1024, 1024, 2]);
    await assert.rejects(
      run(detections(), [{ type: 'DetectionsRename', strict: true, class_map: { apple: 'fruit' } }]),
      InvalidInputTypeError,
    );
    await assert.rejects(
      run(detections(), [{ type: 'DetectionsRename', class_map: 'missing' }]),
      UndeclaredSymbolError,
    );
  });

  test('classification and image properties', async () => {
    const single = {
      top: 'cat',
      confidence: 0.8,
      predictions: [
        { class: 'cat', class_id: 0, confidence: 0.8 },
        { class: 'dog', class_id: 1, confidence: 0.2 },
      ],
    };
    const multi = {
      predicted_classes: ['dog'],
      predictions: { cat: { confidence: 0.1, class_id: 0 }, dog: { confidence: 0.9, class_id: 1 } },
    };
    assert.equal(await run(single, [{ type: 'ClassificationPropertyExtract', property_name: 'top_class' }]), 'cat');
    assert.deepEqual(await run(multi, [{ type: 'ClassificationPropertyExtract', property_name: 'top_class' }]), [
      'dog',
    ]);
    assert.deepEqual(
      await run(multi, [{ type: 'ClassificationPropertyExtract', property_name: 'all_confidences' }]),
      [0.1, 0.9],
    );
    const png = await sharp({ create: { width: 30, height: 20, channels: 3, background: { r: 200, g: 10, b: 10 } } })
      .png()
      .toBuffer();
    const image = await WorkflowImage.decode(png, { parentId: 'image' });
    assert.equal(await run(image, [{ type: 'ExtractImageProperty', property_name: 'aspect_ratio' }]), 1.5);
    assert.equal(await run(image, [{ type: 'ExtractImageProperty', property_name: 'size' }]), 600);
    const jpeg = (await run(image, [{ type: 'ConvertImageToJPEG' }])) as Buffer;
    assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
  });

  test('errors: unknown operation, wrong input type', async () => {
    await assert.rejects(run('x', [{ type: 'NoSuchOperation' }]), OperationTypeNotRecognisedError);
    await assert.rejects(run(5, [{ type: 'StringToLowerCase' }]), InvalidInputTypeError);
    await assert.rejects(
      run('x', [{ type: 'DetectionsPropertyExtract', property_name: 'class_name' }]),
      InvalidInputTypeError,
    );
  });
});

describe('UQL statements', () => {
  test('comparators', async () => {
    const cases: Array<[unknown, string, unknown, boolean]> = [
      [1, '(Number) ==', 1.0, true],
      [['dog', 'cat'], '==', ['dog', 'cat'], true],
      [['dog', 'cat'], '==', ['cat', 'dog'], false],
      [2, '(Number) >', 1, true],
      [2, '(Number) <=', 1, false],
      [5, '(Number) in range', [1, 5], true],
      ['hello', '(String) startsWith', 'he', true],
      ['hello', '(String) endsWith', 'lo', true],
      ['hello', '(String) contains', 'ell', true],
      ['a', 'in (Sequence)', ['a', 'b'], true],
      [['a', 'c'], 'all in (Sequence)', ['a', 'b'], false],
      [['a', 'c'], 'any in (Sequence)', ['a', 'b'], true],
      ['x', '!=', 'y', true],
    ];
    for (const [left, comparator, right, expected] of cases) {
      assert.equal(
        await evaluateStatement(binary(left, comparator, right), ctx()),
        expected,
        `${JSON.stringify(left)} ${comparator} ${JSON.stringify(right)}`,
      );
      assert.equal(
        await evaluateStatement(binary(left, comparator, right, true), ctx()),
        !expected,
        `negated ${comparator}`,
      );
    }
  });

  test('unary operators, groups, dynamic operands and zones', async () => {
    const unary = (operator: string, name: string): Statement => ({
      type: 'StatementGroup',
      statements: [
        {
          type: 'UnaryStatement',
          operand: { type: 'DynamicOperand', operand_name: name },
          operator: { type: operator },
        },
      ],
    });
    const params = { flag: true, empty: [], nothing: null, d: detections() };
    assert.equal(await evaluateStatement(unary('(Boolean) is True', 'flag'), ctx(params)), true);
    assert.equal(await evaluateStatement(unary('(Sequence) is empty', 'empty'), ctx(params)), true);
    assert.equal(await evaluateStatement(unary('(Sequence) is not empty', 'd'), ctx(params)), true);
    assert.equal(await evaluateStatement(unary('Exists', 'nothing'), ctx(params)), false);
    assert.equal(await evaluateStatement(unary('DoesNotExist', 'nothing'), ctx(params)), true);
    const and: Statement = {
      type: 'StatementGroup',
      operator: 'and',
      statements: [binary(1, '==', 1), binary(1, '==', 2)],
    };
    const or: Statement = { ...and, operator: 'or' };
    assert.equal(await evaluateStatement(and, ctx()), false);
    assert.equal(await evaluateStatement(or, ctx()), true);
    const inZone = {
      type: 'DetectionsFilter',
      filter_operation: {
        type: 'StatementGroup',
        statements: [
          {
            type: 'BinaryStatement',
            left_operand: { type: 'DynamicOperand' },
            comparator: { type: '(Detection) in zone' },
            right_operand: { type: 'DynamicOperand', operand_name: 'zone' },
          },
        ],
      },
    };
    const kept = (await run(detections(), [inZone], {
      zone: [
        [0, 0],
        [80, 0],
        [80, 80],
        [0, 80],
      ],
    })) as Detections;
    assert.deepEqual(kept.column('class_name'), ['apple', 'orange']);
  });

  test('errors: undeclared operand, type mismatch, unknown comparator', async () => {
    const dyn: Statement = {
      type: 'StatementGroup',
      statements: [
        {
          type: 'UnaryStatement',
          operand: { type: 'DynamicOperand', operand_name: 'nope' },
          operator: { type: 'Exists' },
        },
      ],
    };
    await assert.rejects(evaluateStatement(dyn, ctx()), UndeclaredSymbolError);
    await assert.rejects(evaluateStatement(binary('a', '(Number) >', 1), ctx()), InvalidInputTypeError);
    await assert.rejects(evaluateStatement(binary(1, '(Number) ~', 1), ctx()), OperationTypeNotRecognisedError);
  });

  test('describe lists every operation and operator', () => {
    const types = operationsDescription.map((o) => o.operation_type);
    for (const t of [
      'DetectionsFilter',
      'SortDetections',
      'DetectionsRename',
      'SequenceApply',
      'ClassificationPropertyExtract',
    ])
      assert.ok(types.includes(t), t);
    const filter = operationsDescription.find((o) => o.operation_type === 'DetectionsFilter')!;
    assert.equal(filter.compound, true);
    assert.equal(filter.input_kind[0]!.name, 'object_detection_prediction');
    const ops = operatorsDescriptions.map((o) => o.operator_type);
    assert.ok(ops.includes('(Detection) in zone') && ops.includes('Exists'));
    assert.equal(operatorsDescriptions.find((o) => o.operator_type === 'Exists')!.operands_number, 1);
  });
});
