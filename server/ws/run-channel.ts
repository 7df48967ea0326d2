// The WebSocket run channel at /workflows/run/ws: a client sends what it would POST to /workflows/run (plus
// previews / reuse_outputs / run_to) and receives the run's step events as they happen, then the same outputs.
// Errors are messages with the bodies HTTP would answer; the socket stays open. A socket runs one workflow at a
// time; closing it (or sending {"type":"cancel"}) stops the run before its next step. Message types: README.md.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { RunObserver } from '../../engine/index.ts';
import type { AppDeps } from '../app.ts';
import { mapError } from '../error-map.ts';
import { validateBody } from '../validation.ts';
import type { WorkflowSpecificationInferenceRequest } from '../../schemas/generated/workflow-run.ts';
import { RunChannelBusyError, RunChannelMessageError } from './errors.ts';
import { DEFAULT_PREVIEW_OPTIONS, previewStep, type PreviewOptions } from './previews.ts';

export const RUN_CHANNEL_PATH = '/workflows/run/ws';

/** Fields of a run message that /workflows/run does not have. */
interface ChannelFields {
  type?: unknown;
  /** Echoed as run_id in every message of the run (default: a counter per socket). */
  id?: unknown;
  /** true: previews of every step; a list: of those steps only. */
  previews?: unknown;
  /** Longest side of image previews (default 320, at most 1024). */
  preview_size?: unknown;
  /** Reuse unchanged steps from the step output cache (default true). */
  reuse_outputs?: unknown;
  /** "Run up to here": a step name or a list of them. */
  run_to?: unknown;
}

export interface RunChannel {
  /** Runs in progress (tests check that a closed socket leaves none). */
  readonly activeRuns: number;
  /** Steps executed (not cached) since start, all sockets. */
  readonly stepsExecuted: number;
  close(): void;
}

const channels = new WeakMap<Server, RunChannel>();
export const runChannelOf = (server: Server): RunChannel | undefined => channels.get(server);

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string'))
    throw new RunChannelMessageError(`\`${field}\` must be a step name or a list of step names`);
  return list;
}

export function attachRunChannel(server: Server, deps: AppDeps): RunChannel {
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.config.maxBodyBytes });
  const sockets = new Set<WebSocket>();
  const stats = { activeRuns: 0, stepsExecuted: 0 };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== RUN_CHANNEL_PATH || socket.destroyed) return; // other upgrade handlers decide
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.once('close', () => sockets.delete(ws));
      serve(ws, deps, stats);
    });
  });
  const channel: RunChannel = {
    get activeRuns() {
      return stats.activeRuns;
    },
    get stepsExecuted() {
      return stats.stepsExecuted;
    },
    close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
  channels.set(server, channel);
  return channel;
}

