// Builds the Express app: one engine, one model manager, route modules mounted in an order where specific
// paths win over Roboflow's catch-all ones (`/{workspace}/workflows/{id}`, legacy `/{dataset}/{version}`).
// Owner: server. Route modules are owned by their features (workflows/infer/models: server; workspaces:
// store; editor: editor).
import express from 'express';
import type { Server } from 'node:http';
import v8 from 'node:v8';
import { ExecutionEngine, PixelSemaphore } from '../engine/index.ts';
import { coreBlocks } from '../blocks/index.ts';
import { operationsDescription, operatorsDescriptions } from '../blocks/common/uql/index.ts';
import { createModelManager, type ModelManager } from '../blocks/models/manager.ts';
import { useOcrModelsDir, useOcrSessionOptions } from '../blocks/models/ocr/ocr-engine.ts';
import { sessionOptionsOf } from '../blocks/models/session-options.ts';
import { loadConfig, type ServerConfig } from './config.ts';
import { healthRoutes } from './routes/health.ts';
import { workflowRoutes } from './routes/workflows.ts';
import { inferRoutes } from './routes/infer.ts';
import { modelRoutes } from './routes/models.ts';
import { workspaceRoutes } from './routes/workspaces.ts';
import { jobRoutes, jobServiceOf } from './routes/jobs.ts';
import { attachJobSockets } from './ws/job-channel.ts';
import { editorRoutes } from './routes/editor.ts';
import { isLegacyModelPath, legacyRoutes } from './routes/legacy.ts';
import { unsupportedRoutes } from './routes/unsupported.ts';
import { errorHandler } from './error-map.ts';
import { RouteNotFoundError } from './respond.ts';
import { rejectDeepJson } from './json-depth.ts';
import { currentRequestLimits, markArrival, requestLimits } from './http/request-limits.ts';
import { requireJsonBodies } from './http/content-type.ts';
import { admission } from './http/admission.ts';
import { workflowStoreRoot } from './store/inner-workflows.ts';
import { RemoteWorkflowSource } from './store/remote.ts';
import { SavedWorkflowResolver } from './store/resolver.ts';
import { WorkflowStore } from './store/workflow-store.ts';
import { sweepStaleTemps } from './store/atomic-fs.ts';
import {
  createOps,
  gracefulShutdown,
  guardUpgrades,
  logStart,
  mountAccess,
  mountErrorLog,
  mountFront,
  type Ops,
} from './http/ops.ts';
import { docsRoutes } from './routes/docs.ts';
import { pipelineStatsSource } from './http/metrics.ts';
import { attachRunChannel } from './ws/run-channel.ts';
import { attachPipelineSockets, pipelineRoutes } from './routes/pipelines.ts';
import { PipelineManager } from '../video/manager.ts';

export interface AppDeps {
  config: ServerConfig;
  engine: ExecutionEngine;
  models: ModelManager;
  /** Saved workflows: the engine resolves inner-workflow references in it, the workspace routes edit it. */
  workflows: WorkflowStore;
  /** The one resolver of saved workflows (inner-workflow references, predefined-workflow routes, jobs). */
  savedWorkflows: SavedWorkflowResolver;
  /** Run by close(), last registered first: route modules that own resources (job queues, pipelines) add theirs. */
  shutdownHooks: Array<() => Promise<void>>;
  /** Logger, metrics, access control, shutdown state (server/http/ops.ts). */
  ops: Ops;
  /** Video pipelines (video/manager.ts): stats() per pipeline for metrics, terminateAll() on shutdown. */
  pipelines: PipelineManager;
}

export interface RunningServer extends AppDeps {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
  /** Graceful: readiness fails, listener closes, in-flight requests finish (SHUTDOWN_TIMEOUT_MS), hooks run. */
  shutdown(): Promise<void>;
}

