// Throughput under load (issue #14), ratios measured in one run (`npm run bench`, or `npx tsx bench/throughput.ts`):
// (d) detection at 8 HTTP clients ÷ the best raw session.run rate; (e) cross-request batching on ÷ off for a
// classifier on text-line crops, in-process and over HTTP; (f) detect → crop → classify with batched crops ÷ one
// run per crop; (b) end to end ÷ a directly measured floor for classification and the detection family;
// p50/p95 latency at 1/4/8 clients and RSS during a sustained 8-client load (BENCH_SOAK_S, default 30 s).
// Interleaved rounds where two things are compared, since the machine's cores are shared.
import fs from 'node:fs';
import sharp from 'sharp';
import ort from 'onnxruntime-node';
import { ExecutionEngine, WorkflowImage } from '../engine/index.ts';
import { coreBlocks } from '../blocks/index.ts';
import { createModelManager, type LoadedModel } from '../blocks/models/manager.ts';
import { installModelPackage } from '../blocks/models/package.ts';
import { ocrAssetPath } from '../blocks/models/ocr/ocr-engine.ts';
import { inferDetections, type DetectionParams } from '../blocks/models/yolo/infer.ts';
import { classScores } from '../blocks/models/classification/classify.ts';
import { DEFAULT_SCHEDULER_SETTINGS, type ModelSchedulers } from '../blocks/models/scheduler.ts';
import { sessionOptionsOf } from '../blocks/models/session-options.ts';
import { startTestServer, TEST_MODEL_ID, type RunningServer } from '../test/helpers/server.ts';
import { hasShared, sharedImage, sharedModel, SHARED_DIR } from '../test/helpers/shared.ts';
import { prepare, release, runsPerSecond, TUNING_CONFIGS, type TuningConfig } from './session-tuning.ts';
import { load, meanMs, percentile, poster, warmUp } from './load.ts';

export interface Row {
  name: string;
  value: number;
  unit: string;
}
export interface ThroughputContext {
  rows: Row[];
  ratios: Row[];
}

const CLS_ID = 'bench-cls/1';
const SECONDS = Number(process.env.BENCH_LOAD_S ?? 5);
const SOAK_S = Number(process.env.BENCH_SOAK_S ?? 30);

async function installClassifier(cacheDir: string): Promise<void> {
  await installModelPackage(ocrAssetPath('direction'), CLS_ID, cacheDir, {
    classNames: ['0', '180'],
    environment: {
      PREPROCESSING: { resize: { enabled: true, width: 192, height: 48, format: 'Stretch to' } },
      CLASS_MAP: { '0': '0', '1': '180' },
    },
  });
}

/** A text line at the classifier's own 192x48 input size (no resize: the model stage is what is timed). */
async function textLine(): Promise<Buffer> {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="192" height="48"><rect width="100%" height="100%" fill="white"/>' +
    '<text x="6" y="36" font-family="DejaVu Sans, sans-serif" font-size="30">AB 1234 CD</text></svg>';
  return sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer();
}

const classifyWorkflow = (images: string) => ({
  version: '1.0',
  inputs: [{ type: 'WorkflowImage', name: 'image' }],
  steps: [{ type: 'roboflow_core/roboflow_classification_model@v2', name: 'cls', images, model_id: CLS_ID }],
  outputs: [{ type: 'JsonField', name: 'top', selector: '$steps.cls.predictions' }],
});

const DETECT_CROP_CLASSIFY = {
  version: '1.0',
  inputs: [{ type: 'WorkflowImage', name: 'image' }],
  steps: [
    {
      type: 'roboflow_core/roboflow_object_detection_model@v2',
      name: 'det',
      images: '$inputs.image',
      model_id: TEST_MODEL_ID,
      confidence: 0.25,
    },
    {
      type: 'roboflow_core/dynamic_crop@v1',
      name: 'crop',
      images: '$inputs.image',
      predictions: '$steps.det.predictions',
    },
    {
      type: 'roboflow_core/roboflow_classification_model@v2',
      name: 'cls',
      images: '$steps.crop.crops',
      model_id: CLS_ID,
    },
  ],
  outputs: [{ type: 'JsonField', name: 'classes', selector: '$steps.cls.predictions' }],
};

