// Seeded fuzzing of a real server: mutated workflow definitions and malformed requests must each get a JSON answer
// below 500 (except the 500 classes docs/roboflow-compatibility.md#error-responses keeps), 4xx answers must say what was wrong, and after the burst the
// server still answers and still holds the workflow saved before it.
import fs from 'node:fs';
import path from 'node:path';
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { CONFORMANCE_DIR, needsShared } from '../helpers/shared.ts';
import { mutate, MUTATION_KINDS, PROTOTYPE_NAMES, Rng } from './mutations.ts';
import { Recorder, type Probe } from './probe.ts';
import { OWN_DEFINITIONS, CLASSICAL_CV_WORKFLOW, FORMATTERS_WORKFLOW } from './definitions.ts';
import { badImageInputs, smallPng } from './images.ts';

// Defaults keep the run short; FUZZ_SEED / FUZZ_SCALE explore further by hand (e.g. FUZZ_SCALE=5).
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1));
const SAVED_PATH = '/workspaces/robustness/workflows/kept';

let server: RunningServer;
let recorder: Recorder;
let image: { type: string; value: string };

before(async () => {
  // Nothing may leave the machine: remote model and workflow fetches fail fast against a closed local port.
  server = await startTestServer({ config: { apiBaseUrl: 'http://127.0.0.1:9', remoteWorkflowTimeoutMs: 2000 } });
  recorder = new Recorder(server);
  image = { type: 'base64', value: (await smallPng()).toString('base64') };
  const saved = await recorder.send({
    endpoint: SAVED_PATH,
    method: 'PUT',
    label: 'seed',
    body: JSON.stringify({ definition: CLASSICAL_CV_WORKFLOW, message: 'kept' }),
  });
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
});
after(async () => {
  await server?.close();
});

const json = (value: unknown) => JSON.stringify(value);

/** Image inputs get the small PNG; other inputs keep their defaults. */
function runInputs(definition: any): Record<string, unknown> {
  const inputs: Record<string, unknown> = { image };
  for (const input of Array.isArray(definition?.inputs) ? definition.inputs : []) {
    if (input && typeof input.name === 'string' && /image/i.test(String(input.type))) inputs[input.name] = image;
  }
  return inputs;
}

/** Every definition-taking endpoint gets the same mutated definition. */
async function sendDefinition(definition: any, label: string, rng: Rng, index: number): Promise<void> {
  const steps = Array.isArray(definition?.steps) ? definition.steps : [];
  const probes: Probe[] = [
    { endpoint: '/workflows/validate', label, body: json(definition) },
    { endpoint: '/workflows/describe_interface', label, body: json({ specification: definition }) },
    { endpoint: '/workflows/run', label, body: json({ specification: definition, inputs: runInputs(definition) }) },
    {
      endpoint: `/workspaces/fuzz/workflows/m${index}`,
      method: 'PUT',
      label,
      body: json({ definition, draft: rng.next() < 0.2, message: label }),
    },
  ];
  if (steps.length > 0)
    probes.push({ endpoint: '/workflows/blocks/dynamic_outputs', label, body: json(rng.pick(steps)) });
  for (const probe of probes) await recorder.send(probe);
}

async function fuzzDefinitions(
  definitions: Array<[string, unknown]>,
  perDefinition: number,
  seed: number,
): Promise<void> {
  const rng = new Rng(seed);
  let index = 0;
  for (const [name, definition] of definitions) {
    // Each mutation kind at least once per definition, then random mixes.
    for (let i = 0; i < perDefinition; i++) {
      const forced = i < MUTATION_KINDS.length ? MUTATION_KINDS[i] : undefined;
      const mutation = mutate(definition, rng, forced);
      await sendDefinition(mutation.definition, `${name}:${mutation.kind}#${i}`, rng, index++);
    }
  }
}

function assertNoProblems(): void {
  const problems = recorder.problems.splice(0);
  assert.deepEqual(problems, [], `${problems.length} bad answers:\n${problems.join('\n')}`);
}

