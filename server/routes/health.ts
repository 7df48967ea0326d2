// GET /info, /healthz, /readiness (spec §7.2).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import type { AppDeps } from '../app.ts';

const packageJson = JSON.parse(
  fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8'),
) as { version: string };

export const SERVER_NAME = 'Sightline Inference Server';
export const SERVER_VERSION = packageJson.version;

export async function healthRoutes(_deps: AppDeps): Promise<Router> {
  const router = Router();
  // One id per server process, like Roboflow's GLOBAL_INFERENCE_SERVER_ID.
  const serverId = randomUUID();
  router.get('/info', (_req, res) => {
    res.json({ name: SERVER_NAME, version: SERVER_VERSION, uuid: serverId });
  });
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'healthy' });
  });
  router.get('/readiness', (_req, res) => {
    res.json({ status: 'ready' });
  });
  return router;
}
