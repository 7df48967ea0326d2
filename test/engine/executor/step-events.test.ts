// Step events and the step output cache over core blocks: event order, skip reasons, failures, cache keys
// (parameter, image, model id, stateful blocks), nested batches, flow control, inner workflows, "run up to here".
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import {
  defineBlock,
  ExecutionEngine,
  literalOrSelector,
  selector,
  type RunObserver,
  type RunOptions,
} from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { normalized } from '../../helpers/outputs.ts';

/** Returns its model id: stands in for a model step whose id decides what it computes. */
const modelEcho = defineBlock<{ value: unknown; model_id: string }>({
  manifest: {
    type: 'test/model_echo@v1',
    humanName: 'Model echo',
    version: 'v1',
    blockType: 'model',
    shortDescription: 'echoes its model id',
    properties: { value: selector(['*']), model_id: literalOrSelector({ type: 'string' }, ['roboflow_model_id']) },
    required: ['value', 'model_id'],
    outputs: [{ name: 'out', kind: ['*'] }],
  },
  run: ({ model_id }) => ({ out: `model:${model_id}` }),
});

let counter = 0;
/** A stateful block: counts its calls. */
const counting = defineBlock<{ value: unknown }>({
  manifest: {
    type: 'test/counting@v1',
    humanName: 'Counting',
    version: 'v1',
    blockType: 'analytics',
    cacheable: false,
    shortDescription: 'counts runs',
    properties: { value: selector(['*']) },
    required: ['value'],
    outputs: [{ name: 'count', kind: ['integer'] }],
  },
  run: () => ({ count: ++counter }),
});

const failing = defineBlock<{ value: unknown }>({
  manifest: {
    type: 'test/failing@v1',
    humanName: 'Failing',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'always throws',
    properties: { value: selector(['*']) },
    required: ['value'],
    outputs: [{ name: 'out', kind: ['*'] }],
  },
  run: () => {
    throw new Error('broken on purpose');
  },
});

/** Equal JSON without printing megabytes of base64 when not. */
function sameJson(actual: string, expected: string, message: string): void {
  if (actual === expected) return;
  let i = 0;
  while (actual[i] === expected[i]) i++;
  assert.fail(
    `${message}: first difference at ${i}: …${actual.slice(i - 40, i + 40)}… vs …${expected.slice(i - 40, i + 40)}…`,
  );
}

const engine = new ExecutionEngine({ blocks: [...coreBlocks, modelEcho, counting, failing], maxConcurrentSteps: 4 });

type Event = { type: string; step?: string; reason?: string; cached?: boolean; batchSize?: number; dim?: number };

function recorder(): { events: Event[]; observer: RunObserver } {
  const events: Event[] = [];
  return {
    events,
    observer: {
      runStarted: () => events.push({ type: 'run_started' }),
      stepStarted: (e) => events.push({ type: 'started', step: e.step }),
      stepFinished: (e) =>
        events.push({
          type: 'finished',
          step: e.step,
          cached: e.cached,
          batchSize: e.batchSize,
          dim: e.dimensionality,
        }),
      stepSkipped: (e) => events.push({ type: 'skipped', step: e.step, reason: e.reason }),
      stepFailed: (e) => events.push({ type: 'failed', step: e.step }),
      runFinished: () => events.push({ type: 'run_finished' }),
    },
  };
}

async function observed(definition: unknown, inputs: Record<string, unknown>, options: RunOptions = {}) {
  const { events, observer } = recorder();
  const result = await engine.run(definition, inputs, { observer, ...options });
  const executed = events.filter((e) => e.type === 'finished' && !e.cached).map((e) => e.step!);
  const cached = events.filter((e) => e.type === 'finished' && e.cached).map((e) => e.step!);
  return { events, result, executed: executed.sort(), cached: cached.sort() };
}

let image: { type: string; value: string };
let otherImage: { type: string; value: string };
before(async () => {
  const make = async (shade: number) => {
    const raw = Buffer.alloc(96 * 64 * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 7 + shade) % 251;
    const png = await sharp(raw, { raw: { width: 96, height: 64, channels: 3 } })
      .png()
      .toBuffer();
    return { type: 'base64', value: png.toString('base64') };
  };
  image = await make(0);
  otherImage = await make(40);
});

