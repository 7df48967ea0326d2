// Back-pressure over HTTP on a real server: with a model queue of one waiting run, a burst of detection requests
// gets some 503s with Retry-After (ModelQueueFullError naming the model and the limit) instead of an unbounded
// queue, the admitted ones answer 200, and the server serves normally once the burst is over.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestServer, TEST_MODEL_ID, type RunningServer } from '../../helpers/server.ts';
import { needsShared, sharedImage } from '../../helpers/shared.ts';
import { DEFAULT_SCHEDULER_SETTINGS } from '../../../blocks/models/scheduler.ts';

describe('model queue limit over HTTP', { skip: needsShared }, () => {
  let server: RunningServer;
  let body: string;

  before(async () => {
    server = await startTestServer({
      // The server-wide admission limit (MAX_CONCURRENT_RUNS) is raised so that the model queue is what refuses.
      config: {
        maxConcurrentRuns: 64,
        modelScheduling: { ...DEFAULT_SCHEDULER_SETTINGS, maxInFlight: 1, maxQueue: 1 },
      },
    });
    const image = fs.readFileSync(sharedImage('bus.jpg')).toString('base64');
    body = JSON.stringify({ model_id: TEST_MODEL_ID, image: { type: 'base64', value: image } });
  });
  after(async () => {
    await server?.close();
  });

  const detect = async () => {
    const res = await fetch(`${server.url}/infer/object_detection`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
  };

  test('a burst past the queue limit gets 503 + Retry-After; the rest and later requests succeed', async () => {
    assert.equal((await detect()).status, 200, 'warm-up');
    let answers: Array<Awaited<ReturnType<typeof detect>>> = [];
    // Arrival order depends on decode timing: a few bursts make the overflow certain without a timed test.
    for (let burst = 0; burst < 3 && !answers.some((a) => a.status === 503); burst++)
      answers = await Promise.all(Array.from({ length: 12 }, detect));
    const refused = answers.filter((a) => a.status === 503);
    const served = answers.filter((a) => a.status === 200);
    assert.ok(refused.length > 0, `statuses ${answers.map((a) => a.status).join(' ')}`);
    assert.ok(served.length >= 2, `statuses ${answers.map((a) => a.status).join(' ')}`);
    assert.equal(answers.length, refused.length + served.length, `only 200 and 503: ${answers.map((a) => a.status)}`);
    for (const a of refused) {
      assert.ok(Number(a.retryAfter) >= 1, `Retry-After ${a.retryAfter}`);
      assert.match(a.body.message, /Model coco\/3 has 1 runs waiting \(limit 1\)/);
    }
    for (const a of served) assert.ok(a.body.predictions.length > 0);
    assert.equal((await detect()).status, 200, 'after the burst');
    const stats = server.models.schedulers.stats().find((s) => s.model === TEST_MODEL_ID);
    assert.deepEqual({ queued: stats?.queued, running: stats?.running }, { queued: 0, running: 0 });
  });
});
