// Roboflow-compatible `/inference_pipelines/*` (Roboflow's stream manager API), shaped for inference_sdk's
// start_inference_pipeline_with_workflow / list / status / pause / resume / terminate / consume, plus what Roboflow
// lacks: a WebSocket per pipeline (`/inference_pipelines/{id}/ws`) pushing every frame's outputs as they happen,
// and an MJPEG preview (`/inference_pipelines/{id}/preview`) of an image output for a browser <img>.
// Registered only when ENABLE_STREAM_API is on (otherwise these paths are 404, as in Roboflow).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Router, type Request } from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { isWorkflowImage, serializeOutput, type WorkflowImage } from '../../engine/index.ts';
import type { AppDeps } from '../app.ts';
import { requestApiKey } from '../api-key.ts';
import { handler } from '../respond.ts';
import { validateBody } from '../validation.ts';
import { SavedWorkflowNotFoundError } from '../store/errors.ts';
import { PipelineInvalidPayloadError, PipelineNotFoundError } from '../../video/errors.ts';
import type { Pipeline, PipelineResult } from '../../video/pipeline.ts';
import type { InitialiseRequest, PipelineManager } from '../../video/manager.ts';
import { LocalPipelines, type PipelineService } from '../../video/service.ts';
import { RedisPipelines } from '../../jobs/redis/pipelines-api.ts';
import type { FillingStrategy, ConsumptionStrategy } from '../../video/frame-buffer.ts';

interface InitialiseBody {
  api_key?: string | null;
  video_configuration: {
    video_reference: unknown;
    max_fps?: number | null;
    source_buffer_filling_strategy?: FillingStrategy | null;
    source_buffer_consumption_strategy?: ConsumptionStrategy | null;
    video_source_properties?: Record<string, number> | null;
    batch_collection_timeout?: number | null;
  };
  processing_configuration: {
    workflow_specification?: Record<string, unknown> | null;
    workspace_name?: string | null;
    workflow_id?: string | null;
    workflow_version_id?: string | null;
    image_input_name: string;
    workflows_parameters?: Record<string, unknown> | null;
    disable_sinks: boolean;
    video_metadata_input_name: string;
  };
  sink_configuration?: { results_buffer_size: number };
  consumption_timeout?: number | null;
  decoding_buffer_size?: number;
}

const context = (pipelineId: string | null) => ({ request_id: randomUUID(), pipeline_id: pipelineId });

export function pipelineManagerOf(deps: AppDeps): PipelineManager | undefined {
  return deps.pipelines;
}

async function workflowDefinition(deps: AppDeps, body: InitialiseBody): Promise<Record<string, unknown>> {
  const p = body.processing_configuration;
  if (p.workflow_specification) return p.workflow_specification;
  if (!p.workspace_name || !p.workflow_id) {
    throw new PipelineInvalidPayloadError(
      'processing_configuration: give either workflow_specification or workspace_name and workflow_id',
      'processing_configuration.workflow_specification',
    );
  }
  const version = p.workflow_version_id ? Number(p.workflow_version_id) : undefined;
  const saved = await deps.workflows.get(
    p.workspace_name,
    p.workflow_id,
    Number.isInteger(version) ? version : undefined,
  );
  if (!saved) {
    throw new SavedWorkflowNotFoundError(
      `processing_configuration.workflow_id: no saved workflow '${p.workflow_id}' in workspace '${p.workspace_name}'`,
    );
  }
  return saved.definition;
}

