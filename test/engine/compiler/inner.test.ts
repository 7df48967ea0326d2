// Inner workflows: inline child definitions are inlined with renamed steps and rewritten selectors.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { ExecutionEngine, WorkflowError } from '../../../engine/index.ts';
import { fixtureBlocks } from '../fixture-blocks.ts';

const engine = new ExecutionEngine({ blocks: fixtureBlocks });
const child = {
  version: '1.0',
  inputs: [
    { type: 'WorkflowImage', name: 'picture' },
    { type: 'WorkflowBatchInput', name: 'boxes', kind: ['object_detection_prediction'] },
    { type: 'WorkflowParameter', name: 'unused', default_value: 3 },
  ],
  steps: [
    { type: 'test/crop@v1', name: 'crop', images: '$inputs.picture', predictions: '$inputs.boxes' },
    { type: 'test/image_size@v1', name: 'size', images: '$steps.crop.crops' },
  ],
  outputs: [{ type: 'JsonField', name: 'widths', selector: '$steps.size.width' }],
};
const parent = (inner: Record<string, unknown>) => ({
  version: '1.0',
  inputs: [{ type: 'WorkflowImage', name: 'image' }],
  steps: [
    { type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image', count: 2 },
    { type: 'roboflow_core/inner_workflow@v1', name: 'inner', ...inner },
  ],
  outputs: [{ type: 'JsonField', name: 'widths', selector: '$steps.inner.widths' }],
});

let image: string;
before(async () => {
  image = (
    await sharp({ create: { width: 50, height: 40, channels: 3, background: '#123456' } })
      .png()
      .toBuffer()
  ).toString('base64');
});

function expectError(definition: unknown, name: string, pattern: RegExp) {
  assert.throws(
    () => engine.compile(definition),
    (e: WorkflowError) => {
      assert.equal(e.name, name, e.message);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

describe('inner workflows', () => {
  test('child steps are inlined and their outputs reachable from the parent', async () => {
    const result = await engine.run(
      parent({
        workflow_definition: child,
        parameter_bindings: { picture: '$inputs.image', boxes: '$steps.det.predictions' },
      }),
      { image: [image, image] },
    );
    assert.deepEqual(result.outputs, [{ widths: [20, 20] }, { widths: [20, 20] }]);
  });

  test('binding errors, entry errors and the nesting limit', () => {
    expectError(
      parent({
        workflow_definition: child,
        parameter_bindings: { picture: '$inputs.image', boxes: '$steps.det.predictions', other: 1 },
      }),
      'InnerWorkflowParameterBindingsError',
      /'other' does not name an input/,
    );
    expectError(
      parent({ workflow_definition: child, parameter_bindings: { picture: '$inputs.image' } }),
      'InnerWorkflowParameterBindingsError',
      /'boxes' has no binding/,
    );
    expectError(
      parent({ workflow_definition: child, workflow_id: 'x', workflow_workspace_id: 'w' }),
      'InnerWorkflowInvalidStepEntryError',
      /not both/,
    );
    let nested: Record<string, unknown> = {
      version: '1.0',
      inputs: [],
      steps: [{ type: 'test/constant@v1', name: 'k', value: 1 }],
      outputs: [{ type: 'JsonField', name: 'o', selector: '$steps.k.out' }],
    };
    for (let i = 0; i < 5; i++) {
      nested = {
        version: '1.0',
        inputs: [],
        steps: [{ type: 'roboflow_core/inner_workflow@v1', name: `level${i}`, workflow_definition: nested }],
        outputs: [{ type: 'JsonField', name: 'o', selector: `$steps.level${i}.o` }],
      };
    }
    expectError(nested, 'InnerWorkflowNestingDepthError', /limit of 4/);
  });

  test('nesting within the limit runs', async () => {
    let nested: Record<string, unknown> = {
      version: '1.0',
      inputs: [{ type: 'WorkflowParameter', name: 'v' }],
      steps: [{ type: 'test/constant@v1', name: 'k', value: '$inputs.v' }],
      outputs: [{ type: 'JsonField', name: 'o', selector: '$steps.k.out' }],
    };
    nested = {
      version: '1.0',
      inputs: [{ type: 'WorkflowParameter', name: 'p', default_value: 'deep' }],
      steps: [
        {
          type: 'roboflow_core/inner_workflow@v1',
          name: 'a',
          workflow_definition: nested,
          parameter_bindings: { v: '$inputs.p' },
        },
      ],
      outputs: [{ type: 'JsonField', name: 'o', selector: '$steps.a.o' }],
    };
    assert.deepEqual((await engine.run(nested, {})).outputs, [{ o: 'deep' }]);
  });
});

describe('inner workflows by reference', () => {
  const constantWorkflow = (value: unknown) => ({
    version: '1.0',
    inputs: [{ type: 'WorkflowParameter', name: 'suffix', default_value: '' }],
    steps: [{ type: 'test/constant@v1', name: 'k', value }],
    outputs: [{ type: 'JsonField', name: 'o', selector: '$steps.k.out' }],
  });
  const referencing = (workspace: string, id: string, extra: Record<string, unknown> = {}) => ({
    version: '1.0',
    inputs: [],
    steps: [
      {
        type: 'roboflow_core/inner_workflow@v1',
        name: 'inner',
        workflow_workspace_id: workspace,
        workflow_id: id,
        ...extra,
      },
    ],
    outputs: [{ type: 'JsonField', name: 'o', selector: '$steps.inner.o' }],
  });
  const saved = new Map<string, Record<string, unknown>>();
  const calls: string[] = [];
  const referenceEngine = new ExecutionEngine({
    blocks: fixtureBlocks,
    resolveWorkflow: ({ workspace, id, versionId }) => {
      calls.push(`${workspace}/${id}@${versionId}`);
      return saved.get(`${workspace}/${id}@${versionId ?? 'latest'}`);
    },
  });

  test('a saved child is resolved at compile time, by version, and a new child version is not served from the cache', async () => {
    saved.set('ws/child@latest', constantWorkflow('first'));
    saved.set('ws/child@1', constantWorkflow('pinned'));
    assert.deepEqual((await referenceEngine.run(referencing('ws', 'child'), {})).outputs, [{ o: 'first' }]);
    assert.deepEqual(
      (await referenceEngine.run(referencing('ws', 'child', { workflow_version_id: '1' }), {})).outputs,
      [{ o: 'pinned' }],
    );
    assert.ok(calls.includes('ws/child@1'), 'the version id reaches the resolver');
    saved.set('ws/child@latest', constantWorkflow('second'));
    assert.deepEqual((await referenceEngine.run(referencing('ws', 'child'), {})).outputs, [{ o: 'second' }]);
  });

  test('references inside referenced (and inline) children resolve too; cycles and unknown workflows are refused', async () => {
    saved.set('ws/leaf@latest', constantWorkflow('leaf'));
    saved.set('ws/middle@latest', referencing('ws', 'leaf'));
    const inlineAroundReference = {
      version: '1.0',
      inputs: [],
      steps: [
        { type: 'roboflow_core/inner_workflow@v1', name: 'outer', workflow_definition: referencing('ws', 'middle') },
      ],
      outputs: [{ type: 'JsonField', name: 'o', selector: '$steps.outer.o' }],
    };
    assert.deepEqual((await referenceEngine.run(inlineAroundReference, {})).outputs, [{ o: 'leaf' }]);

    saved.set('ws/a@latest', referencing('ws', 'b'));
    saved.set('ws/b@latest', referencing('ws', 'a'));
    assert.throws(
      () => referenceEngine.compile(referencing('ws', 'a')),
      (e: WorkflowError) =>
        e.name === 'InnerWorkflowCompositionCycleError' && /ws\/a -> ws\/b -> ws\/a/.test(e.message),
    );
    assert.throws(
      () => referenceEngine.compile(referencing('ws', 'missing')),
      (e: WorkflowError) =>
        e.name === 'InnerWorkflowInvalidStepEntryError' && /ws\/missing was not found/.test(e.message),
    );
    assert.throws(
      () => referenceEngine.compile(referencing('', 'leaf')),
      (e: WorkflowError) => e.name === 'InnerWorkflowInvalidStepEntryError' && /workflow_workspace_id/.test(e.message),
    );
  });

  test('without a resolver a reference is an entry error that says so', () => {
    expectError(referencing('ws', 'child'), 'InnerWorkflowInvalidStepEntryError', /need a workflow resolver/);
  });
});
