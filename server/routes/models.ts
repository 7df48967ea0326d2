// /model/registry, /model/add, /model/remove, /model/clear (docs/roboflow-compatibility.md#model-endpoints) → ModelsDescriptions from the manager.
import { Router } from 'express';
import type { AppDeps } from '../app.ts';
import { requestApiKey } from '../api-key.ts';
import { handler } from '../respond.ts';
import { listInstalledModels } from '../../blocks/models/local-packages.ts';
import { validateBody } from '../validation.ts';
import type { AddModelRequest } from '../../schemas/generated/model-add.ts';
import type { ClearModelRequest } from '../../schemas/generated/model-remove.ts';

export async function modelRoutes(deps: AppDeps): Promise<Router> {
  const router = Router();
  const { models } = deps;
  router.get('/model/registry', (_req, res) => {
    res.json(models.describe());
  });
  // Installed packages (loaded or not) for the editor's model picker; ids and metadata only, no paths.
  router.get(
    '/model/packages',
    handler(async (_req, res) => {
      res.json({ packages: await listInstalledModels(deps.config.modelCacheDir) });
    }),
  );
  router.post(
    '/model/add',
    handler(async (req, res) => {
      const body = validateBody<AddModelRequest>('model-add.json', req.body);
      await models.add(body.model_id, { apiKey: requestApiKey(req, body.api_key, deps.config.apiKey) });
      res.json(models.describe());
    }),
  );
  router.post(
    '/model/remove',
    handler((req, res) => {
      const body = validateBody<ClearModelRequest>('model-remove.json', req.body);
      models.remove(body.model_id);
      res.json(models.describe());
    }),
  );
  router.post('/model/clear', (_req, res) => {
    models.clear();
    res.json(models.describe());
  });
  return router;
}
