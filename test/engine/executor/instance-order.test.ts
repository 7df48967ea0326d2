// Overlapping runs of one workflow instance (what a video pipeline does with frames): pure steps of the next run
// go ahead at once, steps that keep state or have side effects wait for the previous run to end, so they see the
// runs in call order; a failing run does not hold the next one back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionEngine, defineBlock, literalOrSelector, selector } from '../../../engine/index.ts';

const events: string[] = [];

/** Pure: waits `delay` ms and passes `value` on (a model step's shape). */
const slowEcho = defineBlock<{ value: number; delay: number }>({
  manifest: {
    type: 'test/slow_echo@v1',
    humanName: 'slow echo',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'test block',
    properties: {
      value: literalOrSelector({ type: 'integer' }, ['integer']),
      delay: literalOrSelector({ type: 'integer' }, ['integer']),
    },
    required: ['value', 'delay'],
    outputs: [{ name: 'output', kind: ['integer'] }],
  },
  async run({ value, delay }) {
    events.push(`echo start ${value}`);
    await new Promise((r) => setTimeout(r, delay));
    if (value < 0) throw new Error('negative value');
    events.push(`echo end ${value}`);
    return { output: value };
  },
});

/** Stateful: counts its calls and records the order it saw values in. */
const recorder = defineBlock<{ value: number }>({
  manifest: {
    type: 'test/recorder@v1',
    humanName: 'recorder',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'test block',
    cacheable: false,
    properties: { value: selector(['integer']) },
    required: ['value'],
    outputs: [{ name: 'calls', kind: ['integer'] }],
  },
  run({ value }, context) {
    const calls = ((context.state.get('calls') as number | undefined) ?? 0) + 1;
    context.state.set('calls', calls);
    events.push(`record ${value}`);
    return { calls };
  },
});

const definition = {
  version: '1.0',
  inputs: [
    { type: 'WorkflowParameter', name: 'value' },
    { type: 'WorkflowParameter', name: 'delay' },
  ],
  steps: [
    { type: 'test/slow_echo@v1', name: 'echo', value: '$inputs.value', delay: '$inputs.delay' },
    { type: 'test/recorder@v1', name: 'record', value: '$steps.echo.output' },
  ],
  outputs: [{ type: 'JsonField', name: 'calls', selector: '$steps.record.calls' }],
};

const engine = new ExecutionEngine({ blocks: [slowEcho, recorder] });

test('the next run starts its pure steps at once and its stateful steps after the previous run', async () => {
  events.length = 0;
  const instance = engine.instantiate(definition);
  const first = instance.run({ value: 1, delay: 80 });
  const second = instance.run({ value: 2, delay: 0 });
  const [a, b] = await Promise.all([first, second]);
  assert.equal(a.outputs[0]!.calls, 1);
  assert.equal(b.outputs[0]!.calls, 2);
  // Run 2's echo overlapped run 1's; its record waited for run 1 to end.
  assert.ok(events.indexOf('echo end 2') < events.indexOf('echo end 1'), events.join(', '));
  assert.deepEqual(
    events.filter((e) => e.startsWith('record')),
    ['record 1', 'record 2'],
  );
});

test('a failed run lets the next one through', async () => {
  events.length = 0;
  const instance = engine.instantiate(definition);
  const failing = instance.run({ value: -1, delay: 30 });
  const next = instance.run({ value: 5, delay: 0 });
  await assert.rejects(failing, /negative value/);
  assert.equal((await next).outputs[0]!.calls, 1);
});

test('two instances of one definition do not wait for each other', async () => {
  events.length = 0;
  const slow = engine.instantiate(definition).run({ value: 1, delay: 80 });
  const fast = engine.instantiate(definition).run({ value: 2, delay: 0 });
  await fast;
  assert.ok(events.includes('record 2') && !events.includes('record 1'), events.join(', '));
  await slow;
});
