// `npm run bench`: overhead ratios measured in one run on this machine.
// (a) engine time of a 50-step pure workflow ÷ the same block functions called directly;
// (b) classic /infer/* end to end over HTTP (real server) ÷ raw session.run on the same preprocessed image,
//     for detection, segmentation and pose; classification and /doctr/ocr ÷ the recorded session runs replayed;
// (c) cold compile time of a 20-step definition, and the cached compile time.
// Model parts skip with a message when ../shared is absent.
import fs from 'node:fs';
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { ExecutionEngine, WorkflowImage, type StepContext } from '../engine/index.ts';
import { coreBlocks } from '../blocks/index.ts';
import { createModelManager } from '../blocks/models/manager.ts';
import { preprocessImage } from '../blocks/models/preprocess.ts';
import { startTestServer } from '../test/helpers/server.ts';
import { installModelPackage } from '../blocks/models/package.ts';
import { hasShared, sharedImage, sharedModel, SHARED_DIR } from '../test/helpers/shared.ts';
import { classificationOverhead, ocrOverhead, type BenchContext } from './recorded-runs.ts';
import { queueBench } from './queue.ts';
import { throughputBench } from './throughput.ts';
import { rerunBench } from './rerun.ts';
import { observabilityBench } from './observability.ts';
import { pipelineBench } from './pipeline.ts';

interface Row {
  name: string;
  value: number;
  unit: string;
}
const rows: Row[] = [];
const ratios: Row[] = [];
const ITER = Number(process.env.BENCH_ITERATIONS ?? 20);

async function meanMs(iterations: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn(); // warm-up
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  return (performance.now() - started) / iterations;
}

const PROPERTY = 'roboflow_core/property_definition@v1';

function chainDefinition(steps: number, salt = 0): Record<string, unknown> {
  return {
    version: '1.0',
    inputs: [{ type: 'WorkflowParameter', name: 'x', default_value: salt }],
    steps: Array.from({ length: steps }, (_, i) => ({
      type: PROPERTY,
      name: `s${i}`,
      data: i === 0 ? '$inputs.x' : `$steps.s${i - 1}.output`,
      operations: [],
    })),
    outputs: [{ type: 'JsonField', name: 'out', selector: `$steps.s${steps - 1}.output` }],
  };
}

async function pureWorkflowOverhead(): Promise<void> {
  const engine = new ExecutionEngine({ blocks: coreBlocks, services: {}, profilingAvailable: false });
  const block = engine.registry.get(PROPERTY);
  if (!block) {
    console.log(`(a) skipped: ${PROPERTY} is not registered`);
    return;
  }
  const definition = chainDefinition(50);
  const result = await engine.run(definition, { x: 7 });
  if (result.outputs[0]?.out !== 7) throw new Error(`50-step chain returned ${JSON.stringify(result.outputs)}`);
  const engineMs = await meanMs(ITER * 10, () => engine.run(definition, { x: 7 }));
  const context: StepContext = { stepName: 's', stepType: PROPERTY, services: {}, request: {}, state: new Map() };
  const directMs = await meanMs(ITER * 10, async () => {
    let value: unknown = 7;
    for (let i = 0; i < 50; i++)
      value = ((await block.run({ data: value, operations: [] }, context)) as { output: unknown }).output;
    return value;
  });
  rows.push({ name: '50-step pure workflow, engine.run', value: engineMs, unit: 'ms' });
  rows.push({ name: '50 block.run calls, direct', value: directMs, unit: 'ms' });
  ratios.push({ name: '(a) engine ÷ direct, 50 pure steps', value: engineMs / directMs, unit: 'x' });
}

async function compileTimes(): Promise<void> {
  const engine = new ExecutionEngine({ blocks: coreBlocks, services: {} });
  if (!engine.registry.get(PROPERTY)) {
    console.log(`(c) skipped: ${PROPERTY} is not registered`);
    return;
  }
  let salt = 1;
  // A different default_value each time defeats the compile cache: a cold compile every iteration.
  const coldMs = await meanMs(ITER * 5, () => engine.compile(chainDefinition(20, salt++)));
  const cached = chainDefinition(20, 0);
  engine.compile(cached);
  const cachedMs = await meanMs(ITER * 50, () => engine.compile(cached));
  rows.push({ name: 'compile 20-step definition, cold', value: coldMs, unit: 'ms' });
  rows.push({ name: 'compile 20-step definition, cached', value: cachedMs, unit: 'ms' });
  ratios.push({ name: '(c) cold ÷ cached compile, 20 steps', value: coldMs / cachedMs, unit: 'x' });
}