/** An engine with the server's model settings (its worker threads and scheduling) but its own batch size. */
function inProcessEngine(server: RunningServer, maxBatchSize: number, runners = server.config.modelRunners) {
  const models = createModelManager({
    cacheDir: server.config.modelCacheDir,
    runners,
    sessionOptions: sessionOptionsOf(server.config.modelSession),
    scheduling: { ...server.config.modelScheduling, maxInFlight: Math.max(1, runners), maxBatchSize },
  });
  return {
    models,
    engine: new ExecutionEngine({ blocks: coreBlocks, services: { models }, profilingAvailable: false }),
  };
}

const DETECTION_PARAMS: DetectionParams = {
  confidence: 0.4,
  iouThreshold: 0.3,
  classAgnosticNms: false,
  maxDetections: 300,
  maxCandidates: 3000,
  classFilter: null,
};

export async function throughputBench(ctx: ThroughputContext): Promise<void> {
  if (!hasShared) {
    console.log(`throughput (b, d, e, f) skipped: needs ../shared (models, images) which is absent at ${SHARED_DIR}`);
    return;
  }
  const { rows, ratios } = ctx;
  const bus = fs.readFileSync(sharedImage('bus.jpg'));
  const busBody = { image: { type: 'base64', value: bus.toString('base64') } };
  const line = await textLine();
  const lineImage = await WorkflowImage.decode(line, { parentId: 'image' });

  const batched = await startTestServer();
  const unbatched = await startTestServer({
    config: { modelScheduling: { ...DEFAULT_SCHEDULER_SETTINGS, maxBatchSize: 1 } },
  });
  try {
    const cacheDir = batched.config.modelCacheDir;
    await installClassifier(cacheDir);
    await installClassifier(unbatched.config.modelCacheDir);
    await installModelPackage(sharedModel('yolo11n-seg_int8.onnx'), 'bench-seg/1', cacheDir);
    await installModelPackage(sharedModel('yolo11n-pose_int8_patched.onnx'), 'bench-pose/1', cacheDir);

    // (d) detection at 8 clients ÷ the best raw configuration, interleaved.
    const detect = poster(batched, '/infer/object_detection', { model_id: TEST_MODEL_ID, ...busBody });
    await warmUp(detect);
    // Raw runs of the server's own session options and of the best other configurations, in turns with the
    // HTTP load: per configuration the median round, the best configuration counts.
    const rawCase = { label: 'yolov8n', file: sharedModel('yolov8n_quantized.onnx'), dims: [1, 3, 640, 640] };
    const weights = fs.readFileSync(rawCase.file);
    // The server's own configuration: MODEL_RUNNERS workers (one per core), each run on its share of the cores.
    const runners = batched.config.modelRunners;
    const rawConfigs: TuningConfig[] = [
      {
        label: 'server',
        sessions: 1,
        concurrency: Math.max(1, runners),
        workers: runners || undefined,
        options: sessionOptionsOf(),
      },
      ...TUNING_CONFIGS.filter((c) =>
        [
          '1 session, 2 threads, 1 in flight',
          '1 session, 2 threads no spin, 1 in flight',
          '1 worker, 2 threads, 1 in flight',
        ].includes(c.label),
      ),
    ];
    const prepared = [];
    for (const config of rawConfigs) prepared.push(await prepare(rawCase, config, weights));
    const rawSamples: number[][] = rawConfigs.map(() => []);
    let served = 0;
    let servedSeconds = 0;
    // The same work without HTTP: decode, letterbox, session.run on the server's workers, output decode.
    const serverModel = await batched.models.get(TEST_MODEL_ID);
    const floorRun = async () =>
      inferDetections(serverModel, await WorkflowImage.decode(bus, { parentId: 'image' }), DETECTION_PARAMS);
    const floorSamples: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < rawConfigs.length; i++)
        rawSamples[i]!.push(await runsPerSecond(prepared[i]!, rawConfigs[i]!.concurrency, 1.5));
      const http = await load(8, SECONDS, detect);
      served += http.count;
      servedSeconds += http.count / http.perSecond;
      floorSamples.push((await load(8, SECONDS / 2, floorRun)).perSecond);
    }
    const floorRate = floorSamples.sort((a, b) => a - b)[1]!;
    for (const p of prepared) await release(p);
    const medians = rawSamples.map((list) => list.sort((a, b) => a - b)[1]!);
    const bestRaw = Math.max(...medians);
    rows.push({ name: 'detection: raw session.run/s, server session options', value: medians[0]!, unit: '/s' });
    rows.push({ name: 'detection: best raw session.run/s (yolov8n 640)', value: bestRaw, unit: '/s' });
    rows.push({
      name: 'detection: /infer/object_detection req/s, 8 clients',
      value: served / servedSeconds,
      unit: '/s',
    });
    ratios.push({
      name: '(d) detection, 8 concurrent clients: requests/s ÷ best raw session.run/s',
      value: served / servedSeconds / bestRaw,
      unit: 'x',
    });
    ratios.push({
      name: "(d) same ÷ raw session.run/s with the server's session options",
      value: served / servedSeconds / medians[0]!,
      unit: 'x',
    });
    // What a server with no cost of its own could reach: the model's own decode, letterbox and output decode share
    // the cores with session.run.
    rows.push({ name: 'detection: in-process decode + infer/s, 8 concurrent (no HTTP)', value: floorRate, unit: '/s' });
    ratios.push({
      name: '(d) bound: in-process decode + letterbox + session.run + output decode, 8 concurrent ÷ best raw',
      value: floorRate / bestRaw,
      unit: 'x',
    });
    ratios.push({
      name: '(d) HTTP server ÷ that in-process bound',
      value: served / servedSeconds / floorRate,
      unit: 'x',
    });

    // p50 / p95 at 1, 4, 8 clients.
    for (const clients of [1, 4, 8]) {
      const l = await load(clients, SECONDS, detect);
      rows.push({
        name: `detection latency p50, ${clients} client(s)`,
        value: percentile(l.latencies, 50),
        unit: 'ms',
      });
      rows.push({
        name: `detection latency p95, ${clients} client(s)`,
        value: percentile(l.latencies, 95),
        unit: 'ms',
      });
    }

    // (e) in-process: 8 concurrent engine runs of one text-line crop each, batching on vs off.
    const on = inProcessEngine(batched, batched.config.modelScheduling.maxBatchSize);
    const off = inProcessEngine(batched, 1);
    const definition = classifyWorkflow('$inputs.image');
    const runOn = () => on.engine.run(definition, { image: lineImage }, { serialize: false });
    const runOff = () => off.engine.run(definition, { image: lineImage }, { serialize: false });
    await warmUp(runOn);
    await warmUp(runOff);
    const onBatches = batchSizes(on.models.schedulers);
    let onItems = 0,
      onS = 0,
      offItems = 0,
      offS = 0;
    for (let round = 0; round < 2; round++) {
      const a = await load(8, SECONDS / 2, runOn);
      const b = await load(8, SECONDS / 2, runOff);
      onItems += a.count;
      onS += a.count / a.perSecond;
      offItems += b.count;
      offS += b.count / b.perSecond;
    }
    rows.push({ name: 'classification stage in-process, 8 runs, batching on', value: onItems / onS, unit: 'items/s' });
    rows.push({ name: '  mean samples per session.run, batching on', value: onBatches(), unit: '' });
    rows.push({
      name: 'classification stage in-process, 8 runs, batching off',
      value: offItems / offS,
      unit: 'items/s',
    });
    ratios.push({
      name: '(e) classification model stage, 8 concurrent engine runs on text-line-sized crops, batching on ÷ off',
      value: onItems / onS / (offItems / offS),
      unit: 'x',
    });
    // What batching can give at most: the classifier's own items/s at batch 8 ÷ batch 1, one thread, no overheads.
    const ceiling = await batchCeiling(8);
    rows.push({
      name: 'classifier raw session.run, one thread: items/s at batch 1',
      value: ceiling.one,
      unit: 'items/s',
    });
    rows.push({
      name: 'classifier raw session.run, one thread: items/s at batch 8',
      value: ceiling.batched,
      unit: 'items/s',
    });
    ratios.push({
      name: '(e) bound: raw session.run items/s, batch 8 ÷ batch 1 (one thread, the classifier)',
      value: ceiling.batched / ceiling.one,
      unit: 'x',
    });
    // ... and over HTTP (JPEG decode, JSON and HTTP included).
    const lineBody = { model_id: CLS_ID, image: { type: 'base64', value: line.toString('base64') } };
    const httpOn = poster(batched, '/infer/classification', lineBody);
    const httpOff = poster(unbatched, '/infer/classification', lineBody);
    await warmUp(httpOn);
    await warmUp(httpOff);
    const httpBatches = batchSizes(batched.models.schedulers);
    let hOn = 0,
      hOff = 0;
    for (let round = 0; round < 2; round++) {
      hOn += (await load(8, SECONDS / 2, httpOn)).perSecond / 2;
      hOff += (await load(8, SECONDS / 2, httpOff)).perSecond / 2;
    }
    rows.push({ name: 'classification over HTTP, 8 clients, batching on', value: hOn, unit: 'req/s' });
    rows.push({ name: '  mean samples per session.run over HTTP, batching on', value: httpBatches(), unit: '' });
    rows.push({ name: 'classification over HTTP, 8 clients, batching off', value: hOff, unit: 'req/s' });
    ratios.push({ name: '(e) same over HTTP: requests/s batching on ÷ off', value: hOn / hOff, unit: 'x' });

    // (f) detect → crop → classify on bus.jpg: crops batched ÷ one run per crop.
    const busImage = await WorkflowImage.decode(bus, { parentId: 'image' });
    const fOn = () => on.engine.run(DETECT_CROP_CLASSIFY, { image: busImage }, { serialize: false });
    const fOff = () => off.engine.run(DETECT_CROP_CLASSIFY, { image: busImage }, { serialize: false });
    const first = await fOn();
    const crops = ((first.outputs[0]!.classes as unknown[]) ?? []).length;
    await fOff();
    const fOnMs = await meanMs(10, fOn);
    const fOffMs = await meanMs(10, fOff);
    rows.push({ name: `detect → crop (${crops}) → classify, crops batched`, value: fOnMs, unit: 'ms' });
    rows.push({ name: `detect → crop (${crops}) → classify, one run per crop`, value: fOffMs, unit: 'ms' });
    ratios.push({
      name: '(f) detect → crop → classify (bus.jpg): batched crops ÷ one run per crop (workflow runs/s)',
      value: fOffMs / fOnMs,
      unit: 'x',
    });
    // Floors run straight on the main thread (no worker hop, no scheduler).
    const direct = inProcessEngine(batched, 1, 0);
    const cls = await direct.models.get(CLS_ID);
    const cropImages = (await on.engine.run(
      { ...DETECT_CROP_CLASSIFY, outputs: [{ type: 'JsonField', name: 'crops', selector: '$steps.crop.crops' }] },
      { image: busImage },
      { serialize: false },
    )) as unknown as { outputs: Array<{ crops: WorkflowImage[] }> };
    const cropList = cropImages.outputs[0]!.crops;
    const pooledCls = await on.models.get(CLS_ID);
    const stageOn = await meanMs(20, () => classScores(pooledCls, cropList));
    const stageOff = await meanMs(20, () => classScores(pooledCls, cropList, { maxBatch: 1 }));
    ratios.push({
      name: `(f) classification stage alone (${cropList.length} crops): batched ÷ one run per crop (items/s)`,
      value: stageOff / stageOn,
      unit: 'x',
    });

    // (b) classification end to end ÷ (decode + resize + session.run), both on bus.jpg.
    const clsHttp = poster(batched, '/infer/classification', { model_id: CLS_ID, ...busBody });
    const floorCls = async () => {
      const { data } = await sharp(bus).resize(192, 48, { fit: 'fill' }).removeAlpha().raw().toBuffer({
        resolveWithObject: true,
      });
      const tensor = new Float32Array(3 * 48 * 192);
      const plane = 48 * 192;
      for (let i = 0; i < plane; i++)
        for (let c = 0; c < 3; c++) tensor[c * plane + i] = (data[i * 3 + c]! / 255 - 0.5) / 0.5;
      return cls.session.run({ [cls.session.inputNames[0]!]: new ort.Tensor('float32', tensor, [1, 3, 48, 192]) });
    };
    await benchFloor(ctx, 'classification', clsHttp, floorCls);

    // (b) detection family end to end ÷ (decode + letterbox + session.run + output decode).
    for (const [label, route, modelId] of [
      ['object detection', '/infer/object_detection', TEST_MODEL_ID],
      ['instance segmentation', '/infer/instance_segmentation', 'bench-seg/1'],
      ['keypoints', '/infer/keypoints_detection', 'bench-pose/1'],
    ] as const) {
      const model: LoadedModel = await direct.models.get(modelId);
      const floor = async () =>
        inferDetections(model, await WorkflowImage.decode(bus, { parentId: 'image' }), DETECTION_PARAMS);
      await benchFloor(ctx, label, poster(batched, route, { model_id: modelId, ...busBody }), floor);
    }

    // RSS during sustained load at 8 clients (server and clients share this process).
    const samples: number[] = [process.memoryUsage().rss];
    const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 5000);
    await load(8, SOAK_S, detect);
    clearInterval(sampler);
    samples.push(process.memoryUsage().rss);
    const mib = (b: number) => b / 1024 / 1024;
    rows.push({ name: `RSS at the start of ${SOAK_S} s at 8 clients`, value: mib(samples[0]!), unit: 'MiB' });
    rows.push({ name: `RSS peak during ${SOAK_S} s at 8 clients`, value: mib(Math.max(...samples)), unit: 'MiB' });
    rows.push({ name: `RSS at the end of ${SOAK_S} s at 8 clients`, value: mib(samples.at(-1)!), unit: 'MiB' });
    const half = samples.slice(Math.floor(samples.length / 2));
    ratios.push({
      name: `RSS end ÷ RSS at half time, ${SOAK_S} s at 8 clients (flat ≈ 1)`,
      value: samples.at(-1)! / half[0]!,
      unit: 'x',
    });
    for (const e of [on, off, direct]) await e.models.close();
  } finally {
    await batched.close();
    await unbatched.close();
  }
}

