// The step output cache over Roboflow's public conformance definitions: for every definition that runs here on a
// photo with its default parameters, a fully cached run and a partial re-run (ancestors of one step cached, the
// rest executed) give the same outputs as a fresh run. Generated ids and serialization timestamps aside, which
// differ between any two fresh runs. Non-cacheable steps must execute on every run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { RunObserver } from '../../../engine/index.ts';
import { isCacheable } from '../../../engine/executor/step-keys.ts';
import { installModelPackage } from '../../../blocks/models/package.ts';
import { ocrAssetPath } from '../../../blocks/models/ocr/ocr-engine.ts';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { CONFORMANCE_DIR, hasShared, needsShared, sharedImage, sharedModel } from '../../helpers/shared.ts';
import { normalized } from '../../helpers/outputs.ts';

interface Entry {
  id: string;
  file: string;
  expects_error: boolean;
}

let server: RunningServer;
before(async () => {
  server = await startTestServer();
  if (!hasShared) return;
  const cacheDir = server.config.modelCacheDir;
  // The private models of the definitions, stood in for as in test/server/conformance.test.ts.
  for (const id of ['vehicle-registration-plates-trudk/2', 'ocr-oy9a7/1', 'people-detection-o4rdr/7'])
    await installModelPackage(sharedModel('yolov8n_quantized.onnx'), id, cacheDir);
  for (const id of ['dog-breed-xpaq6/1', 'animal-classification-9lufm/1', 'animals-2kk5l/1'])
    await installModelPackage(ocrAssetPath('direction'), id, cacheDir, {
      classNames: ['0', '180'],
      environment: {
        PREPROCESSING: { resize: { enabled: true, width: 192, height: 48, format: 'Stretch to' } },
        CLASS_MAP: { '0': '0', '1': '180' },
      },
    });
});
after(async () => {
  await server?.close();
});

function executedSteps(): { observer: RunObserver; executed: Set<string>; cached: Set<string> } {
  const executed = new Set<string>();
  const cached = new Set<string>();
  return {
    executed,
    cached,
    observer: { stepFinished: (e) => (e.cached ? cached : executed).add(e.step) },
  };
}

test(
  'cached and partially cached runs equal fresh runs over the conformance definitions',
  { skip: needsShared },
  async (t) => {
    const entries: Entry[] = JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, 'index.json'), 'utf8'));
    const image = { type: 'base64', value: fs.readFileSync(sharedImage('bus.jpg')).toString('base64') };
    const engine = server.engine;
    let compared = 0;
    const notRun: string[] = [];
    const withState: string[] = [];
    for (const entry of entries.filter((e) => !e.expects_error)) {
      const definition = JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, entry.file), 'utf8'));
      const inputs: Record<string, unknown> = {};
      for (const input of definition.inputs ?? []) if (/Image/.test(input.type)) inputs[input.name] = image;
      let fresh;
      try {
        engine.compile(definition);
        fresh = await engine.run(definition, inputs);
      } catch (error) {
        notRun.push(`${entry.id} (${(error as Error).name})`);
        continue;
      }
      engine.stepCache.clear();
      const steps: Array<{ name: string; type: string }> = definition.steps ?? [];
      const stateful = steps.filter((step) => {
        const block = engine.registry.get(step.type);
        return block && !isCacheable({ block, definition: step } as Parameters<typeof isCacheable>[0]);
      });
      const fill = await engine.run(definition, inputs, { reuseOutputs: true });
      const second = executedSteps();
      const cached = await engine.run(definition, inputs, { reuseOutputs: true, observer: second.observer });
      if (stateful.length) {
        // Their outputs change from run to run by design (counters, buffers, clocks): they must run every time.
        for (const step of stateful)
          assert.ok(!second.cached.has(step.name), `${entry.id}: ${step.name} is never served from cache`);
        withState.push(entry.id);
        continue;
      }
      assert.equal(second.executed.size, 0, `${entry.id}: nothing re-executed (${[...second.executed]})`);
      assert.equal(normalized(fill.outputs), normalized(fresh.outputs), `${entry.id}: filling run`);
      assert.equal(normalized(cached.outputs), normalized(fresh.outputs), `${entry.id}: cached run`);
      // Partial: only the first step (and its ancestors) cached, everything after it executed.
      const first = steps[0]?.name;
      if (first) {
        engine.stepCache.clear();
        await engine.run(definition, inputs, { reuseOutputs: true, runTo: [first] });
        const partial = await engine.run(definition, inputs, { reuseOutputs: true });
        assert.equal(normalized(partial.outputs), normalized(fresh.outputs), `${entry.id}: partial re-run`);
      }
      compared++;
    }
    t.diagnostic(`compared ${compared} definitions`);
    t.diagnostic(`with stateful steps (checked they re-run, outputs not compared): ${withState.join(', ')}`);
    t.diagnostic(`not runnable on a photo with default parameters: ${notRun.join(', ')}`);
    assert.ok(compared >= 15, `only ${compared} definitions ran`);
  },
);
