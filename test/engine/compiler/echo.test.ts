// Values from the definition or the inputs echoed in error messages: long ones are cut to ~120 characters with an
// ellipsis and their length, absent ones read "missing", and the step / property stay named.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionEngine, WorkflowError } from '../../../engine/index.ts';
import { ECHO_LIMIT, clip, echo } from '../../../engine/compiler/echo.ts';
import { fixtureBlocks } from '../fixture-blocks.ts';
import sharp from 'sharp';

const engine = new ExecutionEngine({ blocks: fixtureBlocks });
const IMAGE = { type: 'WorkflowImage', name: 'image' };
const HUGE = 'x'.repeat(200_000);
const wf = (steps: unknown[], outputs: unknown[] = [], inputs: unknown[] = [IMAGE], version: unknown = '1.0') => ({
  version,
  inputs,
  steps,
  outputs,
});

function compileError(definition: unknown): WorkflowError {
  try {
    engine.compile(definition);
  } catch (error) {
    assert.ok(error instanceof WorkflowError, `expected a WorkflowError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the definition to be refused');
}

/** Everything the HTTP body would carry: message and blocks_errors. */
const bodyText = (e: WorkflowError) => JSON.stringify({ message: e.message, blocks_errors: e.blocksErrors });

function assertClipped(e: WorkflowError) {
  const text = bodyText(e);
  assert.ok(text.length < 2000, `error body is ${text.length} characters: ${text.slice(0, 300)}`);
  assert.ok(e.message.includes(`${'x'.repeat(ECHO_LIMIT)}…`), e.message);
  assert.ok(!e.message.includes('x'.repeat(ECHO_LIMIT + 1)), e.message);
  assert.match(e.message, /\(200000 characters\)/);
}

describe('echo', () => {
  test('short values are shown whole, strings quoted, others as JSON', () => {
    assert.equal(echo('abc'), "'abc'");
    assert.equal(echo(1.5), '1.5');
    assert.equal(echo({ a: [1, null] }), '{"a":[1,null]}');
    assert.equal(echo(null), 'null');
  });
  test('absent values read missing', () => {
    assert.equal(echo(undefined), 'missing');
  });
  test('long values are cut at the limit with an ellipsis and their length', () => {
    assert.equal(echo('y'.repeat(ECHO_LIMIT)), `'${'y'.repeat(ECHO_LIMIT)}'`);
    assert.equal(echo('y'.repeat(ECHO_LIMIT + 1)), `'${'y'.repeat(ECHO_LIMIT)}…' (${ECHO_LIMIT + 1} characters)`);
    assert.equal(echo({ k: HUGE }), `{"k":"${'x'.repeat(ECHO_LIMIT - 6)}… (200008 characters)`);
    assert.equal(clip('short'), 'short');
  });
});

describe('compile errors echo values clipped', () => {
  test('an invalid property value names step and property, value cut', () => {
    const e = compileError(
      wf([{ type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image', confidence: HUGE }]),
    );
    assert.equal(e.name, 'WorkflowSyntaxError');
    assertClipped(e);
    assert.match(
      e.message,
      /step 'det' \(test\/fake_detector@v1\) has invalid property 'confidence': Invalid value 'x+…'/,
    );
    assert.equal(e.blocksErrors[0]!.block_id, 'det');
    assert.equal(e.blocksErrors[0]!.property_name, 'confidence');
  });

  test('an object value is cut too', () => {
    const e = compileError(
      wf([{ type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image', confidence: { a: HUGE } }]),
    );
    assert.ok(bodyText(e).length < 2000, bodyText(e).slice(0, 300));
    assert.match(e.message, /Invalid value \{"a":"x+… \(200008 characters\)/);
  });

  test('unknown input, output and block types, version and selector are cut', () => {
    assertClipped(compileError(wf([], [], [{ type: HUGE, name: 'image' }])));
    assertClipped(compileError(wf([], [{ type: HUGE, name: 'o', selector: '$inputs.image' }])));
    const step = compileError(wf([{ type: HUGE, name: 'mystery' }]));
    assertClipped(step);
    assert.match(step.message, /step 'mystery' uses unknown block type 'x+…'/);
    assert.equal(step.blocksErrors[0]!.block_type!.length < 200, true);
    assertClipped(compileError(wf([], [], [IMAGE], HUGE)));
    const selector = compileError(wf([], [{ type: 'JsonField', name: 'o', selector: `$steps.${HUGE}.out` }]));
    assert.equal(selector.name, 'InvalidReferenceTargetError');
    assert.ok(bodyText(selector).length < 2000, bodyText(selector).slice(0, 300));
    assert.match(selector.message, /output 'o'/);
  });

  test("a missing input type is reported as missing, not 'undefined'", () => {
    const e = compileError(wf([], [], [{ name: 'image' }]));
    assert.equal(e.name, 'WorkflowSyntaxError');
    assert.match(e.message, /^Input 'image' is missing its 'type' \(expected one of WorkflowImage/);
    assert.doesNotMatch(e.message, /undefined/);
  });

  test("a missing step type is reported as missing, not 'undefined'", () => {
    const e = compileError(wf([{ name: 'mystery', images: '$inputs.image' }]));
    assert.equal(e.name, 'WorkflowSyntaxError');
    assert.match(e.message, /step 'mystery' is missing its block 'type'/);
    assert.doesNotMatch(bodyText(e), /undefined/);
    assert.equal(e.blocksErrors[0]!.block_id, 'mystery');
    assert.equal(e.blocksErrors[0]!.property_name, 'type');
    assert.equal(e.blocksErrors[0]!.block_type, null);
  });

  test('a long coordinates_system is cut', () => {
    const e = compileError(
      wf([], [{ type: 'JsonField', name: 'o', selector: '$inputs.image', coordinates_system: 'x'.repeat(300) }]),
    );
    assert.match(
      e.message,
      /^Output 'o': coordinates_system must be 'parent' or 'own', got 'x{120}…' \(300 characters\)$/,
    );
  });
});

describe('runtime input validation echoes values clipped', () => {
  test('a long parameter value bound to a literal property is cut, step and property named', async () => {
    const definition = wf(
      [{ type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image', confidence: '$inputs.confidence' }],
      [{ type: 'JsonField', name: 'o', selector: '$steps.det.predictions' }],
      [IMAGE, { type: 'WorkflowParameter', name: 'confidence' }],
    );
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .png()
      .toBuffer();
    const image = { type: 'base64', value: png.toString('base64') };
    await assert.rejects(engine.run(definition, { image, confidence: HUGE }), (error: unknown) => {
      assert.ok(error instanceof WorkflowError);
      assert.equal(error.name, 'RuntimeInputError');
      assert.ok(error.message.length < 600, error.message.slice(0, 300));
      assert.match(
        error.message,
        /step 'det' regarding property 'confidence': input 'confidence' = 'x{120}…' \(200000 characters\)/,
      );
      return true;
    });
  });
});
