// Execution semantics with the fixture plugin: batch vs element mode, fan-out/fan-in, masks, output shapes,
// runtime errors, concurrency, runtime input validation and image inputs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import {
  defineBlock,
  ExecutionEngine,
  imagesProperty,
  InferenceModelNotFound,
  ModelNotFoundError,
  WorkflowError,
  type PlatformError,
} from '../../../engine/index.ts';
import { mapError } from '../../../server/error-map.ts';
import { batchCalls, concurrency, fixtureBlocks } from '../fixture-blocks.ts';

const throwing = defineBlock<{ images: unknown; which: string }>({
  manifest: {
    type: 'test/throwing@v1',
    humanName: 'Throwing',
    version: 'v1',
    blockType: 'model',
    shortDescription: 'throws platform errors',
    properties: { images: imagesProperty(), which: { type: 'string' } },
    required: ['images', 'which'],
    outputs: [{ name: 'out', kind: ['*'] }],
  },
  run: ({ which }) => {
    throw (
      which === '404' ? new ModelNotFoundError('no such model') : new InferenceModelNotFound('still loading')
    ) as PlatformError;
  },
});

const engine = new ExecutionEngine({
  blocks: [...fixtureBlocks, throwing],
  maxConcurrentSteps: 2,
  profilingAvailable: true,
});
const IMAGE = { type: 'WorkflowImage', name: 'image' };
const out = (name: string, selector: string, extra: Record<string, unknown> = {}) => ({
  type: 'JsonField',
  name,
  selector,
  ...extra,
});
const wf = (steps: unknown[], outputs: unknown[], inputs: unknown[] = [IMAGE]) => ({
  version: '1.0',
  inputs,
  steps,
  outputs,
});

let small: string; // 40x30
let wide: string; // 120x30
let pngBytes: Buffer;
before(async () => {
  const make = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: { r: 200, g: 10, b: 10 } } })
      .png()
      .toBuffer();
  pngBytes = await make(40, 30);
  small = pngBytes.toString('base64');
  wide = (await make(120, 30)).toString('base64');
});