/** The text-line classifier's raw items/s at batch 1 and batch `size` on one thread, in turns (median of 3). */
async function batchCeiling(size: number): Promise<{ one: number; batched: number }> {
  const session = await ort.InferenceSession.create(ocrAssetPath('direction'), {
    ...sessionOptionsOf(),
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const feed = (n: number) => ({
    [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array(n * 3 * 48 * 192).fill(0.5), [n, 3, 48, 192]),
  });
  const itemsPerSecond = async (n: number) => {
    const feeds = feed(n);
    await session.run(feeds);
    let items = 0;
    const started = performance.now();
    while (performance.now() - started < 1000) {
      await session.run(feeds);
      items += n;
    }
    return items / ((performance.now() - started) / 1000);
  };
  const one: number[] = [];
  const batched: number[] = [];
  for (let round = 0; round < 3; round++) {
    one.push(await itemsPerSecond(1));
    batched.push(await itemsPerSecond(size));
  }
  await session.release();
  const median = (list: number[]) => list.sort((a, b) => a - b)[1]!;
  return { one: median(one), batched: median(batched) };
}

/** Counts samples per run from now on; the returned function gives the mean so far and stops counting. */
function batchSizes(schedulers: ModelSchedulers): () => number {
  let runs = 0;
  let samples = 0;
  schedulers.onRun((r) => {
    runs++;
    samples += r.samples;
  });
  return () => {
    schedulers.onRun(() => {});
    return runs > 0 ? samples / runs : 0;
  };
}

async function benchFloor(
  ctx: ThroughputContext,
  label: string,
  endToEnd: () => Promise<unknown>,
  floor: () => Promise<unknown>,
): Promise<void> {
  await warmUp(endToEnd);
  let e2e = 0,
    raw = 0;
  for (let round = 0; round < 2; round++) {
    e2e += await meanMs(10, endToEnd);
    raw += await meanMs(10, floor);
  }
  ctx.rows.push({ name: `${label}: end to end over HTTP (bus.jpg)`, value: e2e / 2, unit: 'ms' });
  ctx.rows.push({ name: `${label}: floor measured directly`, value: raw / 2, unit: 'ms' });
  ctx.ratios.push({ name: `(b) ${label} end to end ÷ floor`, value: e2e / raw, unit: 'x' });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ctx: ThroughputContext = { rows: [], ratios: [] };
  await throughputBench(ctx);
  for (const [title, table] of [
    ['Timings', ctx.rows],
    ['Ratios (same run)', ctx.ratios],
  ] as const) {
    console.log(`\n${title}`);
    const width = Math.max(...table.map((r) => r.name.length), 10);
    for (const r of table)
      console.log(`  ${r.name.padEnd(width)}  ${r.value.toFixed(r.unit === 'x' ? 2 : 1).padStart(10)} ${r.unit}`);
  }
}
