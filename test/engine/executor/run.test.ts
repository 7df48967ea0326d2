// Execution semantics with the fixture plugin: batch vs element mode, fan-out/fan-in, masks, output shapes,
// concurrency, coordinate systems, profiling and describe_interface. Errors and inputs: run-inputs.test.ts.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { defineBlock, ExecutionEngine, WorkflowError } from '../../../engine/index.ts';
import { batchCalls, concurrency, fixtureBlocks } from '../fixture-blocks.ts';
import { IMAGE, makeImages, out, wf } from './run-helpers.ts';

const engine = new ExecutionEngine({
  blocks: fixtureBlocks,
  maxConcurrentSteps: 2,
  profilingAvailable: true,
});

let small: string; // 40x30
let wide: string; // 120x30
before(async () => {
  ({ small, wide } = await makeImages());
});

describe('execution', () => {
  test('batch mode runs once per batch, element mode once per element; two images give two dicts', async () => {
    batchCalls.length = 0;
    const result = await engine.run(
      wf(
        [
          { type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image', count: 1 },
          { type: 'test/image_size@v1', name: 'size', images: '$inputs.image' },
        ],
        [out('w', '$steps.size.width'), out('n', '$steps.det.predictions')],
      ),
      { image: [small, { type: 'base64', value: wide }] },
    );
    assert.deepEqual(batchCalls, [2]);
    assert.equal(result.outputs.length, 2);
    assert.deepEqual(
      result.outputs.map((o) => o.w),
      [40, 120],
    );
    assert.deepEqual(result.profiler_trace, []);
  });

  test('fan-out then fan-in: one list per input image, [] when no children', async () => {
    const definition = wf(
      [
        { type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image', count: '$inputs.count' },
        { type: 'test/crop@v1', name: 'crop', images: '$inputs.image', predictions: '$steps.det.predictions' },
        { type: 'test/image_size@v1', name: 'crop_size', images: '$steps.crop.crops' },
        { type: 'test/collapse@v1', name: 'collapse', data: '$steps.crop_size.height' },
        { type: 'test/count_children@v1', name: 'children', images: '$inputs.image', children: '$steps.crop.crops' },
      ],
      [
        out('crop_widths', '$steps.crop_size.width'),
        out('collapsed', '$steps.collapse.output'),
        out('children', '$steps.children.count'),
        out('crops', '$steps.crop.crops'),
      ],
      [IMAGE, { type: 'WorkflowParameter', name: 'count', default_value: 2 }],
    );
    const result = await engine.run(definition, { image: [small, wide] });
    assert.equal(result.outputs.length, 2);
    for (const o of result.outputs) {
      assert.deepEqual(o.crop_widths, [20, 20]);
      assert.deepEqual(o.collapsed, [10, 10]);
      assert.equal(o.children, 2);
      const crops = o.crops as Array<Record<string, any>>;
      assert.equal(crops.length, 2);
      assert.equal(crops[1]!.type, 'base64');
      assert.equal(crops[1]!.parent_id, 'det-1');
      assert.deepEqual(crops[1]!.parent_origin, {
        offset_x: 10,
        offset_y: 10,
        width: o === result.outputs[0] ? 40 : 120,
        height: 30,
      });
      assert.ok(crops[1]!.root_parent_id.startsWith('image.['));
    }
    const none = await engine.run(definition, { image: [small, wide], count: 0 });
    assert.deepEqual(
      none.outputs.map((o) => o.crop_widths),
      [[], []],
    );
    assert.deepEqual(
      none.outputs.map((o) => o.children),
      [0, 0],
    );
    assert.deepEqual(
      none.outputs.map((o) => o.collapsed),
      [null, null],
    );
  });

  test('dim-3 outputs: an item with no children is [[]], a child with no grandchildren is [] (docs/roboflow-compatibility.md#outputs)', async () => {
    const definition = wf(
      [
        { type: 'test/image_size@v1', name: 'size', images: '$inputs.image' },
        { type: 'test/gate@v1', name: 'gate', value: '$steps.size.width', threshold: 100, next_steps: ['$steps.det'] },
        { type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image', count: 2 },
        { type: 'test/crop@v1', name: 'crop', images: '$inputs.image', predictions: '$steps.det.predictions' },
        { type: 'test/fake_detector@v1', name: 'det2', images: '$steps.crop.crops', count: '$inputs.inner' },
        { type: 'test/crop@v1', name: 'crop2', images: '$steps.crop.crops', predictions: '$steps.det2.predictions' },
        { type: 'test/image_size@v1', name: 'size2', images: '$steps.crop2.crops' },
      ],
      [out('widths', '$steps.size2.width'), out('crop_heights', '$steps.crop.crops')],
      [IMAGE, { type: 'WorkflowParameter', name: 'inner', default_value: 1 }],
    );
    // small (40 px) is gated off: no crops at all; wide (120 px) has two crops of one grandchild each.
    const result = await engine.run(definition, { image: [small, wide] });
    assert.deepEqual(
      result.outputs.map((o) => o.widths),
      [[[]], [[20], [20]]],
    );
    assert.deepEqual(
      result.outputs.map((o) => (o.crop_heights as unknown[]).length),
      [0, 2],
    );
    const noGrandchildren = await engine.run(definition, { image: [small, wide], inner: 0 });
    assert.deepEqual(
      noGrandchildren.outputs.map((o) => o.widths),
      [[[]], [[], []]],
    );
  });

  test('flow control masks elements: gated outputs are null for rejected images', async () => {
    const result = await engine.run(
      wf(
        [
          { type: 'test/image_size@v1', name: 'size', images: '$inputs.image' },
          {
            type: 'test/gate@v1',
            name: 'gate',
            value: '$steps.size.width',
            threshold: 100,
            next_steps: ['$steps.gated'],
          },
          { type: 'test/image_size@v1', name: 'gated', images: '$inputs.image' },
          { type: 'test/image_size@v1', name: 'downstream', images: '$inputs.image' },
        ],
        [out('gated', '$steps.gated.height'), out('free', '$steps.downstream.height')],
      ),
      { image: [small, wide, small] },
    );
    assert.deepEqual(result.outputs, [
      { gated: null, free: 30 },
      { gated: 30, free: 30 },
      { gated: null, free: 30 },
    ]);
  });

  test('scalar flow control skips scalar steps', async () => {
    const definition = wf(
      [
        { type: 'test/gate@v1', name: 'gate', value: '$inputs.x', threshold: 1, next_steps: ['$steps.k'] },
        { type: 'test/constant@v1', name: 'k', value: 'ran' },
      ],
      [out('k', '$steps.k.out')],
      [{ type: 'WorkflowParameter', name: 'x' }],
    );
    assert.deepEqual((await engine.run(definition, { x: 5 })).outputs, [{ k: 'ran' }]);
    assert.deepEqual((await engine.run(definition, { x: 0 })).outputs, [{ k: null }]);
  });

  test('scalar-only outputs give a single dict even for two images; scalars are copied into every dict', async () => {
    const scalarOnly = await engine.run(
      wf(
        [{ type: 'test/constant@v1', name: 'k', value: '$inputs.p' }],
        [out('k', '$steps.k.out')],
        [IMAGE, { type: 'WorkflowParameter', name: 'p', default_value: 7 }],
      ),
      { image: [small, wide] },
    );
    assert.deepEqual(scalarOnly.outputs, [{ k: 7 }]);
    const mixed = await engine.run(
      wf(
        [
          { type: 'test/constant@v1', name: 'k', value: 'same' },
          { type: 'test/image_size@v1', name: 'size', images: '$inputs.image' },
        ],
        [out('k', '$steps.k.out'), out('all', '$steps.size.*')],
      ),
      { image: [small, wide] },
    );
    assert.deepEqual(mixed.outputs, [
      { k: 'same', all: { width: 40, height: 30 } },
      { k: 'same', all: { width: 120, height: 30 } },
    ]);
  });

  test('emergent batches and auto-batch-casting of scalars into batch parameters', async () => {
    const imageInput = await engine.run(
      wf(
        [
          { type: 'test/image_size@v1', name: 'size', images: '$inputs.image' },
          { type: 'test/batch_with_scalar@v1', name: 'b', images: '$inputs.image', threshold: 0.25 },
        ],
        [out('b', '$steps.b.out')],
      ),
      { image: [small, wide] },
    );
    assert.deepEqual(imageInput.outputs, [{ b: 0.25 }, { b: 0.25 }]);
    // a step fed by a missing scalar step output is skipped
    const skipped = await engine.run(
      wf(
        [
          { type: 'test/constant@v1', name: 'picture', value: '$inputs.img' },
          { type: 'test/fake_detector@v1', name: 'det', images: '$steps.picture.out', count: 3 },
        ],
        [out('det', '$steps.det.predictions')],
        [{ type: 'WorkflowParameter', name: 'img' }],
      ),
      { img: null },
    );
    assert.deepEqual(skipped.outputs, [{ det: null }]);
    // +1 from scalars creates an emergent batch, attached as one list to every result dict
    const split = defineBlock<{ items: unknown[] }>({
      manifest: {
        type: 'test/split@v1',
        humanName: 'Split',
        version: 'v1',
        blockType: 'transformation',
        shortDescription: 'one child per item',
        properties: { items: { type: 'array' } },
        required: ['items'],
        outputDimensionalityOffset: 1,
        outputs: [{ name: 'item', kind: ['*'] }],
      },
      run: ({ items }) => items.map((item) => ({ item })),
    });
    const withSplit = new ExecutionEngine({ blocks: [...fixtureBlocks, split] });
    const emergent = await withSplit.run(
      wf(
        [
          { type: 'test/split@v1', name: 'split', items: ['a', 'b'] },
          { type: 'test/constant@v1', name: 'echo', value: '$steps.split.item' },
          { type: 'test/image_size@v1', name: 'size', images: '$inputs.image' },
        ],
        [out('echo', '$steps.echo.out'), out('w', '$steps.size.width')],
      ),
      { image: [small, wide] },
    );
    assert.deepEqual(emergent.outputs, [
      { echo: ['a', 'b'], w: 40 },
      { echo: ['a', 'b'], w: 120 },
    ]);
  });

  test('steps of one layer run concurrently up to the cap', async () => {
    concurrency.current = 0;
    concurrency.max = 0;
    const steps = [1, 2, 3, 4, 5].map((i) => ({ type: 'test/sleeper@v1', name: `s${i}`, value: i, ms: 30 }));
    const result = await engine.run(
      wf(
        steps,
        steps.map((s) => out(s.name, `$steps.${s.name}.out`)),
        [],
      ),
      {},
    );
    assert.deepEqual(result.outputs, [{ s1: 1, s2: 2, s3: 3, s4: 4, s5: 5 }]);
    assert.equal(concurrency.max, 2);
  });

  test('coordinates_system parent moves crop detections into root coordinates, own keeps them', async () => {
    const result = await engine.run(
      wf(
        [
          { type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image', count: 2 },
          { type: 'test/crop@v1', name: 'crop', images: '$inputs.image', predictions: '$steps.det.predictions' },
          { type: 'test/fake_detector@v1', name: 'inner', images: '$steps.crop.crops', count: 1 },
        ],
        [
          out('parent', '$steps.inner.predictions'),
          out('own', '$steps.inner.predictions', { coordinates_system: 'own' }),
        ],
      ),
      { image: wide },
    );
    const parent = result.outputs[0]!.parent as any[];
    const own = result.outputs[0]!.own as any[];
    assert.equal(parent.length, 2);
    // second crop starts at (10, 10): its box [0,0,20,10] becomes [10,10,30,20] in the root image
    assert.deepEqual([own[1].predictions[0].x, own[1].predictions[0].y], [10, 5]);
    assert.deepEqual([parent[1].predictions[0].x, parent[1].predictions[0].y], [20, 15]);
    assert.equal(own[1].predictions[0].parent_id, 'det-1');
    assert.deepEqual(own[1].predictions[0].parent_origin, { offset_x: 10, offset_y: 10, width: 20, height: 10 });
    assert.equal(parent[1].predictions[0].parent_id, 'image');
    assert.equal(parent[1].predictions[0].parent_origin, undefined);
    assert.deepEqual(parent[1].image, { width: 120, height: 30 });
  });

  test('profiling trace when enabled and available', async () => {
    const definition = wf(
      [{ type: 'test/image_size@v1', name: 'size', images: '$inputs.image' }],
      [out('w', '$steps.size.width')],
    );
    const result = await engine.run(definition, { image: small }, { enableProfiling: true });
    const names = result.profiler_trace.map((e) => e.name);
    for (const expected of [
      'workflow_compilation',
      'workflow_run',
      'workflow_input_assembly',
      'step_execution',
      'outputs_construction',
    ])
      assert.ok(names.includes(expected), `missing ${expected}`);
    assert.deepEqual(result.profiler_trace.find((e) => e.name === 'step_execution')!.args, {
      step_selector: '$steps.size',
    });
    const excluded = await engine.run(definition, { image: small }, { excludedFields: ['w'] });
    assert.deepEqual(excluded.outputs, [{}]);
  });

  test('describe_interface', () => {
    const description = engine.describeInterface(
      wf(
        [{ type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image', confidence: '$inputs.conf' }],
        [out('p', '$steps.det.predictions'), out('all', '$steps.det.*')],
        [IMAGE, { type: 'WorkflowParameter', name: 'conf' }, { type: 'WorkflowParameter', name: 'unused' }],
      ),
    );
    assert.deepEqual(description.inputs, { image: ['image'], conf: ['float_zero_to_one'], unused: ['*'] });
    assert.deepEqual(description.outputs, {
      p: ['object_detection_prediction'],
      all: { predictions: ['object_detection_prediction'] },
    });
    assert.equal(description.typing_hints.object_detection_prediction, 'dict');
    assert.ok(description.kinds_schemas.object_detection_prediction);
    assert.throws(
      () => engine.describeInterface(wf([], [out('i', '$inputs.image')])),
      (e: WorkflowError) => e.name === 'WorkflowDefinitionError' && /step selector/.test(e.message),
    );
  });
});
