// Builds the Express app: one engine, one model manager, route modules mounted in an order where specific
// paths win over Roboflow's catch-all ones (`/{workspace}/workflows/{id}`, legacy `/{dataset}/{version}`).
// Owner: server. Route modules are owned by their features (workflows/infer/models: server; workspaces:
// store; editor: editor).
import express from 'express';
import type { Server } from 'node:http';
import { ExecutionEngine } from '../engine/index.ts';
import { coreBlocks } from '../blocks/index.ts';
import { operationsDescription, operatorsDescriptions } from '../blocks/common/uql/index.ts';
import { createModelManager, type ModelManager } from '../blocks/models/manager.ts';
import { useOcrModelsDir } from '../blocks/models/ocr/ocr-engine.ts';
import { loadConfig, type ServerConfig } from './config.ts';
import { healthRoutes } from './routes/health.ts';
import { workflowRoutes } from './routes/workflows.ts';
import { inferRoutes } from './routes/infer.ts';
import { modelRoutes } from './routes/models.ts';
import { workspaceRoutes } from './routes/workspaces.ts';
import { editorRoutes } from './routes/editor.ts';
import { isLegacyModelPath, legacyRoutes } from './routes/legacy.ts';
import { unsupportedRoutes } from './routes/unsupported.ts';
import { errorHandler } from './error-map.ts';
import { rejectDeepJson } from './json-depth.ts';
import { innerWorkflowResolver, workflowStoreRoot } from './store/inner-workflows.ts';
import { WorkflowStore } from './store/workflow-store.ts';

export interface AppDeps {
  config: ServerConfig;
  engine: ExecutionEngine;
  models: ModelManager;
  /** Saved workflows: the engine resolves inner-workflow references in it, the workspace routes edit it. */
  workflows: WorkflowStore;
}

export interface RunningServer extends AppDeps {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export function createDeps(overrides: Partial<ServerConfig> = {}, env: NodeJS.ProcessEnv = process.env): AppDeps {
  const config = loadConfig(env, overrides);
  const models = createModelManager({
    cacheDir: config.modelCacheDir,
    maxActiveModels: config.maxActiveModels,
    loadBudgetMs: config.modelLoadBudgetMs,
    apiBaseUrl: config.apiBaseUrl,
    apiKey: config.apiKey,
  });
  useOcrModelsDir(config.ocrModelsDir);
  const workflows = new WorkflowStore(workflowStoreRoot(config));
  const engine = new ExecutionEngine({
    blocks: coreBlocks,
    services: { models, settings: config.blockSettings },
    uqlDescription: { operations_description: operationsDescription, operators_descriptions: operatorsDescriptions },
    maxConcurrentSteps: config.maxConcurrentSteps,
    profilingAvailable: config.profilingAvailable,
    innerWorkflowLimits: config.innerWorkflowLimits,
    resolveWorkflow: innerWorkflowResolver(workflows, config.modelCacheDir),
    imageInput: {
      allowUrlInput: config.allowUrlInput,
      allowPrivateNetworks: config.allowPrivateUrls,
      urlAllowList: config.urlAllowList,
      maxPixels: config.maxImagePixels,
    },
  });
  return { config, engine, models, workflows };
}

export async function createApp(deps: AppDeps): Promise<express.Express> {
  const app = express();
  app.disable('x-powered-by');
  const json = express.json({ limit: deps.config.maxBodyBytes });
  // The legacy model route reads its raw body itself (Roboflow's client sends bare base64 labelled as JSON).
  app.use((req, res, next) => (isLegacyModelPath(req.path) ? next() : json(req, res, next)));
  app.use(rejectDeepJson());
  app.use(await healthRoutes(deps));
  app.use(await workflowRoutes(deps));
  app.use(await inferRoutes(deps));
  app.use(await modelRoutes(deps));
  app.use(await workspaceRoutes(deps));
  app.use(await editorRoutes(deps));
  // Roboflow features we do not serve: 501 naming the feature, before the legacy route could read them as models.
  app.use(await unsupportedRoutes(deps));
  // Last: `/{dataset_id}/{version_id}` would otherwise shadow everything with two path segments.
  app.use(await legacyRoutes(deps));
  // FastAPI's answer for unknown paths.
  app.use((_req: express.Request, res: express.Response) => {
    res.status(404).json({ detail: 'Not Found' });
  });
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
  return {
    ...deps,
    url: `http://${host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
