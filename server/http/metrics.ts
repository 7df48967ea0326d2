// Prometheus metrics with prom-client, one registry per server. Labels are bounded: route templates (not URLs),
// block types, model ids that loaded, outcomes — never workflow ids, request ids or image names. The engine and
// the model manager know nothing of prom-client: they call the small observer interfaces filled in here.
import { Router, type RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BlockDefinition } from '../../engine/index.ts';
import type { ModelObserver } from '../../blocks/models/manager.ts';
import { routeLabel } from './route-label.ts';

/** Seconds; request and run latencies span 1 ms (health) to minutes (big batches, model loads). */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** What a video pipeline runtime reports, read at scrape time (totals since start, summed over pipelines). */
export interface PipelineStats {
  running: number;
  /** Sum of the running pipelines' current frame rates. */
  fps: number;
  framesTotal: number;
  droppedFramesTotal: number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly #httpRequests = new Counter({
    name: 'sightline_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly #httpDuration = new Histogram({
    name: 'sightline_http_request_duration_seconds',
    help: 'HTTP request latency, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #workflowRuns = new Histogram({
    name: 'sightline_workflow_run_duration_seconds',
    help: 'Workflow runs (compile + execute), by outcome; _count is the number of runs',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #steps = new Histogram({
    name: 'sightline_step_duration_seconds',
    help: 'Step (block run) latency, by block type and outcome',
    labelNames: ['block_type', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #inference = new Histogram({
    name: 'sightline_model_inference_duration_seconds',
    help: 'onnxruntime session.run latency, by model id and task',
    labelNames: ['model_id', 'task'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #loads = new Histogram({
    name: 'sightline_model_load_duration_seconds',
    help: 'Model loads (package read + session creation), by outcome; _count is the number of loads',
    labelNames: ['outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #evictions = new Counter({
    name: 'sightline_model_evictions_total',
    help: 'Models dropped from memory to stay under MAX_ACTIVE_MODELS',
    registers: [this.registry],
  });
  readonly #loadWait = new Histogram({
    name: 'sightline_model_load_wait_seconds',
    help: 'Time requests spent waiting for a model that was still loading',
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly #imagesDecoded = new Counter({
    name: 'sightline_images_decoded_total',
    help: 'Input images decoded',
    registers: [this.registry],
  });
  readonly #imageBytes = new Counter({
    name: 'sightline_image_decoded_bytes_total',
    help: 'Encoded bytes of decoded input images',
    registers: [this.registry],
  });
  #pipelineSources: Array<() => PipelineStats> = [];

  constructor(options: { loadedModels?: () => number } = {}) {
    collectDefaultMetrics({ register: this.registry });
    const loadedModels = options.loadedModels;
    new Gauge({
      name: 'sightline_models_loaded',
      help: 'Models loaded in memory',
      registers: [this.registry],
      collect() {
        this.set(loadedModels ? loadedModels() : 0);
      },
    });
    const pipelines = () => this.#pipelineStats();
    const gauge = (name: string, help: string, pick: (s: PipelineStats) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(pick(pipelines()));
        },
      });
    gauge('sightline_pipelines_running', 'Video pipelines running', (s) => s.running);
    gauge('sightline_pipelines_fps', 'Frames per second processed, summed over running pipelines', (s) => s.fps);
    // The runtime keeps the totals; at scrape time each counter is set to them.
    const total = (name: string, help: string, pick: (s: PipelineStats) => number) =>
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(pick(pipelines()));
        },
      });
    total('sightline_pipeline_frames_total', 'Frames processed by video pipelines', (s) => s.framesTotal);
    total('sightline_pipeline_dropped_frames_total', 'Frames dropped by video pipelines', (s) => s.droppedFramesTotal);
  }

  /** A video pipeline runtime registers how to read its figures (pipelines exist from issue #9 on). */
  addPipelineSource(read: () => PipelineStats): void {
    this.#pipelineSources.push(read);
  }

  #pipelineStats(): PipelineStats {
    const total: PipelineStats = { running: 0, fps: 0, framesTotal: 0, droppedFramesTotal: 0 };
    for (const read of this.#pipelineSources) {
      try {
        const s = read();
        total.running += s.running;
        total.fps += s.fps;
        total.framesTotal += s.framesTotal;
        total.droppedFramesTotal += s.droppedFramesTotal;
      } catch {
        // A broken source must not break the scrape.
      }
    }
    return total;
  }

  /** Records every response by route template and status. */
  httpMiddleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.#httpDuration.startTimer();
      res.once('finish', () => {
        const labels = { method: req.method, route: routeLabel(req, res.statusCode), status: String(res.statusCode) };
        end(labels);
        this.#httpRequests.inc(labels);
      });
      next();
    };
  }

  /** GET /metrics in Prometheus text format. */
  routes(): Router {
    const router = Router();
    router.get('/metrics', async (_req, res) => {
      res.set('Content-Type', this.registry.contentType);
      res.send(await this.registry.metrics());
    });
    return router;
  }

  imageDecoded(encodedBytes: number): void {
    this.#imagesDecoded.inc();
    this.#imageBytes.inc(encodedBytes);
  }

  /** The model manager's observer. */
  readonly models: ModelObserver = {
    loaded: (_id, ms, ok) => this.#loads.observe({ outcome: ok ? 'ok' : 'error' }, ms / 1000),
    evicted: () => this.#evictions.inc(),
    waited: (ms) => this.#loadWait.observe(ms / 1000),
    inference: (id, task, ms) => this.#inference.observe({ model_id: id, task }, ms / 1000),
  };

  /** Times every workflow run of this engine (compile + execute), by outcome. */
  meterEngine(engine: { run: (...args: any[]) => Promise<unknown> }): void {
    const run = engine.run.bind(engine);
    const runs = this.#workflowRuns;
    engine.run = async (...args: unknown[]) => {
      const end = runs.startTimer();
      try {
        const result = await run(...args);
        end({ outcome: 'ok' });
        return result;
      } catch (error) {
        end({ outcome: 'error' });
        throw error;
      }
    };
  }

  /** Blocks whose runs are timed per block type; same blocks otherwise. */
  meterBlocks<T extends BlockDefinition<any>>(blocks: readonly T[]): T[] {
    const steps = this.#steps;
    return blocks.map((block) => {
      const blockType = block.manifest.type;
      const run = block.run;
      return {
        ...block,
        run(params: unknown, context: Parameters<T['run']>[1]) {
          const end = steps.startTimer({ block_type: blockType });
          let result: ReturnType<T['run']>;
          try {
            result = run.call(block, params, context) as ReturnType<T['run']>;
          } catch (error) {
            end({ outcome: 'error' });
            throw error;
          }
          if (result && typeof (result as Promise<unknown>).then === 'function') {
            (result as Promise<unknown>).then(
              () => end({ outcome: 'ok' }),
              () => end({ outcome: 'error' }),
            );
          } else end({ outcome: 'ok' });
          return result;
        },
      } as T;
    });
  }
}