async function expectRunError(promise: Promise<unknown>, name: string, check: (e: any) => void = () => {}) {
  await assert.rejects(promise, (error: any) => {
    assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
    check(error);
    return true;
  });
}

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

  test('output key mismatch → ExecutionEngineRuntimeError', async () => {
    await expectRunError(
      engine.run(wf([{ type: 'test/bad_outputs@v1', name: 'bad', images: '$inputs.image' }], []), { image: small }),
      'ExecutionEngineRuntimeError',
      (e) => {
        assert.match(e.message, /Step bad did not produce required outputs\. Expected: \[out\]\. Got: \[wrong\]/);
      },
    );
  });

  test('block exception → StepExecutionError naming the step; platform errors keep their status', async () => {
    await expectRunError(
      engine.run(wf([{ type: 'test/failing@v1', name: 'boom', images: '$inputs.image' }], []), { image: small }),
      'StepExecutionError',
      (e) => {
        assert.equal(e.blockId, 'boom');
        assert.equal(e.blockType, 'test/failing@v1');
        assert.match(e.message, /kaboom from fixture/);
      },
    );
    await expectRunError(
      engine.run(wf([{ type: 'test/throwing@v1', name: 't', images: '$inputs.image', which: '404' }], []), {
        image: small,
      }),
      'ClientCausedStepExecutionError',
      (e) => {
        // The engine knows no HTTP: the server's table answers with the status of what the block raised.
        assert.ok(e.innerError instanceof ModelNotFoundError);
        assert.equal(mapError(e)?.status, 404);
        assert.equal(e.blockId, 't');
      },
    );
    await expectRunError(
      engine.run(wf([{ type: 'test/throwing@v1', name: 't', images: '$inputs.image', which: '503' }], []), {
        image: small,
      }),
      'InferenceModelNotFound',
    );
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

  test('runtime input validation and input assembly errors', async () => {
    const definition = wf(
      [{ type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image', confidence: '$inputs.conf' }],
      [out('p', '$steps.det.predictions')],
      [IMAGE, { type: 'WorkflowParameter', name: 'conf', default_value: 0.3 }],
    );
    await expectRunError(engine.run(definition, { image: small, conf: 1.5 }), 'RuntimeInputError', (e) => {
      assert.match(e.message, /step 'det'/);
      assert.match(e.message, /property 'confidence'/);
    });
    const ok = await engine.run(definition, { image: small });
    assert.equal((ok.outputs[0]!.p as any).predictions[0].confidence, 0.3);
    await expectRunError(engine.run(definition, {}), 'RuntimeInputError', (e) =>
      assert.match(e.message, /value is not provided/),
    );
    const two = wf(
      [
        { type: 'test/image_size@v1', name: 'a', images: '$inputs.image' },
        { type: 'test/image_size@v1', name: 'b', images: '$inputs.other' },
      ],
      [],
      [IMAGE, { type: 'WorkflowImage', name: 'other' }],
    );
    await expectRunError(
      engine.run(two, { image: [small, small], other: [small, small, small] }),
      'RuntimeInputError',
      (e) => assert.match(e.message, /same length, or of length 1/),
    );
  });

  test('numpy inputs are refused with a clear message; oversized images are refused', async () => {
    const definition = wf(
      [{ type: 'test/image_size@v1', name: 'size', images: '$inputs.image' }],
      [out('w', '$steps.size.width')],
    );
    await expectRunError(
      engine.run(definition, { image: { type: 'numpy_object', value: 'AAAA' } }),
      'InputImageLoadError',
      (e) => assert.match(e.message, /numpy_object input is not supported, send base64 or url/),
    );
    const tiny = new ExecutionEngine({ blocks: fixtureBlocks, imageInput: { maxPixels: 1000 } });
    await expectRunError(tiny.run(definition, { image: wide }), 'InputImageLoadError', (e) =>
      assert.match(e.message, /exceeds the limit of 1000 pixels/),
    );
    const dataUri = await engine.run(definition, { image: `data:image/png;base64,${small}` });
    assert.equal(dataUri.outputs[0]!.w, 40);
  });

  test('detections inputs are deserialized from the serialized payload', async () => {
    const payload = {
      image: { width: 40, height: 30 },
      predictions: [
        {
          x: 10,
          y: 10,
          width: 10,
          height: 6,
          confidence: 0.9,
          class_id: 1,
          class: 'a',
          detection_id: 'd1',
          parent_id: 'image',
        },
      ],
    };
    const result = await engine.run(
      wf(
        [
          { type: 'test/crop@v1', name: 'crop', images: '$inputs.image', predictions: '$inputs.dets' },
          { type: 'test/image_size@v1', name: 'size', images: '$steps.crop.crops' },
        ],
        [out('sizes', '$steps.size.*')],
        [IMAGE, { type: 'WorkflowBatchInput', name: 'dets', kind: ['object_detection_prediction'] }],
      ),
      { image: small, dets: payload },
    );
    assert.deepEqual(result.outputs, [{ sizes: [{ width: 10, height: 6 }] }]);
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

describe('URL image inputs', () => {
  let server: http.Server;
  let url: string;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/image.png' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(pngBytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const definition = wf(
    [{ type: 'test/image_size@v1', name: 'size', images: '$inputs.image' }],
    [out('w', '$steps.size.width')],
  );

  test('refuses loopback addresses by default', async () => {
    await expectRunError(
      engine.run(definition, { image: { type: 'url', value: `${url}/image.png` } }),
      'InputImageLoadError',
      (e) =>
        assert.match(
          e.message,
          /^Refusing to load image from http:\/\/127\.0\.0\.1:\d+\/image\.png: '127\.0\.0\.1' is a private, loopback, link-local or otherwise non-public address$/,
        ),
    );
  });

  test('fetches (following redirects) from an allow-listed host', async () => {
    const allowed = new ExecutionEngine({ blocks: fixtureBlocks, imageInput: { urlAllowList: ['127.0.0.1'] } });
    const result = await allowed.run(definition, { image: { type: 'url', value: `${url}/redirect` } });
    assert.deepEqual(result.outputs, [{ w: 40 }]);
    const capped = new ExecutionEngine({
      blocks: fixtureBlocks,
      imageInput: { urlAllowList: ['127.0.0.1'], maxUrlBytes: 10 },
    });
    await expectRunError(
      capped.run(definition, { image: { type: 'url', value: `${url}/image.png` } }),
      'InputImageLoadError',
      (e) => assert.match(e.message, /larger than 10 bytes/),
    );
  });
});