const MODEL_CASES = [
  { label: 'object detection', route: '/infer/object_detection', file: 'yolov8n_quantized.onnx', modelId: 'coco/3' },
  {
    label: 'instance segmentation',
    route: '/infer/instance_segmentation',
    file: 'yolo11n-seg_int8.onnx',
    modelId: 'bench-seg/1',
  },
  {
    label: 'keypoints',
    route: '/infer/keypoints_detection',
    file: 'yolo11n-pose_int8_patched.onnx',
    modelId: 'bench-pose/1',
  },
];

async function modelOverheads(): Promise<void> {
  if (!hasShared) {
    console.log(`(b) skipped: needs ../shared (models, images) which is absent at ${SHARED_DIR}`);
    return;
  }
  // Metrics off: its timing proxy sits in front of each session and would hide the runs recorded-runs.ts replays
  // (metrics' own cost is measured by bench/observability.ts).
  const server = await startTestServer({ env: { SIGHTLINE_METRICS: 'false' } });
  try {
    const cacheDir = server.config.modelCacheDir;
    for (const c of MODEL_CASES.slice(1)) await installModelPackage(sharedModel(c.file), c.modelId, cacheDir);
    const jpeg = fs.readFileSync(sharedImage('bus.jpg'));
    const body = JSON.stringify({ image: { type: 'base64', value: jpeg.toString('base64') } });
    // A separate manager loads the same packages so raw runs do not share the server's session queue.
    const manager = createModelManager({ cacheDir });
    const image = await WorkflowImage.decode(jpeg, { parentId: 'image' });
    for (const c of MODEL_CASES) {
      const requestBody = body.replace(/^\{/, `{"model_id":${JSON.stringify(c.modelId)},`);
      const http = async () => {
        const res = await fetch(server.url + c.route, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: requestBody,
        });
        if (res.status !== 200) throw new Error(`${c.route} answered ${res.status}: ${await res.text()}`);
        return res.json();
      };
      try {
        // Past the first lone runs, which the model workers time both ways (blocks/models/session-pool.ts).
        for (let i = 0; i < 12; i++) await http();
      } catch (error) {
        console.log(`(b) ${c.label} skipped: ${(error as Error).message.slice(0, 300)}`);
        continue;
      }
      const model = await manager.get(c.modelId);
      const pre = await preprocessImage(image, model.environment, {
        width: model.inputWidth,
        height: model.inputHeight,
      });
      const feeds = { [model.session.inputNames[0]!]: new ort.Tensor('float32', pre.tensor, pre.dims) };
      const rawMs = await meanMs(ITER, () => model.session.run(feeds));
      const httpMs = await meanMs(ITER, http);
      rows.push({ name: `${c.label}: ${c.route} end to end (bus.jpg)`, value: httpMs, unit: 'ms' });
      rows.push({ name: `${c.label}: raw session.run, preprocessed`, value: rawMs, unit: 'ms' });
      ratios.push({ name: `(b) ${c.label}: end to end ÷ raw session.run`, value: httpMs / rawMs, unit: 'x' });
    }
    const ctx: BenchContext = { server, iterations: ITER, meanMs, rows, ratios };
    for (const [label, run] of [
      ['classification', () => classificationOverhead(ctx, jpeg.toString('base64'))],
      ['OCR', () => ocrOverhead(ctx)],
    ] as const) {
      try {
        await run();
      } catch (error) {
        console.log(`(b) ${label} skipped: ${(error as Error).message.slice(0, 300)}`);
      }
    }
  } finally {
    await server.close();
  }
}

function printTable(title: string, table: Row[]): void {
  console.log(`\n${title}`);
  const width = Math.max(...table.map((r) => r.name.length), 10);
  for (const r of table)
    console.log(`  ${r.name.padEnd(width)}  ${r.value.toFixed(r.unit === 'x' ? 2 : 3).padStart(10)} ${r.unit}`);
}

console.log(
  `Sightline bench — node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${ITER} iterations base`,
);
await pureWorkflowOverhead();
await compileTimes();
await modelOverheads();
{
  const queue = await queueBench();
  rows.push(...queue.rows);
  ratios.push(...queue.ratios);
}
// (b) vs floors, (d), (e), (f), latency percentiles and RSS under load (issue #14).
await throughputBench({ rows, ratios });
// (a') step listener overhead, (g) re-run after a last-step change ÷ full run (issue #10).
await rerunBench({ rows, ratios, iterations: ITER });
// (obs) detection with metrics + request logs on ÷ off (issue #13).
await observabilityBench({ rows, ratios, iterations: ITER });
// (v) video pipeline fps ÷ raw session.run fps on the same frames, decode-only fps (issue #9).
await pipelineBench({ rows, ratios });
printTable('Timings (mean per iteration)', rows);
printTable('Ratios (same run)', ratios);