/** What the video PipelineManager's stats() gives (video/manager.ts), as far as metrics read it. */
interface PipelineManagerStats {
  stats(): Array<{
    pipeline_id: string;
    state: string;
    frames_processed: number;
    sources: Array<{ fps_processed: number; frames_dropped: number }>;
  }>;
}

/**
 * Pipeline figures for Metrics.addPipelineSource. Totals stay monotonic: a pipeline removed from the manager keeps
 * counting with the last figures seen at a scrape.
 */
export function pipelineStatsSource(manager: PipelineManagerStats): () => PipelineStats {
  const lastSeen = new Map<string, { frames: number; dropped: number }>();
  const retired = { frames: 0, dropped: 0 };
  return () => {
    const current = manager.stats();
    const live = new Set(current.map((p) => p.pipeline_id));
    for (const [id, seen] of lastSeen) {
      if (live.has(id)) continue;
      retired.frames += seen.frames;
      retired.dropped += seen.dropped;
      lastSeen.delete(id);
    }
    const stats: PipelineStats = {
      running: 0,
      fps: 0,
      framesTotal: retired.frames,
      droppedFramesTotal: retired.dropped,
    };
    for (const p of current) {
      const dropped = p.sources.reduce((sum, s) => sum + s.frames_dropped, 0);
      lastSeen.set(p.pipeline_id, { frames: p.frames_processed, dropped });
      stats.framesTotal += p.frames_processed;
      stats.droppedFramesTotal += dropped;
      if (p.state === 'running') {
        stats.running++;
        stats.fps += p.sources.reduce((sum, s) => sum + s.fps_processed, 0);
      }
    }
    return stats;
  };
}
