// Sessions run in worker threads (MODEL_RUNNERS) on a real model with a dynamic batch axis (PP-OCR's direction
// classifier from npm, so no ../shared needed): outputs equal main-thread runs bit for bit, runs spread over the
// workers, a bad input rejects that run only, and the wrapped session keeps the original's metadata.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import ort, { type InferenceSession } from 'onnxruntime-node';
import { SessionPool } from '../../../blocks/models/session-pool.ts';
import { ModelScheduler } from '../../../blocks/models/scheduler.ts';
import { ocrAssetPath } from '../../../blocks/models/ocr/ocr-engine.ts';

const input = (seed: number, samples = 1) =>
  new ort.Tensor(
    'float32',
    Float32Array.from({ length: samples * 3 * 48 * 192 }, (_, i) => Math.sin(i * 0.01 + seed)),
    [samples, 3, 48, 192],
  );

describe('session pool', () => {
  let session: InferenceSession;
  let weights: Buffer;
  let pool: SessionPool;

  before(async () => {
    weights = fs.readFileSync(ocrAssetPath('direction'));
    session = await ort.InferenceSession.create(weights);
    pool = new SessionPool(2);
  });
  after(async () => {
    await pool.close();
    await session.release();
  });

  test('runs in workers give the main thread results and keep the metadata', async () => {
    const wrapped = pool.wrap(session, weights);
    assert.deepEqual(wrapped.inputNames, session.inputNames);
    assert.deepEqual(wrapped.outputNames, session.outputNames);
    const name = session.outputNames[0]!;
    const feeds = Array.from({ length: 6 }, (_, seed) => ({ [session.inputNames[0]!]: input(seed, 1 + (seed % 3)) }));
    const direct: InferenceSession.ReturnType[] = [];
    for (const f of feeds) direct.push(await session.run(f));
    const pooled = await Promise.all(feeds.map((f) => wrapped.run(f)));
    pooled.forEach((result, i) => {
      assert.deepEqual(result[name]!.dims, direct[i]![name]!.dims);
      assert.deepEqual(
        Array.from(result[name]!.data as Float32Array),
        Array.from(direct[i]![name]!.data as Float32Array),
      );
    });
  });

  test('a run alone may get every core; runs arriving meanwhile share the workers, with the same outputs', async (t) => {
    if (os.availableParallelism() < 2) return t.skip('needs 2 or more cores (one core: no all-cores session)');
    const wrapped = pool.wrap(session, weights);
    const name = session.outputNames[0]!;
    const feeds = Array.from({ length: 5 }, (_, seed) => ({ [session.inputNames[0]!]: input(seed + 10, 2) }));
    const direct: InferenceSession.ReturnType[] = [];
    for (const f of feeds) direct.push(await session.run(f));
    const before = { ...pool.runs };
    // The first lone run of a model tries every core; the four arriving with it wait, then share the workers.
    const together = await Promise.all(feeds.map((f) => wrapped.run(f)));
    assert.deepEqual(pool.runs, { lone: before.lone + 1, shared: before.shared + 4 });
    together.forEach((result, i) =>
      assert.deepEqual(
        Array.from(result[name]!.data as Float32Array),
        Array.from(direct[i]![name]!.data as Float32Array),
      ),
    );
    // Lone runs alternate between the two ways until each has been timed, then keep the faster one.
    for (let i = 0; i < 10; i++) await wrapped.run(feeds[i % 5]!);
    const decided = { ...pool.runs };
    for (let i = 0; i < 4; i++) await wrapped.run(feeds[i]!);
    const after = { lone: pool.runs.lone - decided.lone, shared: pool.runs.shared - decided.shared };
    assert.ok(
      (after.lone === 4 && after.shared === 0) || (after.lone === 0 && after.shared === 4),
      JSON.stringify(after),
    );
  });

  test('a failing run rejects alone; the worker keeps serving', async () => {
    const wrapped = pool.wrap(session, weights);
    const bad = new ort.Tensor('float32', new Float32Array(48 * 192), [1, 1, 48, 192]);
    const results = await Promise.allSettled([
      wrapped.run({ [session.inputNames[0]!]: bad }),
      wrapped.run({ [session.inputNames[0]!]: input(1) }),
    ]);
    assert.equal(results[0]!.status, 'rejected');
    assert.match(String((results[0] as PromiseRejectedResult).reason?.message), /channel|dimension|shape|Got/i);
    assert.equal(results[1]!.status, 'fulfilled');
  });

  test('the scheduler batches over a pooled session like over a direct one', async () => {
    const scheduler = new ModelScheduler('pooled', pool.wrap(session, weights), {
      maxBatchSize: 8,
      maxInFlight: 2,
      maxQueueDelayMs: 20,
    });
    const name = session.outputNames[0]!;
    const alone = await session.run({ [session.inputNames[0]!]: input(7) });
    const all = await Promise.all(
      Array.from({ length: 5 }, () => scheduler.run({ [session.inputNames[0]!]: input(7) })),
    );
    for (const r of all)
      assert.deepEqual(Array.from(r[name]!.data as Float32Array), Array.from(alone[name]!.data as Float32Array));
  });
});

test('closing the pool answers the runs in flight, then its workers end by themselves', async () => {
  // Terminating a worker while onnxruntime runs in it aborts the process; close lets the runs finish instead.
  const weights = fs.readFileSync(ocrAssetPath('direction'));
  const session = await ort.InferenceSession.create(weights);
  const pool = new SessionPool(2);
  try {
    const wrapped = pool.wrap(session, weights);
    const runs = Array.from({ length: 4 }, (_, seed) => wrapped.run({ [session.inputNames[0]!]: input(seed, 2) }));
    await pool.close();
    for (const result of await Promise.allSettled(runs)) assert.equal(result.status, 'fulfilled');
    await assert.rejects(wrapped.run({ [session.inputNames[0]!]: input(0) }), /closed/);
  } finally {
    await session.release();
  }
});
