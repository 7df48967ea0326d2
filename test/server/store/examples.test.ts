// The `examples` workspace: seeded once on first start, never re-seeded over a user's changes, and every
// example compiles (and detect-and-count runs on a real photo).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { needsShared, sharedImage } from '../../helpers/shared.ts';
import sharp from 'sharp';
import { loadExamples, type ExampleFile } from '../../../server/store/seed.ts';
import { jsonRequest } from './http.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-examples-'));
let server: RunningServer;
let examples: ExampleFile[];

const stepTypes = (example: ExampleFile) => (example.definition.steps as Array<{ type: string }>).map((s) => s.type);

describe('examples workspace', () => {
  before(async () => {
    examples = await loadExamples();
    server = await startTestServer({ dataDir, config: { seedExamples: true } });
  });
  after(async () => {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('first start seeds every example file as version 1', async () => {
    assert.ok(examples.length >= 5);
    const listed = await jsonRequest(server.url, 'GET', '/workspaces/examples/workflows');
    assert.deepEqual(
      listed.body.workflows.map((w: { id: string }) => w.id),
      examples.map((e) => e.id).sort(),
    );
    for (const example of examples) {
      const saved = await jsonRequest(server.url, 'GET', `/workspaces/examples/workflows/${example.id}`);
      assert.equal(saved.body.version, 1);
      assert.equal(saved.body.message, example.description);
      assert.deepEqual(saved.body.definition, example.definition);
      if (stepTypes(example).some((t) => t.includes('object_detection'))) {
        assert.match(example.description, /npm run models:import -- /, `${example.id} says how to install a model`);
      }
    }
  });

  test('a restart does not re-seed over a user deleting an example', async () => {
    const victim = examples[0]!.id;
    assert.equal((await jsonRequest(server.url, 'DELETE', `/workspaces/examples/workflows/${victim}`)).status, 204);
    const again = await startTestServer({ dataDir, config: { seedExamples: true } });
    try {
      const res = await jsonRequest(again.url, 'GET', `/workspaces/examples/workflows/${victim}`);
      assert.equal(res.status, 404);
      const listed = await jsonRequest(again.url, 'GET', '/workspaces/examples/workflows');
      assert.equal(listed.body.workflows.length, examples.length - 1);
    } finally {
      await again.close();
    }
  });

  test('every example compiles', async () => {
    for (const example of examples) {
      const res = await jsonRequest(server.url, 'POST', '/workflows/validate', example.definition);
      assert.equal(res.status, 200, `${example.id}: ${JSON.stringify(res.body)}`);
    }
  });

  test('detect-and-count runs on bus.jpg from the store', { skip: needsShared }, async () => {
    const example = examples.find((e) => e.id === 'detect-and-count')!;
    await jsonRequest(server.url, 'PUT', '/workspaces/mine/workflows/count', { definition: example.definition });
    const image = { type: 'base64', value: fs.readFileSync(sharedImage('bus.jpg')).toString('base64') };
    const res = await jsonRequest(server.url, 'POST', '/mine/workflows/count', { inputs: { image } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [output] = res.body.outputs;
    assert.ok(output.count >= 5, `count ${output.count}`);
    assert.equal(output.summary, `Found ${output.count} object(s)`);
  });

  test('the other examples run on bus.jpg straight from the seeded workspace', { skip: needsShared }, async (t) => {
    const busBytes = fs.readFileSync(sharedImage('bus.jpg'));
    const image = { type: 'base64', value: busBytes.toString('base64') };
    const original = await sharp(busBytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const run = async (id: string) => {
      const example = examples.find((e) => e.id === id)!;
      // The seeded copy of examples[0] was deleted above; save it again under another workspace.
      await jsonRequest(server.url, 'PUT', `/workspaces/runs/workflows/${id}`, { definition: example.definition });
      const res = await jsonRequest(server.url, 'POST', `/runs/workflows/${id}`, { inputs: { image } });
      assert.equal(res.status, 200, `${id}: ${JSON.stringify(res.body).slice(0, 500)}`);
      return res.body.outputs[0];
    };
    const decode = async (value: string) =>
      sharp(Buffer.from(value, 'base64')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const meanAbsDiff = (
      a: Buffer,
      b: Buffer,
      width: number,
      box: { x: number; y: number; width: number; height: number },
    ) => {
      let sum = 0;
      let n = 0;
      for (let y = Math.round(box.y - box.height / 2); y < box.y + box.height / 2; y += 2) {
        for (let x = Math.round(box.x - box.width / 2); x < box.x + box.width / 2; x += 2) {
          const i = (y * width + x) * 3;
          sum += Math.abs(a[i]! - b[i]!);
          n += 1;
        }
      }
      return sum / n;
    };

    const ocr = await run('ocr-document');
    assert.equal(typeof ocr.text, 'string');
    assert.ok(ocr.lines.predictions.length >= 1, 'bus.jpg has text on its side');
    const cropped = await run('crop-and-ocr');
    assert.equal(cropped.texts.length, cropped.predictions.predictions.length);
    const blurred = await run('blur-people');
    const people = blurred.people.predictions as Array<{
      class: string;
      x: number;
      y: number;
      width: number;
      height: number;
    }>;
    assert.ok(people.length >= 4);
    assert.ok(people.every((p) => p.class === 'person'));
    const blurredPixels = await decode(blurred.blurred_image.value);
    assert.equal(blurredPixels.info.width, original.info.width);
    const inside = meanAbsDiff(blurredPixels.data, original.data, blurredPixels.info.width, people[0]!);
    // Top strip of the photo has no person: only re-encoding noise there.
    const outside = meanAbsDiff(blurredPixels.data, original.data, blurredPixels.info.width, {
      x: 405,
      y: 60,
      width: 800,
      height: 100,
    });
    t.diagnostic(`blur: mean abs diff ${inside.toFixed(1)} inside a person box, ${outside.toFixed(1)} outside`);
    assert.ok(inside > 3 * outside + 2, 'the person is blurred, the rest is not');
    const drawn = await run('detections-visualization');
    const drawnPixels = await decode(drawn.visualization.value);
    assert.equal(drawnPixels.info.height, original.info.height);
    assert.notDeepEqual(drawnPixels.data, original.data);
  });
});
