// Issue #10 ratios: (g) re-running a 10-step workflow after changing its last step (model step upstream, step
// output cache on) ÷ the full run; (a') bench (a)'s 50-step pure workflow with a step listener attached ÷ without.
// Both sides of each ratio are measured interleaved in the same run.
import fs from 'node:fs';
import { ExecutionEngine, type RunObserver } from '../engine/index.ts';
import { coreBlocks } from '../blocks/index.ts';
import { startTestServer } from '../test/helpers/server.ts';
import { hasShared, sharedImage, SHARED_DIR } from '../test/helpers/shared.ts';

interface Row {
  name: string;
  value: number;
  unit: string;
}

const PROPERTY = 'roboflow_core/property_definition@v1';

/**
 * Per-call ms of a and of b, alternating blocks of `block` calls so drift on a shared machine hits both alike; each
 * side's fastest block counts (other processes only ever add time).
 */
async function interleaved(
  rounds: number,
  block: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<[number, number]> {
  await a();
  await b();
  let ta = Infinity;
  let tb = Infinity;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    for (let i = 0; i < block; i++) await a();
    ta = Math.min(ta, (performance.now() - t) / block);
    t = performance.now();
    for (let i = 0; i < block; i++) await b();
    tb = Math.min(tb, (performance.now() - t) / block);
  }
  return [ta, tb];
}

async function listenerOverhead(rows: Row[], ratios: Row[], iterations: number): Promise<void> {
  const engine = new ExecutionEngine({ blocks: coreBlocks, services: {}, profilingAvailable: false });
  const definition = {
    version: '1.0',
    inputs: [{ type: 'WorkflowParameter', name: 'x', default_value: 0 }],
    steps: Array.from({ length: 50 }, (_, i) => ({
      type: PROPERTY,
      name: `s${i}`,
      data: i === 0 ? '$inputs.x' : `$steps.s${i - 1}.output`,
      operations: [],
    })),
    outputs: [{ type: 'JsonField', name: 'out', selector: '$steps.s49.output' }],
  };
  let events = 0;
  const observer: RunObserver = {
    stepStarted: () => events++,
    stepFinished: () => events++,
    stepSkipped: () => events++,
  };
  const [plain, listened] = await interleaved(
    iterations * 2,
    50,
    () => engine.run(definition, { x: 7 }),
    () => engine.run(definition, { x: 7 }, { observer }),
  );
  if (events === 0) throw new Error('the listener heard nothing');
  rows.push({ name: '50-step pure workflow, engine.run, no listener', value: plain, unit: 'ms' });
  rows.push({ name: '50-step pure workflow, engine.run, step listener', value: listened, unit: 'ms' });
  ratios.push({ name: "(a') with a step listener ÷ without, 50 pure steps", value: listened / plain, unit: 'x' });
}

/** detect → filter → 7 property steps → last filter whose confidence the "edit" changes. */
function tenSteps(lastConfidence: number): Record<string, unknown> {
  const filter = (name: string, source: string, confidence: number) => ({
    type: 'roboflow_core/detections_filter@v1',
    name,
    predictions: source,
    operations: [
      {
        type: 'DetectionsFilter',
        filter_operation: {
          type: 'StatementGroup',
          operator: 'and',
          statements: [
            {
              type: 'BinaryStatement',
              left_operand: {
                type: 'DynamicOperand',
                operand_name: '_',
                operations: [{ type: 'ExtractDetectionProperty', property_name: 'confidence' }],
              },
              comparator: { type: '(Number) >=' },
              right_operand: { type: 'StaticOperand', value: confidence },
            },
          ],
        },
      },
    ],
    operations_parameters: {},
  });
  const steps: Array<Record<string, unknown>> = [
    {
      type: 'roboflow_core/roboflow_object_detection_model@v2',
      name: 'detect',
      images: '$inputs.image',
      model_id: 'yolov8n-640',
    },
    filter('f0', '$steps.detect.predictions', 0.3),
  ];
  for (let i = 1; i <= 7; i++)
    steps.push({
      type: PROPERTY,
      name: `p${i}`,
      data: i === 1 ? '$steps.f0.predictions' : `$steps.p${i - 1}.output`,
      operations: [],
    });
  steps.push(filter('last', '$steps.p7.output', lastConfidence));
  return {
    version: '1.0',
    inputs: [{ type: 'WorkflowImage', name: 'image' }],
    steps,
    outputs: [{ type: 'JsonField', name: 'kept', selector: '$steps.last.predictions' }],
  };
}

async function rerunAfterLastStepChange(rows: Row[], ratios: Row[], iterations: number): Promise<void> {
  if (!hasShared) {
    console.log(`(g) skipped: needs ../shared (models, images) which is absent at ${SHARED_DIR}`);
    return;
  }
  const server = await startTestServer();
  try {
    const engine = server.engine;
    const image = { type: 'base64', value: fs.readFileSync(sharedImage('bus.jpg')).toString('base64') };
    let salt = 0;
    const confidence = () => 0.4 + ((salt++ % 500) + 1) / 1000;
    // Full: nothing reused. Re-run: upstream steps from the cache, the edited last step executed.
    const full = () => engine.run(tenSteps(confidence()), { image });
    const rerun = () => engine.run(tenSteps(confidence()), { image }, { reuseOutputs: true });
    await engine.run(tenSteps(0.5), { image }, { reuseOutputs: true });
    const [fullMs, rerunMs] = await interleaved(Math.max(2, Math.round(iterations / 4)), 4, full, rerun);
    rows.push({ name: '10-step workflow (detect upstream), full run', value: fullMs, unit: 'ms' });
    rows.push({ name: '10-step workflow, re-run after changing the last step', value: rerunMs, unit: 'ms' });
    ratios.push({ name: '(g) re-run after last-step change ÷ full run, 10 steps', value: rerunMs / fullMs, unit: 'x' });
    // The same listener on a workflow whose steps do real work.
    const observer: RunObserver = { stepStarted: () => {}, stepFinished: () => {} };
    const definition = tenSteps(0.5);
    const [plainMs, listenedMs] = await interleaved(
      Math.max(2, Math.round(iterations / 4)),
      4,
      () => engine.run(definition, { image }),
      () => engine.run(definition, { image }, { observer }),
    );
    rows.push({ name: '10-step workflow (detect upstream), no listener', value: plainMs, unit: 'ms' });
    rows.push({ name: '10-step workflow (detect upstream), step listener', value: listenedMs, unit: 'ms' });
    ratios.push({
      name: "(a'') with a step listener ÷ without, 10-step detect workflow",
      value: listenedMs / plainMs,
      unit: 'x',
    });
  } finally {
    await server.close();
  }
}

export async function rerunBench(ctx: { rows: Row[]; ratios: Row[]; iterations: number }): Promise<void> {
  await listenerOverhead(ctx.rows, ctx.ratios, ctx.iterations);
  await rerunAfterLastStepChange(ctx.rows, ctx.ratios, ctx.iterations);
}

// `tsx bench/rerun.ts` runs these alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const rows: Row[] = [];
  const ratios: Row[] = [];
  await rerunBench({ rows, ratios, iterations: Number(process.env.BENCH_ITERATIONS ?? 20) });
  for (const r of [...rows, ...ratios]) console.log(`${r.name.padEnd(60)} ${r.value.toFixed(3)} ${r.unit}`);
}
