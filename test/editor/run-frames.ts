// The editor runs workflows over the run channel (/workflows/run/ws): this records what the server sends on it, so
// browser tests can read the run's events and outputs as the page received them.
import type { Page } from 'playwright-core';

export type RunMessage = Record<string, any>;

export interface RunFrames {
  /** Every message received so far, in order. */
  readonly messages: RunMessage[];
  /** Resolves with the next message matching `match` (one received after this call). */
  next(match: (m: RunMessage) => boolean, timeoutMs?: number): Promise<RunMessage>;
  /** The messages of the run whose id is `runId`. */
  ofRun(runId: string): RunMessage[];
}

export function watchRunFrames(page: Page): RunFrames {
  const messages: RunMessage[] = [];
  let waiters: Array<{ match: (m: RunMessage) => boolean; resolve: (m: RunMessage) => void }> = [];
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/workflows/run/ws')) return;
    ws.on('framereceived', (frame) => {
      if (typeof frame.payload !== 'string') return;
      const message = JSON.parse(frame.payload) as RunMessage;
      messages.push(message);
      waiters = waiters.filter((w) => (w.match(message) ? (w.resolve(message), false) : true));
    });
  });
  return {
    messages,
    next(match, timeoutMs = 90_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching run message in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          match,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    ofRun: (runId) => messages.filter((m) => m.run_id === runId),
  };
}
