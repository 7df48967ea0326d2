// /workflows/* end to end over HTTP: runs with a real model, flow control, fan-out/fan-in, batches, and the
// describe/validate/schema/interface/versions/dynamic_outputs endpoints.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { needsShared } from '../helpers/shared.ts';
import { classCounts, detectionWorkflow, get, imageInput, OD_BLOCK, post } from './http.ts';

const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';

const PROPERTY = 'roboflow_core/property_definition@v1';
const CROP = 'roboflow_core/dynamic_crop@v1';
const COLLAPSE = 'roboflow_core/dimension_collapse@v1';
const CONTINUE_IF = 'roboflow_core/continue_if@v1';

let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.close();
});

describe('POST /workflows/run with a detection model', { skip: needsShared }, () => {
  test('bus.jpg gives at least 4 persons and 1 bus, with profiler_trace present', async () => {
    const res = await post(server, '/workflows/run', {
      specification: detectionWorkflow(),
      inputs: { image: imageInput('bus.jpg') },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body).sort(), ['outputs', 'profiler_trace']);
    assert.deepEqual(res.body.profiler_trace, []);
    assert.equal(res.body.outputs.length, 1);
    const payload = res.body.outputs[0].predictions;
    assert.equal(payload.image.width, 810);
    assert.equal(payload.image.height, 1080);
    const counts = classCounts(payload.predictions);
    assert.ok((counts.person ?? 0) >= 4, `persons: ${JSON.stringify(counts)}`);
    assert.equal(counts.bus, 1, JSON.stringify(counts));
  });

  test('the legacy /infer/workflows path and a Bearer api key behave the same', async () => {
    const res = await post(
      server,
      '/infer/workflows',
      { specification: detectionWorkflow(), inputs: { image: imageInput('bus.jpg') }, excluded_fields: [] },
      { authorization: 'Bearer local-key' },
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.outputs[0].predictions.predictions.length >= 5);
  });

  test('two images in one request give two output dicts', async () => {
    const res = await post(server, '/workflows/run', {
      specification: detectionWorkflow(),
      inputs: { image: [imageInput('bus.jpg'), imageInput('dog.jpg')] },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.outputs.length, 2);
    const dogClasses = classCounts(res.body.outputs[1].predictions.predictions);
    assert.ok(dogClasses.dog >= 1, JSON.stringify(dogClasses));
    assert.equal(classCounts(res.body.outputs[0].predictions.predictions).bus, 1);
  });

  test('excluded_fields removes an output and enable_profiling returns trace events', async () => {
    const definition = detectionWorkflow();
    (definition.outputs as unknown[]).push({ type: 'JsonField', name: 'model_id', selector: '$steps.det.model_id' });
    const res = await post(server, '/workflows/run', {
      specification: definition,
      inputs: { image: imageInput('dog.jpg') },
      excluded_fields: ['predictions'],
      enable_profiling: true,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body.outputs[0]), ['model_id']);
    assert.ok(res.body.profiler_trace.length > 0);
  });

  test('detect → dynamic_crop → per-crop step → dimension_collapse returns one list per input image', async () => {
    const definition = {
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [
        { type: OD_BLOCK, name: 'det', images: '$inputs.image', model_id: 'yolov8n-640', class_filter: ['person'] },
        { type: CROP, name: 'crop', images: '$inputs.image', predictions: '$steps.det.predictions' },
        {
          type: PROPERTY,
          name: 'crop_width',
          data: '$steps.crop.crops',
          operations: [{ type: 'ExtractImageProperty', property_name: 'width' }],
        },
        { type: COLLAPSE, name: 'collapse', data: '$steps.crop_width.output' },
      ],
      outputs: [
        { type: 'JsonField', name: 'widths', selector: '$steps.collapse.output' },
        { type: 'JsonField', name: 'persons', selector: '$steps.det.predictions' },
      ],
    };
    const res = await post(server, '/workflows/run', {
      specification: definition,
      inputs: { image: [imageInput('bus.jpg'), imageInput('zidane.jpg')] },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.outputs.length, 2);
    for (const output of res.body.outputs) {
      const persons = output.persons.predictions;
      assert.ok(Array.isArray(output.widths));
      assert.equal(output.widths.length, persons.length);
      const expected = persons.map((p: { width: number }) => Math.round(p.width));
      output.widths.forEach((w: number, i: number) =>
        assert.ok(Math.abs(w - expected[i]) <= 2, `crop ${i}: ${w} vs box ${expected[i]}`),
      );
    }
    assert.ok(res.body.outputs[0].widths.length >= 4);
  });

  test('continue_if that is false yields null outputs; true lets the step run', async () => {
    const gated = (threshold: number) => ({
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [
        { type: OD_BLOCK, name: 'det', images: '$inputs.image', model_id: 'yolov8n-640' },
        {
          type: CONTINUE_IF,
          name: 'gate',
          condition_statement: {
            type: 'StatementGroup',
            statements: [
              {
                type: 'BinaryStatement',
                left_operand: {
                  type: 'DynamicOperand',
                  operand_name: 'dets',
                  operations: [{ type: 'SequenceLength' }],
                },
                comparator: { type: '(Number) >' },
                right_operand: { type: 'StaticOperand', value: threshold },
              },
            ],
          },
          evaluation_parameters: { dets: '$steps.det.predictions' },
          next_steps: ['$steps.count'],
        },
        { type: PROPERTY, name: 'count', data: '$steps.det.predictions', operations: [{ type: 'SequenceLength' }] },
      ],
      outputs: [{ type: 'JsonField', name: 'count', selector: '$steps.count.output' }],
    });
    const closed = await post(server, '/workflows/run', {
      specification: gated(100),
      inputs: { image: imageInput('bus.jpg') },
    });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.deepEqual(closed.body.outputs, [{ count: null }]);
    const open = await post(server, '/workflows/run', {
      specification: gated(0),
      inputs: { image: imageInput('bus.jpg') },
    });
    assert.equal(open.status, 200, JSON.stringify(open.body));
    assert.ok(open.body.outputs[0].count >= 5);
  });
});

describe('workflow errors', () => {
  test('malformed JSON → 400 naming the JSON problem', async () => {
    const res = await post(server, '/workflows/run', '{"specification": {', { 'content-type': 'application/json' });
    assert.equal(res.status, 400);
    assert.match(res.body.message, /JSON/);
  });

  test('wrong types → 422 FastAPI-style detail', async () => {
    const res = await post(server, '/workflows/run', { specification: 'not an object', inputs: [] });
    assert.equal(res.status, 422);
    const locs = res.body.detail.map((d: { loc: unknown[] }) => d.loc.join('.'));
    assert.ok(locs.includes('body.specification'), JSON.stringify(res.body));
    assert.ok(locs.includes('body.inputs'), JSON.stringify(res.body));
    for (const d of res.body.detail) assert.equal(typeof d.msg, 'string');
  });

  test('missing specification → 422 with type missing', async () => {
    const res = await post(server, '/workflows/run', { inputs: {} });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.detail[0], { loc: ['body', 'specification'], msg: 'Field required', type: 'missing' });
  });

  test('compile error → 400 body A with blocks_errors naming the step', async () => {
    const res = await post(server, '/workflows/run', {
      specification: detectionWorkflow({ confidence: 'very high' }),
      // Compilation fails before the input is decoded: any image will do, so no ../shared photo is needed.
      inputs: { image: { type: 'base64', value: ONE_PIXEL_PNG } },
    });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error_type, 'WorkflowSyntaxError');
    assert.deepEqual(Object.keys(res.body).sort(), [
      'blocks_errors',
      'context',
      'error_type',
      'inner_error_message',
      'inner_error_type',
      'message',
      'python_blocks_debug_traces',
      'python_blocks_output_streams',
      // Ours, not Roboflow's: the X-Request-Id of the request, in every error body.
      'request_id',
    ]);
    assert.equal(typeof res.body.inner_error_type, 'string');
    assert.ok(
      res.body.blocks_errors.some((e: { block_id: string }) => e.block_id === 'det'),
      JSON.stringify(res.body.blocks_errors),
    );
  });

  test('unknown block type → 400 WorkflowSyntaxError naming the step', async () => {
    const res = await post(server, '/workflows/validate', {
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [{ type: 'acme/teleport@v9', name: 'beam', image: '$inputs.image' }],
      outputs: [],
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error_type, 'WorkflowSyntaxError');
    assert.equal(res.body.blocks_errors[0].block_id, 'beam');
  });

  test('unsupported version → 400 short body with stringified inner error', async () => {
    const res = await post(server, '/workflows/validate', { version: '2.0', inputs: [], steps: [], outputs: [] });
    assert.equal(res.status, 400);
    assert.equal(res.body.error_type, 'NotSupportedExecutionEngineError');
    assert.equal(res.body.inner_error_message, 'None');
    assert.equal('blocks_errors' in res.body, false);
  });

  test('unknown model → 404 naming the step', { skip: needsShared }, async () => {
    const res = await post(server, '/workflows/run', {
      specification: detectionWorkflow(),
      inputs: { image: imageInput('dog.jpg'), model: 'no-such-project/7' },
    });
    assert.equal(res.status, 404, JSON.stringify(res.body));
    assert.equal(res.body.blocks_errors[0].block_id, 'det');
  });

  test('numpy image → 400', { skip: needsShared }, async () => {
    const res = await post(server, '/workflows/run', {
      specification: detectionWorkflow(),
      inputs: { image: { type: 'numpy', value: 'gASVAAAAAAAAAAA=' } },
    });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(JSON.stringify(res.body), /numpy/i);
  });

  test('image URL on a private address is refused with 400', { skip: needsShared }, async () => {
    const res = await post(server, '/workflows/run', {
      specification: detectionWorkflow(),
      inputs: { image: { type: 'url', value: `${server.url}/info` } },
    });
    assert.equal(res.status, 400, JSON.stringify(res.body));
  });

  test('oversized body → 413', async () => {
    const limit = server.config.maxBodyBytes;
    const padding = 'A'.repeat(limit + 1024);
    const res = await post(server, '/workflows/run', `{"specification": {}, "inputs": {"image": "${padding}"}}`);
    assert.equal(res.status, 413);
    assert.match(res.body.message, /too large/);
  });

  test('unknown path → 404 JSON', async () => {
    const res = await get(server, '/workflows/nothing-here/at-all');
    assert.equal(res.status, 404);
  });
});

describe('describe, validate and friends', () => {
  test('validate a good definition → {"status":"ok"}', async () => {
    const res = await post(server, '/workflows/validate', detectionWorkflow());
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { status: 'ok' });
  });

  test('blocks/describe: GET, gzip on request, POST with an execution engine filter', async () => {
    // fetch asks for gzip by default; identity asks for a plain body.
    const plain = await get(server, '/workflows/blocks/describe', { 'accept-encoding': 'identity' });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.ok(Array.isArray(plain.body.blocks) && plain.body.blocks.length > 0);
    for (const key of [
      'declared_kinds',
      'kinds_connections',
      'primitives_connections',
      'universal_query_language_description',
      'dynamic_block_definition_schema',
    ]) {
      assert.ok(key in plain.body, key);
    }
    const zipped = await get(server, '/workflows/blocks/describe', { 'accept-encoding': 'gzip' });
    assert.equal(zipped.headers.get('content-encoding'), 'gzip');
    assert.deepEqual(zipped.body, plain.body);
    const filtered = await post(server, '/workflows/blocks/describe', { execution_engine_version: '1.0.0' });
    assert.equal(filtered.status, 200);
    assert.ok(filtered.body.blocks.length <= plain.body.blocks.length);
    const bad = await post(server, '/workflows/blocks/describe', { execution_engine_version: 'not-a-version' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error_type, 'WorkflowExecutionEngineVersionError');
  });

  test('definition schema', async () => {
    const res = await get(server, '/workflows/definition/schema', { 'accept-encoding': 'gzip, deflate' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.equal(typeof res.body.schema, 'object');
    assert.ok(JSON.stringify(res.body.schema).includes('JsonField'));
  });

  test('describe_interface without an api key', async () => {
    const res = await post(server, '/workflows/describe_interface', { specification: detectionWorkflow() });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.inputs.image.includes('image'));
    assert.ok(res.body.outputs.predictions.includes('object_detection_prediction'));
    assert.ok('typing_hints' in res.body && 'kinds_schemas' in res.body);
  });

  test('execution engine versions', async () => {
    const res = await get(server, '/workflows/execution_engine/versions');
    assert.deepEqual(res.body, { versions: ['1.15.0'] });
  });

  test('dynamic_outputs of one step manifest, and a bad manifest → 400', async () => {
    const res = await post(server, '/workflows/blocks/dynamic_outputs', {
      type: OD_BLOCK,
      name: 'det',
      images: '$inputs.image',
      model_id: 'coco/3',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const byName = Object.fromEntries(
      res.body.map((o: { name: string; kind: Array<{ name: string }> }) => [o.name, o.kind.map((k) => k.name)]),
    );
    assert.deepEqual(byName.predictions, ['object_detection_prediction']);
    const bad = await post(server, '/workflows/blocks/dynamic_outputs', { type: 'nope/x@v1', name: 'x' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error_type, 'WorkflowSyntaxError');
  });

  test('/info, /healthz, /readiness', async () => {
    const info = await get(server, '/info');
    assert.equal(info.body.name, 'Sightline Inference Server');
    assert.match(info.body.version, /^\d+\.\d+\.\d+/);
    assert.match(info.body.uuid, /^[0-9a-f-]{36}$/);
    assert.equal((await get(server, '/healthz')).status, 200);
    assert.equal((await get(server, '/readiness')).status, 200);
  });
});