describe('mutated workflow definitions', () => {
  test('the unmutated own definitions are valid (so mutations start from a working workflow)', async () => {
    for (const [name, definition] of Object.entries(OWN_DEFINITIONS)) {
      const res = await recorder.send({
        endpoint: '/workflows/validate',
        label: `${name}:none`,
        body: json(definition),
      });
      assert.equal(res.status, 200, `${name}: ${json(res.body)}`);
    }
    for (const name of ['classical_cv', 'formatters']) {
      const definition = OWN_DEFINITIONS[name];
      const res = await recorder.send({
        endpoint: '/workflows/run',
        label: `${name}:none`,
        body: json({ specification: definition, inputs: { image } }),
      });
      assert.equal(res.status, 200, `${name}: ${json(res.body)}`);
    }
    assertNoProblems();
  });

  test('mutations of the own definitions never get a 5xx outside docs/roboflow-compatibility.md#error-responses or a 4xx without a message', async () => {
    await fuzzDefinitions(Object.entries(OWN_DEFINITIONS), 30 * SCALE, SEED);
    assertNoProblems();
  });

  test('mutations of every conformance definition', { skip: needsShared }, async () => {
    const dir = path.join(CONFORMANCE_DIR, 'defs');
    const definitions = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f): [string, unknown] => [
        f.replace(/\.json$/, '').slice(-40),
        JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')),
      ]);
    await fuzzDefinitions(definitions, MUTATION_KINDS.length * SCALE, SEED + 1);
    assertNoProblems();
  });
});

describe('names every JavaScript object inherits', () => {
  test('as input, step or output names they get a 400 naming them, and nothing leaks onto Object.prototype', async () => {
    for (const name of PROTOTYPE_NAMES) {
      const variants: Array<[string, any]> = [];
      const asInput = structuredClone(CLASSICAL_CV_WORKFLOW) as any;
      asInput.inputs[1].name = name;
      asInput.steps[1].thresh_value = `$inputs.${name}`;
      variants.push(['input', asInput]);
      const asStep = structuredClone(CLASSICAL_CV_WORKFLOW) as any;
      asStep.steps[0].name = name;
      asStep.steps[1].image = `$steps.${name}.image`;
      variants.push(['step', asStep]);
      const asOutput = structuredClone(CLASSICAL_CV_WORKFLOW) as any;
      asOutput.outputs[0].name = name;
      variants.push(['output', asOutput]);
      for (const [what, definition] of variants) {
        // Before the fix a step or input named `__proto__` made the graph library write onto Object.prototype.
        const res = await recorder.send({
          endpoint: '/workflows/validate',
          label: `${what} named ${name}`,
          body: json(definition),
        });
        assert.equal(res.status, 400, `${what} ${name}: ${json(res.body)}`);
        assert.match(res.body.message, new RegExp(`name '${name}' is reserved`));
      }
    }
    assert.deepEqual(Object.keys(Object.prototype), []);
    const plain = await recorder.send({
      endpoint: '/workflows/validate',
      label: 'plain after reserved names',
      body: json(CLASSICAL_CV_WORKFLOW),
    });
    assert.equal(plain.status, 200, json(plain.body));
    assertNoProblems();
  });

  test('as dictionary keys and parsed JSON fields they are data like any other key', async () => {
    const definition = structuredClone(FORMATTERS_WORKFLOW) as any;
    definition.steps[3].expected_fields = ['a', 'b', 'constructor'];
    definition.steps[4].data = { a: '$steps.parser.a', b: '$steps.parser.b', toString: '$steps.parser.constructor' };
    definition.steps[4].template = 'value {a} of {b} by {toString}';
    const raw = '{"a": 1, "b": "x", "constructor": "c"}';
    const res = await recorder.send({
      endpoint: '/workflows/run',
      label: 'dict keys',
      body: json({ specification: definition, inputs: { image, raw } }),
    });
    assert.equal(res.status, 200, json(res.body));
    assert.equal(res.body.outputs[0].text, 'value 1 of x by c');
    assertNoProblems();
  });
});

