// Jobs API: a workflow over many inputs, run in-process or, with REDIS_URL, by queue workers (server/worker.ts).
// POST /jobs → {job_id}; GET /jobs/{id} → status; GET /jobs/{id}/results → JSON Lines in input order
// (?from=N, ?follow=true streams until the job ends); GET /jobs/{id}/files/… → image outputs; DELETE cancels.
import path from 'node:path';
import { Router } from 'express';
import type { AppDeps } from '../app.ts';
import { handler } from '../respond.ts';
import { sendError } from '../error-map.ts';
import { validateBody } from '../validation.ts';
import { requestApiKey } from '../api-key.ts';
import { createWorkspaceServices } from './workspaces.ts';
import { resolveSource } from '../../video/sources.ts';
import { JobService, type JobRequest } from '../../jobs/service.ts';
import { InProcessJobBackend } from '../../jobs/local-backend.ts';
import { RedisJobBackend } from '../../jobs/redis/backend.ts';
import { jobFilesDir, type ItemRunner } from '../../jobs/run-item.ts';
import { JobNotFoundError, JobRequestError } from '../../jobs/errors.ts';

export function jobItemRunner(deps: AppDeps): ItemRunner {
  return {
    engine: deps.engine,
    dataDir: deps.config.dataDir,
    maxImagePixels: deps.config.maxImagePixels,
    apiKey: deps.config.apiKey,
  };
}

export async function createJobService(deps: AppDeps): Promise<JobService> {
  const { config } = deps;
  const backend = config.redisUrl
    ? await RedisJobBackend.connect(config.redisUrl)
    : new InProcessJobBackend(jobItemRunner(deps), config.workerConcurrency);
  const { resolver } = createWorkspaceServices(deps);
  return new JobService({
    engine: deps.engine,
    backend,
    defaultChunkSize: config.jobChunkSize,
    resolveSaved: (workspace, id, versionId, apiKey) => resolver.resolve(workspace, id, { apiKey, versionId }),
    listFolder: async (folder, field) => {
      // The video layer's checks and policy (media folders, symlinks, listing); refusals are the submitter's 400s.
      const source = await resolveSource(folder, deps.pipelines.options.sourcePolicy, field).catch((error: Error) => {
        throw new JobRequestError(error.message);
      });
      if (source.kind !== 'images')
        throw new JobRequestError(`${field}: '${folder}' is not a folder or glob of images.`);
      return source.images!;
    },
  });
}

const services = new WeakMap<AppDeps, JobService>();
/** The job service the routes of this app use (the job WebSocket follows the same jobs). */
export const jobServiceOf = (deps: AppDeps): JobService | undefined => services.get(deps);

export async function jobRoutes(deps: AppDeps): Promise<Router> {
  const jobs = await createJobService(deps);
  services.set(deps, jobs);
  deps.shutdownHooks.push(() => jobs.close());
  const router = Router();

  router.post(
    '/jobs',
    handler(async (req, res) => {
      const body = validateBody<JobRequest>('job-submit.json', req.body);
      const jobId = await jobs.submit(body, requestApiKey(req, body.api_key, deps.config.apiKey));
      res.status(202).json({ job_id: jobId, mode: jobs.mode });
    }),
  );

  router.get(
    '/jobs/:id',
    handler(async (req, res) => {
      res.json(await jobs.status(req.params.id as string));
    }),
  );

  router.get(
    '/jobs/:id/results',
    handler(async (req, res) => {
      const id = req.params.id as string;
      await jobs.status(id); // 404 before any byte is sent
      const from = Math.max(0, Number(req.query.from ?? 0) || 0);
      const follow = req.query.follow === 'true' || req.query.follow === '1';
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      res.type('application/x-ndjson');
      for await (const line of jobs.results(id, from, follow, abort.signal)) {
        if (abort.signal.aborted) break;
        if (!res.write(line + '\n')) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
    }),
  );

  router.get(
    '/jobs/:id/files/:index/:name',
    handler(async (req, res) => {
      const id = req.params.id as string;
      if (!/^[0-9a-f-]{36}$/.test(id)) throw new JobNotFoundError(`No job '${id}'.`);
      const { index, name } = req.params as { index: string; name: string };
      if (!/^\d+$/.test(index) || !/^[\w.-]+\.(jpg|png)$/.test(name)) throw new JobNotFoundError('No such job file.');
      await jobs.status(id);
      const file = path.join(jobFilesDir(deps.config.dataDir, id), index, name);
      res.sendFile(file, (error) => {
        if (error && !res.headersSent) sendError(res, new JobNotFoundError('No such job file.'));
      });
    }),
  );

  router.delete(
    '/jobs/:id',
    handler(async (req, res) => {
      res.json(await jobs.cancel(req.params.id as string));
    }),
  );

  return router;
}