export async function pipelineRoutes(deps: AppDeps): Promise<Router> {
  const router = Router();
  const manager = pipelineManagerOf(deps);
  if (!deps.config.pipelines.enabled || !manager) return router;
  const base = '/inference_pipelines';
  // Queue mode: pipelines run on workers and every replica reaches them through Redis; else in this process.
  const service: PipelineService = deps.config.redisUrl
    ? await RedisPipelines.connect(deps.config.redisUrl)
    : new LocalPipelines(manager);
  if (service.mode === 'redis') deps.shutdownHooks.push(() => service.close());

  router.get(
    `${base}/list`,
    handler(async (_req, res) => {
      res.json({ status: 'success', context: context(null), pipelines: await service.list() });
    }),
  );

  router.post(
    `${base}/initialise`,
    handler(async (req, res) => {
      const body = validateBody<InitialiseBody>('inference-pipeline-initialise.json', req.body);
      const video = body.video_configuration;
      const processing = body.processing_configuration;
      const definition = await workflowDefinition(deps, body);
      const request: InitialiseRequest = {
        definition,
        videoReference: video.video_reference,
        settings: {
          imageInputName: processing.image_input_name,
          videoMetadataInputName: processing.video_metadata_input_name,
          workflowsParameters: processing.workflows_parameters ?? {},
          maxFps: video.max_fps ?? null,
          // Absent → Roboflow's HTTP defaults; explicit null → chosen by source type.
          filling:
            video.source_buffer_filling_strategy === undefined ? 'DROP_OLDEST' : video.source_buffer_filling_strategy,
          consumption:
            video.source_buffer_consumption_strategy === undefined ? 'EAGER' : video.source_buffer_consumption_strategy,
          videoSourceProperties: video.video_source_properties ?? null,
          batchCollectionTimeoutS: video.batch_collection_timeout ?? null,
          resultsBufferSize: body.sink_configuration?.results_buffer_size ?? 64,
          consumptionTimeoutS: body.consumption_timeout ?? null,
          disableSinks: processing.disable_sinks,
          apiKey: requestApiKey(req, body.api_key, deps.config.apiKey),
          ...(body.decoding_buffer_size ? { decodingBufferSize: body.decoding_buffer_size } : {}),
        },
      };
      // In queue mode the same checks run here, so a bad request is refused before a worker takes it.
      if (service.mode === 'redis') await manager.check(request);
      const id = await service.initialise(request);
      res.json({ status: 'success', context: context(id) });
    }),
  );

  router.get(
    `${base}/:id/status`,
    handler(async (req, res) => {
      const id = String(req.params.id);
      res.json({ status: 'success', context: context(id), report: await service.report(id) });
    }),
  );

  for (const command of ['pause', 'resume'] as const) {
    router.post(
      `${base}/:id/${command}`,
      handler(async (req, res) => {
        const id = String(req.params.id);
        await service.command(id, command);
        res.json({ status: 'success', context: context(id) });
      }),
    );
  }

  router.post(
    `${base}/:id/terminate`,
    handler(async (req, res) => {
      const id = String(req.params.id);
      await service.command(id, 'terminate');
      res.json({ status: 'success', context: context(id) });
    }),
  );

  router.get(
    `${base}/:id/consume`,
    handler(async (req, res) => {
      const id = String(req.params.id);
      const { outputs, frames_metadata } = await service.consume(id, excludedFields(req));
      res.json({ status: 'success', context: context(id), outputs, frames_metadata });
    }),
  );

  router.get(
    `${base}/:id/preview`,
    handler((req, res) => {
      const pipeline = manager.get(String(req.params.id));
      const output = typeof req.query.output === 'string' ? req.query.output : undefined;
      const sourceId = Number(req.query.source_id ?? 0) || 0;
      res.writeHead(200, {
        'Content-Type': 'multipart/x-mixed-replace; boundary=frame',
        'Cache-Control': 'no-store',
        Connection: 'close',
      });
      let busy = false;
      const unsubscribe = pipeline.subscribe((result) => {
        const image = imageOutput(result, sourceId, output);
        // A slow viewer skips frames; it never holds the pipeline back.
        if (!image || busy || res.writableLength > 1 << 21) return;
        busy = true;
        void image
          .toJpeg(80)
          .then((jpeg) => {
            res.write(`--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
            res.write(jpeg);
            res.write('\r\n');
          })
          .finally(() => (busy = false));
      });
      const watch = whenFinished(manager, pipeline, () => res.end());
      res.on('close', () => {
        unsubscribe();
        clearInterval(watch);
      });
    }),
  );

  return router;
}

function excludedFields(req: Request): string[] {
  const fromBody = (req.body as { excluded_fields?: unknown } | undefined)?.excluded_fields;
  if (Array.isArray(fromBody)) return fromBody.filter((f): f is string => typeof f === 'string');
  const q = req.query.excluded_fields;
  return typeof q === 'string' ? q.split(',').filter(Boolean) : [];
}

/** The named image output of a source's outputs, else the first image-valued one. */
function imageOutput(result: PipelineResult, sourceId: number, name?: string): WorkflowImage | undefined {
  const outputs = result.outputs[sourceId];
  if (!outputs) return undefined;
  if (name) return isWorkflowImage(outputs[name]) ? outputs[name] : undefined;
  return Object.values(outputs).find(isWorkflowImage);
}

/** Calls `done` once the pipeline finished or was removed. */
function whenFinished(manager: PipelineManager, pipeline: Pipeline, done: () => unknown): NodeJS.Timeout {
  const timer = setInterval(() => {
    if (pipeline.finished || !manager.list().includes(pipeline.id)) {
      clearInterval(timer);
      done();
    }
  }, 250);
  return timer;
}

/**
 * WebSocket per pipeline at `/inference_pipelines/{id}/ws`. Each frame: a JSON text message
 * `{"type": "result", "frames_metadata": [...], "outputs": [...]}` where every image output is
 * `{"type": "jpeg", "binary_index": k, "width", "height", "video_metadata"}`, followed by its JPEG as binary
 * message k (0-based, in order). `?images=exclude` drops images, `?excluded_fields=a,b` drops outputs. Frames
 * come in order; a client that cannot keep up misses frames (counted in `skipped`), and the pipeline never waits
 * for it. At the end:
 * `{"type": "end", "state": ...}` and close.
 */
export function attachPipelineSockets(server: Server, deps: AppDeps): void {
  const manager = pipelineManagerOf(deps);
  if (!deps.config.pipelines.enabled || !manager) return;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 16 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/inference_pipelines\/([^/]+)\/ws$/.exec(url.pathname);
    if (!match || socket.destroyed) return; // not ours, or refused by the access check
    let pipeline: Pipeline;
    try {
      pipeline = manager.get(decodeURIComponent(match[1]!));
    } catch (error) {
      if (!(error instanceof PipelineNotFoundError)) throw error;
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => streamResults(ws, manager, pipeline, url.searchParams));
  });
  server.on('close', () => wss.close());
}

function streamResults(ws: WebSocket, manager: PipelineManager, pipeline: Pipeline, params: URLSearchParams): void {
  const withImages = params.get('images') !== 'exclude';
  const excluded = (params.get('excluded_fields') ?? '').split(',').filter(Boolean);
  let skipped = 0;
  // Frames are encoded and sent in order; up to 16 may wait for a slow encoder or socket, past that (or with
  // 8 MB unsent) a client that cannot keep up misses frames instead of holding the pipeline back.
  let queue = Promise.resolve();
  let waiting = 0;
  const unsubscribe = pipeline.subscribe((result) => {
    if (waiting >= 16 || ws.bufferedAmount > 8 << 20 || ws.readyState !== ws.OPEN) {
      skipped++;
      return;
    }
    waiting++;
    queue = queue
      .then(async () => {
        const { message, binaries } = await encodeResult(pipeline, result, withImages, excluded);
        if (ws.readyState !== ws.OPEN) return;
        ws.send(JSON.stringify({ type: 'result', skipped, ...message }));
        for (const b of binaries) ws.send(b);
      })
      .catch(() => void skipped++)
      .finally(() => void waiting--);
  });
  const finish = () => {
    unsubscribe();
    clearInterval(watch);
  };
  const watch = whenFinished(manager, pipeline, async () => {
    finish();
    await queue;
    if (ws.readyState === ws.OPEN) {
      ws.send(JSON.stringify({ type: 'end', state: pipeline.state }));
      ws.close(1000, 'pipeline finished');
    }
  });
  ws.on('close', finish);
  ws.on('error', finish);
}

async function encodeResult(
  pipeline: Pipeline,
  result: PipelineResult,
  withImages: boolean,
  excluded: string[],
): Promise<{ message: Record<string, unknown>; binaries: Buffer[] }> {
  const binaries: Buffer[] = [];
  const outputs: Array<Record<string, unknown> | null> = [];
  // One source after another so binary_index follows the order the binaries are sent in.
  for (const out of result.outputs) {
    outputs.push(
      await (async () => {
        if (!out) return null;
        const entries: Array<[string, unknown]> = [];
        for (const [name, value] of Object.entries(out)) {
          if (excluded.includes(name)) continue;
          if (isWorkflowImage(value)) {
            if (!withImages) continue;
            binaries.push(await value.toJpeg(80));
            entries.push([
              name,
              {
                type: 'jpeg',
                binary_index: binaries.length - 1,
                width: value.width,
                height: value.height,
                video_metadata: value.videoMetadata ?? null,
              },
            ]);
          } else entries.push([name, await serializeOutput(value, pipeline.outputKinds[name] ?? ['*'])]);
        }
        return Object.fromEntries(entries);
      })(),
    );
  }
  return { message: { frames_metadata: result.frames, outputs }, binaries };
}