export function createDeps(overrides: Partial<ServerConfig> = {}, env: NodeJS.ProcessEnv = process.env): AppDeps {
  const config = loadConfig(env, overrides);
  // Read by V8 at each full collection, so setting it once the process runs takes effect.
  if (config.heapGrowthPercent > 0) v8.setFlagsFromString(`--heap-growing-percent=${config.heapGrowthPercent}`);
  const shutdownHooks: Array<() => Promise<void>> = [];
  const ops = createOps(config, shutdownHooks, () => models.describe().models.length);
  const metrics = ops.metrics;
  const models = createModelManager({
    observer: metrics?.models,
    cacheDir: config.modelCacheDir,
    maxActiveModels: config.maxActiveModels,
    loadBudgetMs: config.modelLoadBudgetMs,
    apiBaseUrl: config.apiBaseUrl,
    apiKey: config.apiKey,
    sessionOptions: sessionOptionsOf(config.modelSession),
    scheduling: config.modelScheduling,
    runners: config.modelRunners,
  });
  useOcrModelsDir(config.ocrModelsDir);
  useOcrSessionOptions(sessionOptionsOf(config.modelSession));
  const workflows = new WorkflowStore(workflowStoreRoot(config));
  const remoteWorkflows = new RemoteWorkflowSource({
    apiBaseUrl: config.apiBaseUrl,
    timeoutMs: config.remoteWorkflowTimeoutMs,
    cacheTtlS: config.workflowDefinitionCacheTtlS,
  });
  const savedWorkflows = new SavedWorkflowResolver(
    workflows,
    remoteWorkflows,
    { compile: (definition) => engine.compile(definition) },
    config.persistRemoteWorkflows,
    config.modelCacheDir,
  );
  const engine = new ExecutionEngine({
    blocks: metrics ? metrics.meterBlocks(coreBlocks) : coreBlocks,
    services: { models, settings: config.blockSettings },
    uqlDescription: { operations_description: operationsDescription, operators_descriptions: operatorsDescriptions },
    maxConcurrentSteps: config.maxConcurrentSteps,
    profilingAvailable: config.profilingAvailable,
    innerWorkflowLimits: config.innerWorkflowLimits,
    resolveWorkflow: (reference) => savedWorkflows.resolveInner(reference),
    imageInput: {
      allowUrlInput: config.allowUrlInput,
      allowPrivateNetworks: config.allowPrivateUrls,
      urlAllowList: config.urlAllowList,
      maxPixels: config.maxImagePixels,
      allowSvg: config.allowSvgInput,
      decodeTimeoutMs: config.decodeTimeoutMs,
      pixelBudget: new PixelSemaphore(config.decodePixelBudget),
      onDecoded: metrics && ((bytes) => metrics.imageDecoded(bytes)),
    },
    maxSteps: config.maxWorkflowSteps,
    runDefaults: currentRequestLimits,
    stepCacheBytes: config.stepCacheBytes,
  });
  metrics?.meterEngine(engine);
  const pipelines = new PipelineManager({
    engine,
    sourcePolicy: {
      mediaDirs: config.pipelines.mediaDirs.length ? config.pipelines.mediaDirs : [config.dataDir, process.cwd()],
      network: { allowPrivateNetworks: config.allowPrivateUrls, allowList: config.urlAllowList },
    },
    maxPipelines: config.pipelines.maxPipelines,
    finishedTtlMs: config.pipelines.finishedTtlMs,
    defaults: {
      reconnectDelayMs: config.pipelines.reconnectDelayMs,
      maxReconnectDelayMs: config.pipelines.maxReconnectDelayMs,
      stallTimeoutMs: config.pipelines.stallTimeoutMs,
      maxBufferBytes: config.pipelines.maxBufferBytes,
      decodingBufferSize: config.pipelines.decodingBufferSize,
    },
  });
  shutdownHooks.push(() => pipelines.close());
  shutdownHooks.push(() => models.close());
  metrics?.addPipelineSource(pipelineStatsSource(pipelines));
  return { config, engine, models, workflows, savedWorkflows, shutdownHooks, ops, pipelines };
}

export async function createApp(deps: AppDeps): Promise<express.Express> {
  // Temp files of saves killed or failed before this start (a crash, a full disk) are removed once here.
  await sweepStaleTemps(deps.workflows.root);
  const app = express();
  app.disable('x-powered-by');
  mountFront(app, deps.ops);
  // Before the body is read: a request refused for overload costs almost nothing, and the time limit counts
  // from here.
  app.use(markArrival);
  app.use(admission(deps.config.maxConcurrentRuns, isLegacyModelPath).middleware);
  const json = express.json({ limit: deps.config.maxBodyBytes });
  // The legacy model route reads its raw body itself (Roboflow's client sends bare base64 labelled as JSON).
  app.use((req, res, next) => (isLegacyModelPath(req.path) ? next() : json(req, res, next)));
  app.use(rejectDeepJson());
  mountAccess(app, deps.ops);
  // After body parsing (its stream callbacks would leave the request's async context): runs started by any
  // route below get this request's abort signal and time limit.
  app.use(requestLimits(deps.config.requestTimeoutMs));
  app.use(requireJsonBodies(isLegacyModelPath));
  app.use(await docsRoutes(deps));
  app.use(await healthRoutes(deps));
  app.use(await workflowRoutes(deps));
  app.use(await inferRoutes(deps));
  app.use(await modelRoutes(deps));
  app.use(await workspaceRoutes(deps));
  app.use(await jobRoutes(deps));
  app.use(await editorRoutes(deps));
  app.use(await pipelineRoutes(deps));
  // Roboflow features we do not serve: 501 naming the feature, before the legacy route could read them as models.
  app.use(await unsupportedRoutes(deps));
  // Last: `/{dataset_id}/{version_id}` would otherwise shadow everything with two path segments.
  app.use(await legacyRoutes(deps));
  // FastAPI's answer for unknown paths.
  app.use((_req: express.Request, _res: express.Response, next: express.NextFunction) => {
    next(new RouteNotFoundError());
  });
  mountErrorLog(app);
  app.use(errorHandler);
  return app;
}

/** Start on config.port (0 = ephemeral) and resolve once listening. */
export async function startServer(
  overrides: Partial<ServerConfig> = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningServer> {
  const deps = createDeps(overrides, env);
  const app = await createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(deps.config.port, deps.config.host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : deps.config.port;
  const host = deps.config.host === '0.0.0.0' ? '127.0.0.1' : deps.config.host;
  guardUpgrades(server, deps.ops);
  const runChannel = attachRunChannel(server, deps);
  deps.shutdownHooks.push(async () => runChannel.close());
  const jobs = jobServiceOf(deps);
  if (jobs) {
    const jobSockets = attachJobSockets(server, jobs);
    deps.shutdownHooks.push(async () => jobSockets.close());
  }
  attachPipelineSockets(server, deps);
  logStart(deps.ops, deps.config, `http://${host}:${port}`);
  return {
    ...deps,
    url: `http://${host}:${port}`,
    port,
    server,
    close: async () => {
      runChannel.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
      for (const hook of [...deps.shutdownHooks].reverse()) await hook().catch(() => {});
    },
    shutdown: () => gracefulShutdown(server, deps.ops, deps.config),
  };
}
