// Compilation errors: each asserts the error class and that the message / blocks_errors name the step and property.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionEngine, WorkflowError } from '../../../engine/index.ts';
import { fixtureBlocks } from '../fixture-blocks.ts';

const engine = new ExecutionEngine({ blocks: fixtureBlocks });
const IMAGE = { type: 'WorkflowImage', name: 'image' };
const out = (selector: string, name = 'o') => ({ type: 'JsonField', name, selector });
const wf = (steps: unknown[], outputs: unknown[] = [], inputs: unknown[] = [IMAGE], version: unknown = '1.0') => ({
  version,
  inputs,
  steps,
  outputs,
});

function expectError(definition: unknown, className: string, check: (e: WorkflowError) => void = () => {}) {
  assert.throws(
    () => engine.compile(definition),
    (error: unknown) => {
      assert.ok(error instanceof WorkflowError, `expected a WorkflowError, got ${String(error)}`);
      assert.equal(error.name, className, `expected ${className}, got ${error.name}: ${error.message}`);
      check(error);
      return true;
    },
  );
}

describe('compile errors', () => {
  test('syntax error on a literal names step, type and property with a readable message', () => {
    expectError(
      wf([{ type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image', confidence: 1.5 }]),
      'WorkflowSyntaxError',
      (e) => {
        const be = e.blocksErrors[0]!;
        assert.equal(be.block_id, 'det');
        assert.equal(be.block_type, 'test/fake_detector@v1');
        assert.equal(be.property_name, 'confidence');
        assert.match(be.property_details!, /a number between 0 and 1 or a selector like \$inputs\.x/);
        assert.equal(e.blocksErrors.length, 1);
      },
    );
  });

  test('unknown block type names the step and the type', () => {
    expectError(wf([{ type: 'roboflow_core/nope@v9', name: 'mystery' }]), 'WorkflowSyntaxError', (e) => {
      assert.match(e.message, /mystery/);
      assert.match(e.message, /roboflow_core\/nope@v9/);
      assert.equal(e.blocksErrors[0]!.block_id, 'mystery');
      assert.equal(e.blocksErrors[0]!.property_name, 'type');
    });
  });

  test('missing required property', () => {
    expectError(wf([{ type: 'test/crop@v1', name: 'c', images: '$inputs.image' }]), 'WorkflowSyntaxError', (e) => {
      assert.equal(e.blocksErrors[0]!.block_id, 'c');
      assert.equal(e.blocksErrors[0]!.property_name, 'predictions');
    });
  });

  test('duplicated input names', () => {
    expectError(wf([], [], [IMAGE, IMAGE]), 'DuplicatedNameError', (e) =>
      assert.match(e.message, /Found duplicated input parameter names: image/),
    );
  });

  test('duplicated step names', () => {
    const s = { type: 'test/image_size@v1', name: 'size', images: '$inputs.image' };
    expectError(wf([s, s]), 'DuplicatedNameError', (e) =>
      assert.match(e.message, /Found duplicated input steps names: size/),
    );
  });

  test('duplicated output names', () => {
    const s = { type: 'test/image_size@v1', name: 'size', images: '$inputs.image' };
    expectError(wf([s], [out('$steps.size.width', 'x'), out('$steps.size.height', 'x')]), 'DuplicatedNameError', (e) =>
      assert.match(e.message, /Found duplicated input outputs names: x/),
    );
  });

  test('unknown input', () => {
    expectError(
      wf([{ type: 'test/image_size@v1', name: 'size', images: '$inputs.picture' }]),
      'InvalidReferenceTargetError',
      (e) => {
        assert.match(e.message, /\$inputs\.picture.*non-existent input parameter/);
        assert.equal(e.blocksErrors[0]!.block_id, 'size');
        assert.equal(e.blocksErrors[0]!.property_name, 'images');
      },
    );
  });

  test('unknown step', () => {
    expectError(
      wf([{ type: 'test/crop@v1', name: 'c', images: '$inputs.image', predictions: '$steps.ghost.predictions' }]),
      'InvalidReferenceTargetError',
      (e) => {
        assert.match(e.message, /non-existent block/);
        assert.equal(e.blocksErrors[0]!.property_name, 'predictions');
      },
    );
  });

  test('missing output property of an existing step', () => {
    expectError(
      wf([
        { type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image' },
        { type: 'test/crop@v1', name: 'c', images: '$inputs.image', predictions: '$steps.det.boxes' },
      ]),
      'ExecutionGraphStructureError',
      (e) => {
        assert.match(e.message, /non-existing property 'boxes'/);
        assert.equal(e.blocksErrors[0]!.block_id, 'c');
      },
    );
  });

  test('workflow output pointing at a missing step output', () => {
    expectError(
      wf([{ type: 'test/image_size@v1', name: 'size', images: '$inputs.image' }], [out('$steps.size.depth')]),
      'InvalidReferenceTargetError',
      (e) => {
        assert.match(e.message, /non-existent block property/);
      },
    );
  });

  test('step selector in a data property', () => {
    expectError(
      wf([
        { type: 'test/image_size@v1', name: 'size', images: '$inputs.image' },
        { type: 'test/constant@v1', name: 'k', value: '$steps.size' },
      ]),
      'ExecutionGraphStructureError',
      (e) => {
        assert.match(e.message, /StepSelector/);
        assert.equal(e.blocksErrors[0]!.block_id, 'k');
        assert.equal(e.blocksErrors[0]!.property_name, 'value');
      },
    );
    // where the literal schema forbids it, the selector pattern fails first (as pydantic does)
    expectError(
      wf([
        { type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image' },
        { type: 'test/crop@v1', name: 'c', images: '$inputs.image', predictions: '$steps.det' },
      ]),
      'WorkflowSyntaxError',
      (e) => assert.equal(e.blocksErrors[0]!.property_name, 'predictions'),
    );
  });

  test('kind mismatch', () => {
    expectError(
      wf([
        { type: 'test/image_size@v1', name: 'size', images: '$inputs.image' },
        { type: 'test/crop@v1', name: 'c', images: '$inputs.image', predictions: '$steps.size.width' },
      ]),
      'ReferenceTypeError',
      (e) => {
        assert.match(e.message, /object_detection_prediction/);
        assert.match(e.message, /integer/);
        assert.equal(e.blocksErrors[0]!.block_id, 'c');
      },
    );
  });

  test('cycle', () => {
    expectError(
      wf(
        [
          { type: 'test/constant@v1', name: 'a', value: '$steps.b.out' },
          { type: 'test/constant@v1', name: 'b', value: '$steps.a.out' },
        ],
        [],
        [],
      ),
      'ExecutionGraphStructureError',
      (e) => assert.match(e.message, /cycle/),
    );
  });

  test('unsupported version', () => {
    expectError(wf([], [], [], '2.0'), 'NotSupportedExecutionEngineError');
  });

  test('unparseable version', () => {
    expectError(wf([], [], [], 'one-point-oh'), 'WorkflowDefinitionError');
  });

  test('missing version', () => {
    expectError({ inputs: [], steps: [], outputs: [] }, 'WorkflowSyntaxError');
  });

  test('dimensionality mismatch: crops and image into one element-mode property set', () => {
    expectError(
      wf([
        { type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image' },
        { type: 'test/crop@v1', name: 'c', images: '$inputs.image', predictions: '$steps.det.predictions' },
        { type: 'test/fake_detector@v1', name: 'det2', images: '$steps.c.crops' },
        { type: 'test/crop@v1', name: 'c2', images: '$inputs.image', predictions: '$steps.det2.predictions' },
      ]),
      'StepInputDimensionalityError',
      (e) => {
        assert.match(e.message, /c2/);
        assert.ok(e.blocksErrors.some((b) => b.property_name === 'predictions'));
      },
    );
  });

  test('reference dimensionality mismatch reports expected vs received', () => {
    expectError(
      wf([{ type: 'test/count_children@v1', name: 'cc', images: '$inputs.image', children: '$inputs.image' }]),
      'StepInputDimensionalityError',
      (e) => {
        assert.equal(e.blocksErrors[0]!.property_name, 'children');
        assert.equal(e.blocksErrors[0]!.property_details, 'Expected dimensionality 2, but received dimensionality 1');
      },
    );
  });

  test('lineage mismatch: crops from two different crop steps', () => {
    expectError(
      wf([
        { type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image' },
        { type: 'test/crop@v1', name: 'c1', images: '$inputs.image', predictions: '$steps.det.predictions' },
        { type: 'test/crop@v1', name: 'c2', images: '$inputs.image', predictions: '$steps.det.predictions' },
        { type: 'test/fake_detector@v1', name: 'det_c1', images: '$steps.c1.crops' },
        { type: 'test/crop@v1', name: 'mix', images: '$steps.c2.crops', predictions: '$steps.det_c1.predictions' },
      ]),
      'StepInputLineageError',
      (e) => {
        assert.match(e.message, /mix/);
        assert.equal(e.blocksErrors[0]!.block_id, 'mix');
      },
    );
  });

  test('control flow that can never run', () => {
    expectError(
      wf([
        { type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image' },
        { type: 'test/crop@v1', name: 'c', images: '$inputs.image', predictions: '$steps.det.predictions' },
        { type: 'test/image_size@v1', name: 'crop_size', images: '$steps.c.crops' },
        {
          type: 'test/gate@v1',
          name: 'gate',
          value: '$steps.crop_size.width',
          threshold: 5,
          next_steps: ['$steps.size'],
        },
        { type: 'test/image_size@v1', name: 'size', images: '$inputs.image' },
      ]),
      'ControlFlowDefinitionError',
      (e) => assert.match(e.message, /size.*never execute/),
    );
  });

  test('batch into a non-batch property of a batch-accepting block', () => {
    expectError(
      wf([
        { type: 'test/image_size@v1', name: 'size', images: '$inputs.image' },
        { type: 'test/batch_with_scalar@v1', name: 'b', images: '$inputs.image', threshold: '$steps.size.width' },
      ]),
      'ReferenceTypeError',
    );
    const batchConfidence = wf(
      [{ type: 'test/batch_with_scalar@v1', name: 'b', images: '$inputs.image', threshold: '$inputs.conf' }],
      [],
      [IMAGE, { type: 'WorkflowBatchInput', name: 'conf' }],
    );
    expectError(batchConfidence, 'ExecutionGraphStructureError', (e) => {
      assert.match(e.message, /do not accept batch-oriented inputs/);
      assert.equal(e.blocksErrors[0]!.block_id, 'b');
      assert.equal(e.blocksErrors[0]!.property_name, 'threshold');
    });
  });

  test('target selected twice by one flow-control step', () => {
    expectError(
      wf([
        { type: 'test/image_size@v1', name: 'size', images: '$inputs.image' },
        {
          type: 'test/gate@v1',
          name: 'gate',
          value: '$steps.size.width',
          threshold: 5,
          next_steps: ['$steps.other', '$steps.other'],
        },
        { type: 'test/image_size@v1', name: 'other', images: '$inputs.image' },
      ]),
      'ExecutionGraphStructureError',
      (e) => assert.match(e.message, /more than once/),
    );
  });

  test('WorkflowImage with dimensionality 2 is a syntax error', () => {
    expectError(wf([], [], [{ type: 'WorkflowImage', name: 'image', dimensionality: 2 }]), 'WorkflowSyntaxError', (e) =>
      assert.match(e.message, /dimensionality 1/),
    );
  });
});

describe('compile behaviour', () => {
  test('cache hit returns the same plan object, also for reordered keys', () => {
    const a = wf([{ type: 'test/image_size@v1', name: 'size', images: '$inputs.image' }], [out('$steps.size.width')]);
    const b = { outputs: a.outputs, steps: a.steps, inputs: a.inputs, version: a.version };
    assert.equal(engine.compile(a), engine.compile(b));
    assert.notEqual(engine.compile(a), engine.compile({ ...a, version: '1.1' }));
  });

  test('aliases for block type and property, unknown keys ignored, "1.x" versions accepted', () => {
    const plan = engine.compile(
      wf(
        [{ type: 'ImageSize', name: 'size', image: '$inputs.image', whatever: 1 }],
        [out('$steps.size.width')],
        [{ type: 'InferenceImage', name: 'image' }],
        '1.3',
      ),
    );
    assert.ok(plan.hash.length === 64);
  });
});
