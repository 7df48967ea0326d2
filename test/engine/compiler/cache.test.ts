// The compile cache: keyed by the definition's content (not its key order, not object identity).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionEngine } from '../../../engine/index.ts';
import { fixtureBlocks } from '../fixture-blocks.ts';

const engine = new ExecutionEngine({ blocks: fixtureBlocks });
const definition = () => ({
  version: '1.0',
  inputs: [],
  steps: [{ type: 'test/constant@v1', name: 'k', value: 'first' }],
  outputs: [{ type: 'JsonField', name: 'o', selector: '$steps.k.out' }],
});

test('a definition object changed in place between runs is recompiled, not served from the cache', async () => {
  const def = definition();
  assert.deepEqual((await engine.run(def, {})).outputs, [{ o: 'first' }]);
  assert.deepEqual((await engine.run(def, {})).outputs, [{ o: 'first' }]);
  def.steps[0]!.value = 'second';
  assert.deepEqual((await engine.run(def, {})).outputs, [{ o: 'second' }]);
});

test('key order does not change the compiled workflow; content does', () => {
  const def = definition();
  const reordered = {
    outputs: def.outputs,
    steps: [{ value: 'first', name: 'k', type: 'test/constant@v1' }],
    inputs: [],
    version: '1.0',
  };
  assert.equal(engine.compile(def).hash, engine.compile(reordered).hash);
  assert.equal(engine.compile(structuredClone(def)).hash, engine.compile(def).hash);
  assert.notEqual(
    engine.compile({ ...def, steps: [{ ...def.steps[0]!, value: 'other' }] }).hash,
    engine.compile(def).hash,
  );
});