/** image → static crop → slicer (3 slices) → blur per slice → collapse; a model step; a gated branch. */
function pipeline(options: { kernel?: number; model?: string; threshold?: number } = {}) {
  return {
    version: '1.0',
    inputs: [
      { type: 'WorkflowImage', name: 'image' },
      { type: 'WorkflowParameter', name: 'threshold', default_value: options.threshold ?? 1 },
    ],
    steps: [
      {
        type: 'roboflow_core/absolute_static_crop@v1',
        name: 'crop',
        images: '$inputs.image',
        x_center: 48,
        y_center: 32,
        width: 90,
        height: 60,
      },
      {
        type: 'roboflow_core/image_slicer@v1',
        name: 'slicer',
        image: '$steps.crop.crops',
        slice_width: 32,
        slice_height: 60,
        overlap_ratio_width: 0,
        overlap_ratio_height: 0,
      },
      {
        type: 'roboflow_core/image_blur@v1',
        name: 'blur',
        image: '$steps.slicer.slices',
        kernel_size: options.kernel ?? 3,
      },
      { type: 'roboflow_core/dimension_collapse@v1', name: 'collapse', data: '$steps.blur.image' },
      { type: 'test/model_echo@v1', name: 'model', value: '$steps.crop.crops', model_id: options.model ?? 'a/1' },
      {
        type: 'roboflow_core/continue_if@v1',
        name: 'gate',
        condition_statement: {
          type: 'StatementGroup',
          statements: [
            {
              type: 'BinaryStatement',
              left_operand: { type: 'DynamicOperand', operand_name: 't' },
              comparator: { type: '(Number) >' },
              right_operand: { type: 'StaticOperand', value: 0 },
            },
          ],
        },
        evaluation_parameters: { t: '$inputs.threshold' },
        next_steps: ['$steps.gated'],
      },
      { type: 'test/model_echo@v1', name: 'gated', value: '$inputs.image', model_id: 'gated/1' },
    ],
    outputs: [
      { type: 'JsonField', name: 'slices', selector: '$steps.collapse.output' },
      { type: 'JsonField', name: 'model', selector: '$steps.model.out' },
      { type: 'JsonField', name: 'gated', selector: '$steps.gated.out' },
    ],
  };
}

describe('step events', () => {
  test('every step reports in dependency order, then the run; outputs equal a plain run', async () => {
    const { events, result } = await observed(pipeline(), { image });
    const plain = await engine.run(pipeline(), { image });
    sameJson(normalized(result.outputs), normalized(plain.outputs), 'observed run equals a plain run');
    assert.equal(events[0]!.type, 'run_started');
    assert.equal(events.at(-1)!.type, 'run_finished');
    const at = (type: string, step: string) => events.findIndex((e) => e.type === type && e.step === step);
    for (const [before, after] of [
      ['crop', 'slicer'],
      ['slicer', 'blur'],
      ['blur', 'collapse'],
      ['gate', 'gated'],
    ] as const) {
      assert.ok(at('started', before) < at('finished', before), `${before} starts before it finishes`);
      assert.ok(at('finished', before) < at('started', after), `${before} finishes before ${after} starts`);
    }
    const blur = events.find((e) => e.type === 'finished' && e.step === 'blur')!;
    assert.equal(blur.dim, 2, 'blur runs per slice of each crop');
    assert.equal(blur.batchSize, 3, '96-pixel crop in 32-pixel slices');
    const collapse = events.find((e) => e.type === 'finished' && e.step === 'collapse')!;
    assert.equal(collapse.dim, 1);
  });

  test('skip reasons: masked by flow control, empty input, not requested', async () => {
    const masked = await observed(pipeline({ threshold: 0 }), { image });
    assert.deepEqual(
      masked.events.findLast((e) => e.step === 'gated'),
      { type: 'skipped', step: 'gated', reason: 'masked_by_flow_control' },
    );
    const definition = pipeline({ threshold: 0 });
    definition.steps.push({ type: 'test/model_echo@v1', name: 'after', value: '$steps.gated.out', model_id: 'x/1' });
    const empty = await observed(definition, { image });
    assert.equal(empty.events.findLast((e) => e.step === 'after')?.reason, 'empty_input');
    assert.ok(empty.events.every((e) => e.type !== 'failed'));
    const partial = await observed(pipeline(), { image }, { runTo: ['blur'] });
    assert.deepEqual(partial.executed, ['blur', 'crop', 'slicer']);
    for (const step of ['collapse', 'model', 'gate', 'gated'])
      assert.equal(partial.events.find((e) => e.step === step)?.reason, 'not_requested', step);
  });

  test('a failing step reports failed, then the run rejects with the step error', async () => {
    const { events, observer } = recorder();
    const definition = {
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [{ type: 'test/failing@v1', name: 'bad', value: '$inputs.image' }],
      outputs: [{ type: 'JsonField', name: 'o', selector: '$steps.bad.out' }],
    };
    await assert.rejects(engine.run(definition, { image }, { observer }), /broken on purpose/);
    assert.deepEqual(
      events.map((e) => e.type),
      ['run_started', 'started', 'failed'],
    );
  });

  test('a throwing observer does not change the run', async () => {
    const result = await engine.run(
      pipeline(),
      { image },
      {
        observer: {
          stepFinished: () => {
            throw new Error('listener bug');
          },
        },
      },
    );
    assert.equal(result.outputs[0]!.model, 'model:a/1');
  });
});