function serve(ws: WebSocket, deps: AppDeps, stats: { activeRuns: number; stepsExecuted: number }): void {
  let current: { id: string; controller: AbortController } | null = null;
  let counter = 0;
  // Messages leave in the order they were queued, even when a preview takes a while to encode.
  let queue: Promise<void> = Promise.resolve();
  const send = (build: () => Promise<Record<string, unknown>> | Record<string, unknown>) => {
    queue = queue
      .then(async () => {
        const message = await build();
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
      })
      .catch(() => {});
  };
  const sendError = (error: unknown, runId?: string) => {
    const mapped = mapError(error);
    if (!mapped) console.error('[sightline] run channel internal error:', error);
    send(() => ({
      type: 'error',
      ...(runId !== undefined ? { run_id: runId } : {}),
      status: mapped?.status ?? 500,
      error: mapped?.body ?? { message: 'Internal error.' },
    }));
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    let message: Record<string, unknown>;
    try {
      if (isBinary) throw new RunChannelMessageError('Messages must be JSON text, not binary');
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch (error) {
        throw new RunChannelMessageError(`Malformed JSON in message: ${(error as Error).message}`);
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new RunChannelMessageError('A message must be a JSON object such as {"type": "run", "specification": …}');
      message = parsed as Record<string, unknown>;
      const type = message.type ?? 'run';
      if (type === 'cancel') {
        current?.controller.abort(new RunChannelMessageError('Run cancelled by the client'));
        return;
      }
      if (type !== 'run')
        throw new RunChannelMessageError(`Unknown message type ${JSON.stringify(type)}: send "run" or "cancel"`);
      if (current)
        throw new RunChannelBusyError(
          `Run ${current.id} is still going on this socket: send {"type": "cancel"} first or open another socket`,
        );
    } catch (error) {
      sendError(error);
      return;
    }
    const id =
      typeof message.id === 'string' || typeof message.id === 'number' ? String(message.id) : String(++counter);
    const controller = new AbortController();
    current = { id, controller };
    stats.activeRuns++;
    void run(message, id, controller.signal).finally(() => {
      stats.activeRuns--;
      if (current?.id === id) current = null;
    });
  });
  ws.on('close', () => current?.controller.abort(new RunChannelMessageError('The client closed the run channel')));
  ws.on('error', () => {});

  async function run(message: Record<string, unknown>, runId: string, signal: AbortSignal): Promise<void> {
    try {
      const {
        type: _t,
        id: _i,
        previews,
        preview_size,
        reuse_outputs,
        run_to,
        ...body
      } = message as ChannelFields & Record<string, unknown>;
      const request = validateBody<WorkflowSpecificationInferenceRequest>('workflow-run.json', body);
      const previewSteps = previews === true ? null : (stringList(previews, 'previews') ?? []);
      const size = Number(preview_size);
      const previewOptions: PreviewOptions = {
        ...DEFAULT_PREVIEW_OPTIONS,
        maxSide:
          Number.isFinite(size) && size >= 16 ? Math.min(1024, Math.round(size)) : DEFAULT_PREVIEW_OPTIONS.maxSide,
      };
      const wantsPreview = (step: string) => previewSteps === null || previewSteps.includes(step);
      const observer: RunObserver = {
        runStarted: (e) =>
          send(() => ({
            type: 'run_started',
            run_id: runId,
            steps: e.steps.map((s) => ({ name: s.step, block_type: s.blockType })),
            selected: e.selected,
          })),
        stepStarted: (e) =>
          send(() => ({ type: 'step_started', run_id: runId, step: e.step, block_type: e.blockType })),
        stepFinished: (e) => {
          if (!e.cached) stats.stepsExecuted++;
          const event = {
            type: 'step_finished',
            run_id: runId,
            step: e.step,
            block_type: e.blockType,
            duration_ms: Math.round(e.durationMs * 100) / 100,
            cached: e.cached,
            batch_size: e.batchSize,
            dimensionality: e.dimensionality,
          };
          const outputs = e.outputs;
          send(async () =>
            wantsPreview(e.step) ? { ...event, preview: await previewStep(outputs, previewOptions) } : event,
          );
        },
        stepSkipped: (e) =>
          send(() => ({
            type: 'step_skipped',
            run_id: runId,
            step: e.step,
            block_type: e.blockType,
            reason: e.reason,
          })),
        stepFailed: (e) => {
          const mapped = mapError(e.error);
          send(() => ({
            type: 'step_failed',
            run_id: runId,
            step: e.step,
            block_type: e.blockType,
            duration_ms: Math.round(e.durationMs * 100) / 100,
            status: mapped?.status ?? 500,
            error: mapped?.body ?? { message: 'Internal error.' },
          }));
        },
      };
      let summary: Record<string, number> = {};
      observer.runFinished = (e) => {
        summary = { executed: e.executed, cached: e.cached, skipped: e.skipped, total: e.total };
      };
      const result = await deps.engine.run(request.specification, (request.inputs ?? {}) as Record<string, unknown>, {
        excludedFields: request.excluded_fields ?? undefined,
        enableProfiling: request.enable_profiling ?? false,
        // The server's own access key (SIGHTLINE_API_KEY) is never passed on to Roboflow as a Roboflow key.
        apiKey:
          (typeof request.api_key === 'string' && request.api_key !== deps.config.accessKey && request.api_key) ||
          deps.config.apiKey,
        disableSinks: request.disable_sinks ?? false,
        serialize: true,
        observer,
        reuseOutputs: reuse_outputs !== false,
        runTo: stringList(run_to, 'run_to'),
        signal,
      });
      send(() => ({
        type: 'result',
        run_id: runId,
        outputs: result.outputs,
        profiler_trace: result.profiler_trace,
        summary,
      }));
    } catch (error) {
      if (signal.aborted) send(() => ({ type: 'cancelled', run_id: runId }));
      else sendError(error, runId);
    }
    await queue;
  }
}
