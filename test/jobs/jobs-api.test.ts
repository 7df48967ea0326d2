// Jobs API in-process (no REDIS_URL): a workflow over many inputs, results in input order, images as files.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { WebSocket } from 'ws';
import { startTestServer, type RunningServer } from '../helpers/server.ts';
import { BLUR_WORKFLOW, colourPng, imageInputs, resultLines, waitForJob } from './workflow-fixtures.ts';

let server: RunningServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

async function submit(body: unknown): Promise<Response> {
  return fetch(`${server.url}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('jobs API, in-process', () => {
  test('runs every input once and returns results in input order, images as files', async () => {
    const inputs = await imageInputs(7);
    const response = await submit({ specification: BLUR_WORKFLOW, inputs, chunk_size: 2 });
    assert.equal(response.status, 202);
    const { job_id: jobId, mode } = (await response.json()) as { job_id: string; mode: string };
    assert.equal(mode, 'in-process');
    const status = await waitForJob(server.url, jobId);
    assert.equal(status.status, 'completed');
    assert.equal(status.done, 7);
    assert.equal(status.total, 7);
    assert.equal(status.failed, 0);
    assert.equal(status.eta_s, 0);
    assert.ok(status.finished_at);

    const lines = await resultLines(server.url, jobId);
    assert.deepEqual(
      lines.map((l) => l.index),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual(
      lines.map((l) => l.outputs[0].label),
      inputs.map((i) => i.label),
    );
    const image = lines[3]!.outputs[0].blurred;
    assert.equal(image.type, 'file');
    assert.equal(image.value, undefined, 'no base64 kept in results');
    const file = await fetch(`${server.url}${image.url}`);
    assert.equal(file.status, 200);
    const meta = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
    assert.equal(meta.width, 64);

    const tail = await resultLines(server.url, jobId, '?from=5');
    assert.deepEqual(
      tail.map((l) => l.index),
      [5, 6],
    );
  });

  test('the job WebSocket streams status changes and every result in order, then ends', async () => {
    const inputs = await imageInputs(6);
    const response = await submit({ specification: BLUR_WORKFLOW, inputs, chunk_size: 1 });
    const { job_id: jobId } = (await response.json()) as { job_id: string };
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/jobs/${jobId}/ws`);
    const messages: Array<Record<string, any>> = [];
    const closeCode = await new Promise<number>((resolve, reject) => {
      ws.on('message', (data) => messages.push(JSON.parse(data.toString()) as Record<string, any>));
      ws.once('close', (code) => resolve(code));
      ws.once('error', reject);
    });
    assert.equal(closeCode, 1000);
    const results = messages.filter((m) => m.type === 'result');
    assert.deepEqual(
      results.map((m) => m.index),
      [0, 1, 2, 3, 4, 5],
    );
    assert.equal(results[2]!.outputs[0].label, 'img-2');
    const statuses = messages.filter((m) => m.type === 'status');
    assert.ok(statuses.length >= 1);
    assert.equal(statuses.at(-1)!.status, 'completed');
    assert.deepEqual(messages.at(-1), { type: 'end', status: 'completed' });

    const unknown = new WebSocket(`${server.url.replace('http', 'ws')}/jobs/00000000-0000-0000-0000-000000000000/ws`);
    const first = await new Promise<Record<string, any>>((resolve, reject) => {
      unknown.once('message', (data) => resolve(JSON.parse(data.toString()) as Record<string, any>));
      unknown.once('error', reject);
    });
    assert.equal(first.type, 'error');
    assert.equal(first.status, 404);
  });

  test('a folder of images inside the media folders fills the workflow image input', async () => {
    const folder = path.join(server.config.dataDir, 'job-folder');
    fs.mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(folder, `frame-${i}.png`), await colourPng(i, 32));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'not an image');
    const response = await submit({ specification: BLUR_WORKFLOW, folder, parameters: { label: 'shared' } });
    assert.equal(response.status, 202, await response.clone().text());
    const { job_id: jobId } = (await response.json()) as { job_id: string };
    const status = await waitForJob(server.url, jobId);
    assert.equal(status.total, 3, 'only image files count');
    const lines = await resultLines(server.url, jobId);
    assert.deepEqual(
      lines.map((l) => l.outputs[0].label),
      ['shared', 'shared', 'shared'],
    );
  });

  test('a failing input is reported with its index and does not stop the others', async () => {
    const inputs = await imageInputs(3);
    inputs[1] = { image: { type: 'base64', value: Buffer.from('not an image').toString('base64') } };
    const { job_id: jobId } = (await (await submit({ specification: BLUR_WORKFLOW, inputs })).json()) as {
      job_id: string;
    };
    const status = await waitForJob(server.url, jobId);
    assert.equal(status.status, 'completed');
    assert.equal(status.failed, 1);
    assert.equal(status.errors.length, 1);
    assert.equal(status.errors[0].index, 1);
    assert.match(status.errors[0].message, /image/i);
    const lines = await resultLines(server.url, jobId);
    assert.equal(lines.length, 3);
    assert.ok(lines[1]!.error, 'the failed input has an error line');
    assert.ok(lines[2]!.outputs, 'the next input still ran');
  });

  test('cancel stops a job before it has run every input', async () => {
    const inputs = await imageInputs(60, 256);
    const { job_id: jobId } = (await (
      await submit({ specification: BLUR_WORKFLOW, inputs, chunk_size: 1 })
    ).json()) as {
      job_id: string;
    };
    const cancelled = await fetch(`${server.url}/jobs/${jobId}`, { method: 'DELETE' });
    assert.equal(cancelled.status, 200);
    const status = await waitForJob(server.url, jobId, (s) => s.status === 'cancelled');
    await new Promise((r) => setTimeout(r, 300));
    const later = (await (await fetch(`${server.url}/jobs/${jobId}`)).json()) as Record<string, any>;
    assert.equal(later.status, 'cancelled');
    assert.ok(later.done < 60, `stopped early (done ${later.done}, first seen ${status.done})`);
  });

  test('bad requests get a 4xx naming the problem', async () => {
    const inputs = await imageInputs(1);
    const cases: Array<[unknown, number, RegExp]> = [
      [{ inputs }, 400, /specification, or workspace_name \+ workflow_id/],
      [{ specification: BLUR_WORKFLOW }, 400, /exactly one source of inputs/],
      [{ specification: BLUR_WORKFLOW, inputs, folder: '/tmp' }, 400, /exactly one source of inputs/],
      [{ specification: BLUR_WORKFLOW, inputs: [] }, 400, /inputs: the list is empty/],
      [{ specification: BLUR_WORKFLOW, folder: '/etc' }, 400, /outside the media folders/],
      [{ specification: BLUR_WORKFLOW, folder: path.join(server.config.dataDir, 'nope') }, 400, /does not exist/],
      [{ workspace_name: 'ws', workflow_id: 'missing', inputs }, 404, /missing/],
      [
        { specification: { version: '1.0', inputs: [], steps: [{ type: 'nope', name: 'x' }], outputs: [] }, inputs },
        400,
        /nope/,
      ],
      [{ specification: BLUR_WORKFLOW, inputs, chunk_size: 0 }, 422, /chunk_size/],
    ];
    for (const [body, status, pattern] of cases) {
      const response = await submit(body);
      const text = await response.text();
      assert.equal(response.status, status, `${JSON.stringify(body).slice(0, 120)} → ${text}`);
      assert.match(text, pattern);
    }
    const unknown = await fetch(`${server.url}/jobs/00000000-0000-0000-0000-000000000000`);
    assert.equal(unknown.status, 404);
    const unknownResults = await fetch(`${server.url}/jobs/00000000-0000-0000-0000-000000000000/results`);
    assert.equal(unknownResults.status, 404);
  });
});
