// Saved workflows used by reference: inner-workflow steps naming a saved child (workflow_workspace_id +
// workflow_id [+ workflow_version_id]) and Roboflow's `local` workspace files (docs/roboflow-compatibility.md#inner-workflows, #saved-workflows).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { jsonRequest } from './http.ts';

/** Upper-cases its `text` input. */
const child = (prefix: string) => ({
  version: '1.0',
  inputs: [{ type: 'WorkflowParameter', name: 'text' }],
  steps: [
    {
      type: 'roboflow_core/property_definition@v1',
      name: 'upper',
      data: '$inputs.text',
      operations: [{ type: 'StringToUpperCase' }],
    },
    {
      type: 'roboflow_core/expression@v1',
      name: 'tag',
      data: { value: '$steps.upper.output' },
      switch: { type: 'CasesDefinition', cases: [], default: { type: 'StaticCaseResult', value: prefix } },
    },
  ],
  outputs: [
    { type: 'JsonField', name: 'upper', selector: '$steps.upper.output' },
    { type: 'JsonField', name: 'tag', selector: '$steps.tag.output' },
  ],
});

const parent = (reference: Record<string, unknown>) => ({
  version: '1.0',
  inputs: [{ type: 'WorkflowParameter', name: 'word' }],
  steps: [
    {
      type: 'roboflow_core/inner_workflow@v1',
      name: 'inner',
      ...reference,
      parameter_bindings: { text: '$inputs.word' },
    },
  ],
  outputs: [
    { type: 'JsonField', name: 'shout', selector: '$steps.inner.upper' },
    { type: 'JsonField', name: 'tag', selector: '$steps.inner.tag' },
  ],
});

let server: RunningServer;
let modelCacheDir: string;

function writeLocalWorkflow(id: string, content: unknown): void {
  const dir = path.join(modelCacheDir, 'workflow', 'local');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${createHash('sha256').update(id).digest('hex')}.json`), JSON.stringify(content));
}

before(async () => {
  modelCacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-local-wf-'));
  server = await startTestServer({ modelCacheDir });
});
after(async () => {
  await server?.close();
  fs.rmSync(modelCacheDir, { recursive: true, force: true });
});

describe('inner workflows referencing saved workflows', () => {
  test('a parent run over HTTP resolves its saved child; a pinned version and a newer save are both honoured', async () => {
    const saved = await jsonRequest(server.url, 'PUT', '/workspaces/team/workflows/shouter', {
      definition: child('v1'),
    });
    assert.equal(saved.status, 201, JSON.stringify(saved.body));
    const run = (reference: Record<string, unknown>) =>
      jsonRequest(server.url, 'POST', '/workflows/run', {
        specification: parent(reference),
        inputs: { word: 'quiet' },
      });
    let res = await run({ workflow_workspace_id: 'team', workflow_id: 'shouter' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.outputs, [{ shout: 'QUIET', tag: 'v1' }]);

    assert.equal(
      (
        await jsonRequest(server.url, 'PUT', '/workspaces/team/workflows/shouter', {
          definition: child('v2'),
          base_version: 1,
        })
      ).status,
      200,
    );
    res = await run({ workflow_workspace_id: 'team', workflow_id: 'shouter' });
    assert.deepEqual(
      res.body.outputs,
      [{ shout: 'QUIET', tag: 'v2' }],
      'the latest child version is used, not a cached plan',
    );
    res = await run({ workflow_workspace_id: 'team', workflow_id: 'shouter', workflow_version_id: '1' });
    assert.deepEqual(res.body.outputs, [{ shout: 'QUIET', tag: 'v1' }]);

    // The parent itself saved and run through the predefined-workflow endpoint.
    assert.equal(
      (
        await jsonRequest(server.url, 'PUT', '/workspaces/team/workflows/caller', {
          definition: parent({ workflow_workspace_id: 'team', workflow_id: 'shouter' }),
        })
      ).status,
      201,
    );
    res = await jsonRequest(server.url, 'POST', '/team/workflows/caller', { inputs: { word: 'hey' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.outputs, [{ shout: 'HEY', tag: 'v2' }]);
  });

  test('an unknown child is a 400 naming the step and the reference', async () => {
    const res = await jsonRequest(server.url, 'POST', '/workflows/run', {
      specification: parent({ workflow_workspace_id: 'team', workflow_id: 'nobody' }),
      inputs: { word: 'x' },
    });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(res.body), /InnerWorkflowInvalidStepEntryError/);
    assert.match(res.body.message, /'inner'.*team\/nobody was not found/);
  });
});

describe('the local workspace', () => {
  test('POST /local/workflows/{id} runs the definition in MODEL_CACHE_DIR/workflow/local/<sha256(id)>.json', async () => {
    writeLocalWorkflow('wrapped_one', { specification: child('wrapped') });
    writeLocalWorkflow('plain-one', child('plain'));
    let res = await jsonRequest(server.url, 'POST', '/local/workflows/wrapped_one', { inputs: { text: 'abc' } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.outputs, [{ upper: 'ABC', tag: 'wrapped' }]);
    res = await jsonRequest(server.url, 'POST', '/local/workflows/plain-one', { inputs: { text: 'def' } });
    assert.deepEqual(res.body.outputs, [{ upper: 'DEF', tag: 'plain' }]);
    res = await jsonRequest(server.url, 'POST', '/local/workflows/plain-one/describe_interface', {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body.outputs).sort(), ['tag', 'upper']);
  });

  test('local files serve inner-workflow references too; a missing file is 404, a broken one 502', async () => {
    writeLocalWorkflow('local_child', child('from-file'));
    let res = await jsonRequest(server.url, 'POST', '/workflows/run', {
      specification: parent({ workflow_workspace_id: 'local', workflow_id: 'local_child' }),
      inputs: { word: 'ok' },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.outputs, [{ shout: 'OK', tag: 'from-file' }]);

    res = await jsonRequest(server.url, 'POST', '/local/workflows/absent', { inputs: {} });
    assert.equal(res.status, 404, JSON.stringify(res.body));
    const dir = path.join(modelCacheDir, 'workflow', 'local');
    fs.writeFileSync(path.join(dir, `${createHash('sha256').update('broken').digest('hex')}.json`), '{not json');
    res = await jsonRequest(server.url, 'POST', '/local/workflows/broken', { inputs: {} });
    assert.equal(res.status, 502, JSON.stringify(res.body));
  });
});
