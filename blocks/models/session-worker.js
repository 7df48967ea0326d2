// A worker thread of SessionPool (session-pool.ts): holds its own onnxruntime sessions, created from the weights the
// main thread sends, and runs them, so runs leave the main thread and N workers run N inferences at once
// (onnxruntime-node runs a session synchronously in the calling thread). Plain JavaScript: worker threads do not
// inherit tsx's loader. Messages: see PoolMessage / PoolReply in session-pool.ts.
import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';

const sessions = new Map();
/** Runs not answered yet: closing waits for them (terminating a thread inside onnxruntime aborts the process). */
const running = new Set();

parentPort.on('message', async (message) => {
  if (message.type === 'close') {
    // Finish what onnxruntime is doing, release every session, then let the thread end by itself.
    await Promise.allSettled(running);
    const loaded = await Promise.allSettled(sessions.values());
    sessions.clear();
    await Promise.allSettled(loaded.map((r) => (r.status === 'fulfilled' ? r.value.release() : undefined)));
    parentPort.close();
  } else if (message.type === 'load') {
    const loading = ort.InferenceSession.create(message.weights, message.options);
    loading.catch(() => {}); // reported to the runs that use it
    sessions.set(message.key, loading);
  } else if (message.type === 'release') {
    const session = sessions.get(message.key);
    sessions.delete(message.key);
    session?.then((s) => s.release()).catch(() => {});
  } else if (message.type === 'run') {
    const done = run(message);
    running.add(done);
    await done;
    running.delete(done);
  }
});

async function run(message) {
  try {
    const session = await sessions.get(message.key);
    if (!session) throw new Error(`session ${message.key} is not loaded in this worker`);
    const feeds = {};
    for (const [name, t] of Object.entries(message.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    const results = await session.run(feeds);
    const outputs = {};
    const buffers = [];
    for (const [name, t] of Object.entries(results)) {
      outputs[name] = { type: t.type, dims: t.dims, data: t.data };
      if (t.data?.buffer instanceof ArrayBuffer) buffers.push(t.data.buffer);
    }
    // Outputs are fresh per run: hand their memory over instead of copying it, when onnxruntime's buffers allow.
    try {
      parentPort.postMessage({ id: message.id, outputs }, [...new Set(buffers)]);
    } catch {
      parentPort.postMessage({ id: message.id, outputs });
    }
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: error?.message ?? String(error) });
  }
}