describe('step output cache', () => {
  const reuse = { reuseOutputs: true };

  test('same definition and image: everything from cache, same bytes', async () => {
    const first = await observed(pipeline({ kernel: 5 }), { image }, reuse);
    const second = await observed(pipeline({ kernel: 5 }), { image }, reuse);
    assert.deepEqual(second.executed, []);
    assert.deepEqual(second.cached, ['blur', 'collapse', 'crop', 'gate', 'gated', 'model', 'slicer']);
    // Serialization stamps images without video metadata with the current time, as Roboflow does: only
    // those stamps (and ids blocks mint) may differ.
    sameJson(normalized(second.result.outputs), normalized(first.result.outputs), 'cached run, same bytes');
  });

  test('changed parameter re-runs that step and what depends on it', async () => {
    await observed(pipeline({ kernel: 5 }), { image }, reuse);
    const changed = await observed(pipeline({ kernel: 7 }), { image }, reuse);
    assert.deepEqual(changed.executed, ['blur', 'collapse']);
    const fresh = await engine.run(pipeline({ kernel: 7 }), { image });
    sameJson(normalized(changed.result.outputs), normalized(fresh.outputs), 'partial re-run equals a fresh run');
  });

  test('changed image re-runs everything that reads it', async () => {
    await observed(pipeline(), { image }, reuse);
    const other = await observed(pipeline(), { image: otherImage }, reuse);
    assert.deepEqual(other.cached, ['gate'], 'only the gate reads no image');
  });

  test('changed model id is a different key, literal or from an input', async () => {
    await observed(pipeline({ model: 'a/1' }), { image }, reuse);
    const b = await observed(pipeline({ model: 'b/1' }), { image }, reuse);
    assert.deepEqual(b.executed, ['model']);
    assert.equal(b.result.outputs[0]!.model, 'model:b/1');
    const viaInput = (id: string) => ({
      ...pipeline(),
      inputs: [...pipeline().inputs, { type: 'WorkflowParameter', name: 'model_id', default_value: id }],
      steps: pipeline().steps.map((s) => (s.name === 'model' ? { ...s, model_id: '$inputs.model_id' } : s)),
    });
    await observed(viaInput('a/1'), { image }, reuse);
    const c = await observed(viaInput('a/1'), { image, model_id: 'c/1' }, reuse);
    assert.deepEqual(c.executed, ['model']);
    assert.equal(c.result.outputs[0]!.model, 'model:c/1');
  });

  test('a stateful block is never served from cache, nor anything after it', async () => {
    const definition = {
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [
        { type: 'test/counting@v1', name: 'count', value: '$inputs.image' },
        { type: 'test/model_echo@v1', name: 'after', value: '$steps.count.count', model_id: 'x/1' },
      ],
      outputs: [{ type: 'JsonField', name: 'count', selector: '$steps.count.count' }],
    };
    const a = await observed(definition, { image }, reuse);
    const b = await observed(definition, { image }, reuse);
    assert.deepEqual(b.executed, ['after', 'count']);
    assert.equal((b.result.outputs[0]!.count as number) - (a.result.outputs[0]!.count as number), 1);
  });

  test('an inner workflow step is cached like any other', async () => {
    const child = {
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'img' }],
      steps: [{ type: 'roboflow_core/image_blur@v1', name: 'b', image: '$inputs.img', kernel_size: 3 }],
      outputs: [{ type: 'JsonField', name: 'blurred', selector: '$steps.b.image' }],
    };
    const definition = (kernel: number) => ({
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [
        {
          type: 'roboflow_core/inner_workflow@v1',
          name: 'inner',
          workflow_definition: child,
          parameter_bindings: { img: '$inputs.image' },
        },
        { type: 'roboflow_core/image_blur@v1', name: 'outer', image: '$steps.inner.blurred', kernel_size: kernel },
      ],
      outputs: [{ type: 'JsonField', name: 'o', selector: '$steps.outer.image' }],
    });
    await observed(definition(3), { image }, reuse);
    const again = await observed(definition(5), { image }, reuse);
    assert.deepEqual(again.cached, ['inner__b']);
    assert.deepEqual(again.executed, ['outer']);
    const fresh = await engine.run(definition(5), { image });
    sameJson(normalized(again.result.outputs), normalized(fresh.outputs), 'partial re-run equals a fresh run');
  });

  test('a byte limit evicts least recently used entries', async () => {
    const small = new ExecutionEngine({ blocks: coreBlocks, stepCacheBytes: 40_000 });
    const definition = (kernel: number) => ({
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [{ type: 'roboflow_core/image_blur@v1', name: 'b', image: '$inputs.image', kernel_size: kernel }],
      outputs: [{ type: 'JsonField', name: 'o', selector: '$steps.b.image' }],
    });
    for (const k of [3, 5, 7, 9]) await small.run(definition(k), { image }, reuse);
    assert.ok(small.stepCache.bytes <= 40_000, `${small.stepCache.bytes} bytes`);
    assert.ok(small.stepCache.size >= 1 && small.stepCache.size < 4, `${small.stepCache.size} entries`);
  });
});