const DEFINITION_ENDPOINTS = [
  '/workflows/run',
  '/workflows/validate',
  '/workflows/describe_interface',
  '/workflows/blocks/dynamic_outputs',
];
const MODEL_ENDPOINTS = [
  '/infer/object_detection',
  '/infer/instance_segmentation',
  '/infer/keypoints_detection',
  '/infer/classification',
  '/doctr/ocr',
];
const LEGACY_ENDPOINT = '/coco/3';

describe('malformed requests', () => {
  test('bodies that are not JSON objects, under every content type', async () => {
    const bodies = [
      'not json',
      '{"a":',
      '',
      '[]',
      '[1, 2]',
      '"text"',
      '123',
      'null',
      '{}',
      '{"specification": 5}',
      '\u0000\u0001',
    ];
    const contentTypes = [
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'application/octet-stream',
      'application/json; charset=latin-9',
    ];
    const endpoints = [
      ...DEFINITION_ENDPOINTS,
      ...MODEL_ENDPOINTS,
      LEGACY_ENDPOINT,
      '/workspaces/fuzz/workflows/body',
      '/robustness/workflows/kept',
    ];
    for (const endpoint of endpoints) {
      const method = endpoint.startsWith('/workspaces') ? 'PUT' : 'POST';
      for (const body of bodies) {
        for (const contentType of contentTypes) {
          await recorder.send({
            endpoint,
            method,
            label: `${contentType} ${json(body).slice(0, 20)}`,
            body,
            headers: { 'content-type': contentType },
          });
        }
      }
      await recorder.send({ endpoint, method, label: 'no body, no content type' });
    }
    assertNoProblems();
  });

  test('bodies nested 20000 levels deep (deeper than any recursive walk survives) get a 400', async () => {
    const deepArray = '['.repeat(20000) + '1' + ']'.repeat(20000);
    const definition = json(CLASSICAL_CV_WORKFLOW);
    const bodies: Array<[string, string, string]> = [
      ['/workflows/validate', 'POST', definition.replace('"kernel_size":5', `"kernel_size":${deepArray}`)],
      [
        '/workflows/describe_interface',
        'POST',
        `{"specification":${definition.replace('"default_value":127', `"default_value":${deepArray}`)}}`,
      ],
      [
        '/workflows/run',
        'POST',
        `{"specification":${definition},"inputs":{"image":${json(image)},"thresh":${deepArray}}}`,
      ],
      [
        '/workflows/blocks/dynamic_outputs',
        'POST',
        `{"type":"roboflow_core/json_parser@v1","name":"p","raw_json":"$inputs.x","expected_fields":${deepArray}}`,
      ],
      [
        '/workspaces/fuzz/workflows/deep',
        'PUT',
        `{"draft":true,"definition":${definition},"layout":{"nodes":${deepArray}}}`,
      ],
      ['/infer/object_detection', 'POST', `{"model_id":"coco/3","image":${deepArray}}`],
    ];
    for (const [endpoint, method, body] of bodies) {
      const res = await recorder.send({ endpoint, method, label: 'nested 20000 deep', body });
      assert.equal(res.status, 400, `${endpoint}: ${json(res.body)}`);
      assert.match(res.body.message, /nested more than \d+ levels/);
    }
    assertNoProblems();
  });

  test('image inputs of the wrong kind or with broken content', async () => {
    for (const { label, value } of await badImageInputs()) {
      await recorder.send({
        endpoint: '/workflows/run',
        label,
        body: json({ specification: CLASSICAL_CV_WORKFLOW, inputs: { image: value } }),
      });
      for (const endpoint of MODEL_ENDPOINTS) {
        await recorder.send({ endpoint, label, body: json({ model_id: 'coco/3', image: value }) });
      }
      const raw = (value as { value?: unknown } | null)?.value;
      if (typeof raw === 'string') {
        await recorder.send({
          endpoint: LEGACY_ENDPOINT,
          label,
          body: raw,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
      }
    }
    assertNoProblems();
  });

  test('missing and wrong-typed request fields', async () => {
    const rng = new Rng(SEED + 2);
    const wrong = [null, 1, 'x', [], {}, true, -5, 1e309];
    const runBase = { specification: CLASSICAL_CV_WORKFLOW, inputs: { image } };
    const modelBase = { model_id: 'coco/3', image, confidence: 0.5, iou_threshold: 0.5, max_detections: 10 };
    for (const [endpoint, base] of [
      ['/workflows/run', runBase],
      ...MODEL_ENDPOINTS.map((e) => [e, modelBase] as const),
    ] as const) {
      for (const key of [
        ...Object.keys(base),
        'excluded_fields',
        'enable_profiling',
        'api_key',
        'class_filter',
        'disable_sinks',
      ]) {
        const missing: Record<string, unknown> = { ...base };
        delete missing[key];
        await recorder.send({ endpoint, label: `missing ${key}`, body: json(missing) });
        await recorder.send({ endpoint, label: `wrong ${key}`, body: json({ ...base, [key]: rng.pick(wrong) }) });
      }
    }
    for (const modelId of ['', 'a/b/c', '../../etc/passwd', 'coco', 'coco/0', 'coco/x', 'nope/1', 'yolov8n-640']) {
      await recorder.send({
        endpoint: '/infer/object_detection',
        label: `model_id ${modelId}`,
        body: json({ ...modelBase, model_id: modelId }),
      });
    }
    const legacyQueries = [
      '?confidence=abc',
      '?overlap=-1',
      '?format=xml',
      '?image=not-a-url',
      '?image=http://127.0.0.1:9/x.jpg',
      '?max_detections=1.5',
      '?stroke=-3',
      '?image_type=numpy',
    ];
    for (const query of legacyQueries) {
      await recorder.send({
        endpoint: LEGACY_ENDPOINT + query,
        label: query,
        body: image.value,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    }
    await recorder.send({
      endpoint: '/nope/1',
      label: 'unknown model',
      body: image.value,
      headers: { 'content-type': 'text/plain' },
    });
    const put = [
      {},
      { definition: null },
      { definition: [] },
      { definition: CLASSICAL_CV_WORKFLOW, base_version: -1 },
      { definition: CLASSICAL_CV_WORKFLOW, draft: 'yes' },
      { definition: CLASSICAL_CV_WORKFLOW, extra: 1 },
    ];
    for (const body of put)
      await recorder.send({
        endpoint: '/workspaces/fuzz/workflows/fields',
        method: 'PUT',
        label: json(body).slice(0, 30),
        body: json(body),
      });
    for (const p of [
      '/workspaces/..%2f..%2fetc/workflows/x',
      '/workspaces/fuzz/workflows/%00',
      '/workspaces/fuzz/workflows/' + 'a'.repeat(5000),
    ]) {
      await recorder.send({
        endpoint: p,
        method: 'PUT',
        label: 'bad id',
        body: json({ definition: CLASSICAL_CV_WORKFLOW }),
      });
    }
    assertNoProblems();
  });
});

test('after the burst the server answers, keeps the saved workflow, and the status table is printed', async (t) => {
  const health = await fetch(server.url + '/healthz');
  assert.equal(health.status, 200);
  const kept = await recorder.send({ endpoint: SAVED_PATH, method: 'GET', label: 'after burst' });
  assert.equal(kept.status, 200, json(kept.body));
  assert.deepEqual(kept.body.definition, CLASSICAL_CV_WORKFLOW);
  assert.deepEqual(Object.keys(Object.prototype), [], 'a request wrote onto Object.prototype');
  t.diagnostic('status counts per endpoint:');
  for (const line of recorder.table().split('\n')) t.diagnostic(line);
  t.diagnostic(`500s kept by docs/roboflow-compatibility.md#error-responses: ${recorder.allowed500.length}`);
  for (const line of recorder.allowed500.slice(0, 20)) t.diagnostic(line);
  assertNoProblems();
});
