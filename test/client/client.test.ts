// The typed client against a real server with an access key: runs, validation, describe_interface, saved workflows,
// errors with status and request id; and `npm run client:types` output that type-checks against its use.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createClient, SightlineError } from '../../client/index.ts';
import { workflowTypes } from '../../client/workflow-types.ts';
import { startTestServer, TEST_MODEL_ID, type RunningServer } from '../helpers/server.ts';
import { REPO_ROOT, needsShared } from '../helpers/shared.ts';
import { imageBase64 } from '../server/http.ts';

const run = promisify(execFile);
const KEY = 'sk-client-test-key-1234';

const echo = (name: string) => ({
  type: 'roboflow_core/property_definition@v1',
  name,
  data: `$inputs.${name}`,
  operations: [],
});
const definition = {
  version: '1.0',
  inputs: [
    { type: 'WorkflowParameter', name: 'x' },
    { type: 'WorkflowParameter', name: 'label', default_value: 'hi' },
  ],
  steps: [echo('x'), echo('label')],
  outputs: [
    { type: 'JsonField', name: 'x', selector: '$steps.x.output' },
    { type: 'JsonField', name: 'label', selector: '$steps.label.output' },
  ],
};

describe('client', () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer({ env: { SIGHTLINE_API_KEY: KEY } });
  });
  after(() => server?.close());

  test('runWorkflow by definition and by saved id; validate; describeInterface', async () => {
    const client = createClient({ baseUrl: server.url, apiKey: KEY });
    const outputs = await client.runWorkflow<{ x: number }, { x: number; label: string }>(
      { specification: definition },
      { x: 3 },
    );
    assert.deepEqual(outputs, [{ x: 3, label: 'hi' }]);
    assert.deepEqual(await client.validate(definition), { status: 'ok' });
    const saved = await client.workflows.save('team', 'echo', { definition, message: 'first' });
    assert.equal(saved.id, 'echo');
    assert.deepEqual(await client.runWorkflow({ workspace: 'team', workflowId: 'echo' }, { x: 5 }), [
      { x: 5, label: 'hi' },
    ]);
    const described = await client.describeInterface({ workspace: 'team', workflowId: 'echo' });
    assert.deepEqual(Object.keys(described.inputs).sort(), ['label', 'x']);
    assert.equal((await client.workflows.versions('team', 'echo')).versions.length, 1);
    assert.equal((await client.workflows.get('team', 'echo')).definition.version, '1.0');
    await client.workflows.delete('team', 'echo');
    await assert.rejects(client.workflows.get('team', 'echo'), (e: SightlineError) => e.status === 404);
  });

  test('errors carry status, message and request id; a missing key says how to give it', async () => {
    const anonymous = createClient({ baseUrl: server.url });
    const error = await anonymous.validate(definition).catch((e: unknown) => e);
    assert.ok(error instanceof SightlineError);
    assert.equal(error.status, 401);
    assert.match(error.message, /Authorization: Bearer/);
    assert.ok(error.requestId);
    const client = createClient({ baseUrl: server.url, apiKey: () => KEY });
    const bad = await client.runWorkflow({ specification: { version: '1.0' } }, {}).catch((e: unknown) => e);
    assert.ok(bad instanceof SightlineError);
    assert.equal(bad.status, 400);
  });

  test('infer with a local model', { skip: needsShared }, async () => {
    const client = createClient({ baseUrl: server.url, apiKey: KEY });
    const res = await client.infer('object_detection', {
      model_id: TEST_MODEL_ID,
      image: { type: 'base64', value: imageBase64('bus.jpg') },
    });
    assert.ok(!Array.isArray(res));
    assert.deepEqual(res.image, { width: 810, height: 1080 });
  });

  test('client:types output type-checks against its intended use', async () => {
    const client = createClient({ baseUrl: server.url, apiKey: KEY });
    const description = await client.describeInterface({ specification: definition });
    const ts = await workflowTypes(description, 'echo-flow', { definition });
    assert.match(ts, /export interface EchoFlowInputs \{\n\s+x: /);
    assert.match(ts, /label\?: /, 'an input with a default is optional');
    // Inside the repo so the generated file resolves the project's TypeScript; .tmp/ is git-ignored, absent in a clone.
    fs.mkdirSync(path.join(REPO_ROOT, '.tmp'), { recursive: true });
    const dir = fs.mkdtempSync(path.join(REPO_ROOT, '.tmp', 'client-types-'));
    try {
      fs.writeFileSync(path.join(dir, 'echo-flow.ts'), ts);
      fs.writeFileSync(
        path.join(dir, 'use.ts'),
        [
          "import type { EchoFlowInputs, EchoFlowOutputs } from './echo-flow.ts';",
          "import { createClient } from '../../client/index.ts';",
          'export async function use(): Promise<unknown> {',
          '  const inputs: EchoFlowInputs = { x: 1 };',
          '  const out = await createClient().runWorkflow<EchoFlowInputs, EchoFlowOutputs>({ specification: {} }, inputs);',
          '  return out[0]!.label;',
          '}',
          '',
        ].join('\n'),
      );
      const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
      await run(tsc, [
        '--ignoreConfig',
        '--noEmit',
        '--strict',
        '--target',
        'ES2022',
        '--module',
        'NodeNext',
        '--moduleResolution',
        'NodeNext',
        '--allowImportingTsExtensions',
        '--skipLibCheck',
        '--types',
        'node',
        path.join(dir, 'use.ts'),
      ]).catch((error: { stdout?: string }) => assert.fail(`generated types do not type-check:\n${error.stdout}`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('npm run client:types writes types for a definition file without a server', async () => {
    const out = path.join(os.tmpdir(), `sightline-types-${process.pid}.ts`);
    try {
      await run(process.execPath, [
        '--import',
        'tsx',
        path.join(REPO_ROOT, 'client/types-cli.ts'),
        path.join(REPO_ROOT, 'server/examples/detect-and-count.json'),
        '--out',
        out,
      ]);
      const ts = fs.readFileSync(out, 'utf8');
      assert.match(ts, /export interface DetectAndCountInputs/);
      assert.match(ts, /image: ImageKind/);
      assert.match(ts, /predictions: ObjectDetectionPredictionKind/);
    } finally {
      fs.rmSync(out, { force: true });
    }
  });
});
