// The editor's side of the run channel: one WebSocket to /workflows/run/ws, the current run's view (node states,
// previews, progress) as an external store components subscribe to, and the last inputs so "Run to here" on a
// node can run again without the run panel. Errors come back as ApiError so callers place them like HTTP ones.
import { useSyncExternalStore } from 'react';
import type { WorkflowDefinition } from '../../model/types.ts';
import { applyMessage, newRun, type RunView } from '../../model/run-events.ts';
import { accessKey } from '../access-key.tsx';
import { ApiError } from '../api.ts';

type Message = Record<string, any>;

export interface RunRequest {
  definition: WorkflowDefinition;
  inputs: Record<string, unknown>;
  /** Input images as data URLs per batch index (detections of index [i] are drawn on image i). */
  inputImages: string[];
  runTo?: string;
  /** Reuse unchanged steps from the server's cache (default true; off for video frames, each one new). */
  reuse?: boolean;
  /** Longest side of image previews (default 480). */
  previewSize?: number;
}

class LiveRun {
  view: RunView | null = null;
  /** Inputs of the last run, reused by "Run to here". */
  last: RunRequest | null = null;
  #socket: WebSocket | null = null;
  #opening: Promise<WebSocket> | null = null;
  #pending: { runId: string; resolve: (v: RunView) => void; reject: (e: unknown) => void } | null = null;
  #listeners = new Set<() => void>();
  #revision = 0;
  #counter = 0;

  subscribe = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getRevision = () => this.#revision;

  #changed(): void {
    this.#revision++;
    for (const l of this.#listeners) l();
  }

  #open(): Promise<WebSocket> {
    if (this.#socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.#socket);
    if (this.#opening) return this.#opening;
    const key = accessKey();
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/workflows/run/ws${key ? `?api_key=${encodeURIComponent(key)}` : ''}`;
    this.#opening = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        this.#socket = ws;
        this.#opening = null;
        resolve(ws);
      };
      ws.onerror = () => {
        this.#opening = null;
        reject(new ApiError(0, { message: 'Could not open the run channel (/workflows/run/ws)' }));
      };
      ws.onclose = () => {
        if (this.#socket === ws) this.#socket = null;
        if (this.#pending) {
          this.#pending.reject(new ApiError(0, { message: 'The run channel closed during the run' }));
          this.#pending = null;
          if (this.view?.running) this.view = { ...this.view, running: false, error: 'connection lost' };
          this.#changed();
        }
      };
      ws.onmessage = (event) => this.#receive(JSON.parse(String(event.data)) as Message);
    });
    return this.#opening;
  }

  #receive(message: Message): void {
    if (!this.view || (message.run_id !== undefined && message.run_id !== this.view.runId)) return;
    this.view = applyMessage(this.view, message);
    this.#changed();
    const pending = this.#pending;
    if (!pending || message.run_id !== pending.runId) return;
    if (message.type === 'result' || message.type === 'cancelled') {
      this.#pending = null;
      pending.resolve(this.view);
    } else if (message.type === 'error') {
      this.#pending = null;
      pending.reject(new ApiError(message.status ?? 500, message.error));
    }
  }

  /** Runs with previews and output reuse; resolves with the final view, rejects with ApiError on a run error. */
  async run(request: RunRequest): Promise<RunView> {
    if (this.#pending) {
      // Closing the socket stops the old run on the server before its next step; a fresh socket takes this one.
      this.#pending.reject(new ApiError(0, { message: 'Replaced by a newer run' }));
      this.#pending = null;
      this.#socket?.close();
      this.#socket = null;
    }
    this.last = { ...request, runTo: undefined, reuse: undefined };
    const runId = `r${++this.#counter}`;
    const names = request.definition.steps.map((s) => s.name);
    this.view = newRun(runId, names);
    this.#changed();
    const ws = await this.#open();
    return new Promise<RunView>((resolve, reject) => {
      this.#pending = { runId, resolve, reject };
      ws.send(
        JSON.stringify({
          type: 'run',
          id: runId,
          specification: request.definition,
          inputs: request.inputs,
          previews: true,
          preview_size: request.previewSize ?? 480,
          reuse_outputs: request.reuse ?? true,
          ...(request.runTo ? { run_to: request.runTo } : {}),
        }),
      );
    });
  }

  cancel(): void {
    if (!this.#pending) return;
    this.#socket?.send(JSON.stringify({ type: 'cancel' }));
    // A run cancelled by a newer one: its late messages are ignored (other run id).
    this.#pending.reject(new ApiError(0, { message: 'Run cancelled' }));
    this.#pending = null;
  }
}

export const liveRun = new LiveRun();

/** Re-render when the live run changes. */
export function useLiveRun(): LiveRun {
  useSyncExternalStore(liveRun.subscribe, liveRun.getRevision);
  return liveRun;
}
