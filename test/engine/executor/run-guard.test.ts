// A run under an abort signal and a time limit (engine/executor/run-guard.ts): the step in flight sees the signal,
// no step starts afterwards, the error names the running step, and a step that ignores the signal cannot hold
// the run's promise past the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineBlock, ExecutionEngine, RunAbortedError, RunTimeLimitError, selector } from '../../../engine/index.ts';

const started: string[] = [];
let sawAbort = 0;

/** Waits `ms` or until its signal aborts (then rejects with the reason, as a well-behaved block does). */
const wait = defineBlock<{ value: unknown }>({
  manifest: {
    type: 'test/wait@v1',
    humanName: 'Wait',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'waits 400 ms',
    properties: { value: selector(['*']) },
    required: ['value'],
    outputs: [{ name: 'out', kind: ['*'] }],
  },
  run: ({ value }, context) => {
    started.push(context.stepName);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve({ out: value }), 400);
      context.signal?.addEventListener('abort', () => {
        sawAbort++;
        clearTimeout(timer);
        reject(context.signal!.reason);
      });
    });
  },
});

/** Ignores the signal: the guard must still settle the run at the deadline. */
const stuck = defineBlock<{ value: unknown }>({
  manifest: {
    type: 'test/stuck@v1',
    humanName: 'Stuck',
    version: 'v1',
    blockType: 'transformation',
    shortDescription: 'takes 1.5 s whatever happens',
    properties: { value: selector(['*']) },
    required: ['value'],
    outputs: [{ name: 'out', kind: ['*'] }],
  },
  run: ({ value }, context) => {
    started.push(context.stepName);
    return new Promise((resolve) => setTimeout(() => resolve({ out: value }), 1500));
  },
});

const engine = new ExecutionEngine({ blocks: [wait, stuck] });

function chain(types: string[]) {
  return {
    version: '1.0',
    inputs: [{ type: 'WorkflowParameter', name: 'x' }],
    steps: types.map((type, i) => ({ type, name: `s${i}`, value: i === 0 ? '$inputs.x' : `$steps.s${i - 1}.out` })),
    outputs: [{ type: 'JsonField', name: 'out', selector: `$steps.s${types.length - 1}.out` }],
  };
}

test('without signal or limit the chain runs to the end', async () => {
  started.length = 0;
  const { outputs } = await engine.run(chain(['test/wait@v1', 'test/wait@v1']), { x: 3 });
  assert.deepEqual(outputs, [{ out: 3 }]);
  assert.deepEqual(started, ['s0', 's1']);
});

test('an abort stops the step in flight and starts no other', async () => {
  started.length = 0;
  sawAbort = 0;
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(
    engine.run(chain(['test/wait@v1', 'test/wait@v1', 'test/wait@v1']), { x: 1 }, { signal: controller.signal }),
    (error: Error) => error instanceof RunAbortedError && /'s0' \(test\/wait@v1\) was running/.test(error.message),
  );
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.deepEqual(started, ['s0']);
  assert.equal(sawAbort, 1);
});

test('the time limit names the running step and settles on time even when the step ignores the signal', async () => {
  started.length = 0;
  const begun = performance.now();
  await assert.rejects(
    engine.run(chain(['test/wait@v1', 'test/stuck@v1', 'test/wait@v1']), { x: 1 }, { timeoutMs: 600 }),
    (error: Error) =>
      error instanceof RunTimeLimitError &&
      /time limit of 600 ms .*step 's1' \(test\/stuck@v1\) was running/.test(error.message),
  );
  const elapsed = performance.now() - begun;
  assert.ok(elapsed < 1200, `settled after ${Math.round(elapsed)} ms`);
  // The stuck step finishes in the background; the next one never starts.
  await new Promise((resolve) => setTimeout(resolve, 1300));
  assert.deepEqual(started, ['s0', 's1']);
});
