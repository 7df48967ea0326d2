// GET /info, /healthz, /readiness (docs/roboflow-compatibility.md#model-endpoints).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import type { AppDeps } from '../app.ts';
import { ServerShuttingDownError } from '../http/lifecycle.ts';
import { componentVersions } from '../http/versions.ts';
import { LoadMonitor, ServerNotReadyError } from '../http/load-monitor.ts';

const packageJson = JSON.parse(
  fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8'),
) as { version: string };

export const SERVER_NAME = 'Sightline Inference Server';
export const SERVER_VERSION = packageJson.version;

function loadMonitor(deps: AppDeps): LoadMonitor {
  const budget = deps.engine.options.imageInput?.pixelBudget;
  const monitor = new LoadMonitor(
    {
      maxEventLoopDelayMs: deps.config.readinessMaxEventLoopDelayMs,
      maxQueued: deps.config.readinessMaxQueued,
    },
    () => [
      { name: 'image decodes', queued: budget?.waiting ?? 0, limit: deps.config.readinessMaxQueued },
      ...deps.models.schedulers
        .stats()
        .map((s) => ({ name: `model ${s.model} runs`, queued: s.queued, limit: s.maxQueue })),
    ],
  );
  deps.shutdownHooks.push(async () => monitor.close());
  return monitor;
}

export async function healthRoutes(deps: AppDeps): Promise<Router> {
  const router = Router();
  // One id per server process, like Roboflow's GLOBAL_INFERENCE_SERVER_ID.
  const serverId = randomUUID();
  const versions = componentVersions(SERVER_VERSION);
  router.get('/info', (_req, res) => {
    res.json({ name: SERVER_NAME, version: SERVER_VERSION, uuid: serverId, versions });
  });
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'healthy' });
  });
  const load = loadMonitor(deps);
  router.get('/readiness', (_req, res) => {
    // Fails from the first moment of a graceful shutdown, so load balancers stop sending work here.
    if (deps.ops.lifecycle.shuttingDown) throw new ServerShuttingDownError();
    // And while work cannot start here: event loop lagging, thread pool stuck, queues full.
    const report = load.report();
    if (!report.ready) throw new ServerNotReadyError(report);
    res.json({ status: 'ready' });
  });
  return router;
}
