// Saved workflows: the store's REST API under /workspaces (used by the editor) and Roboflow's predefined-
// workflow endpoints (docs/roboflow-compatibility.md#saved-workflows) that run or describe a saved workflow by workspace and id.
import { Router, type Request } from 'express';
import type { AppDeps } from '../app.ts';
import { handler } from '../respond.ts';
import { requestApiKey } from '../api-key.ts';
import type { SavedWorkflow, WorkflowStore } from '../store/workflow-store.ts';
import { RemoteWorkflowSource } from '../store/remote.ts';
import { SavedWorkflowResolver } from '../store/resolver.ts';
import { seedExamples } from '../store/seed.ts';
import { checkStoreId, parseVersion } from '../store/ids.ts';
import { InvalidStoreIdError, SavedWorkflowNotFoundError } from '../store/errors.ts';
import { BodyReader } from '../store/request-fields.ts';
import { LOCAL_WORKSPACE, isLocalWorkflowId } from '../store/local-workflows.ts';

export interface WorkspaceServices {
  store: WorkflowStore;
  remote: RemoteWorkflowSource;
  resolver: SavedWorkflowResolver;
}

export function createWorkspaceServices(deps: AppDeps): WorkspaceServices {
  const resolver = deps.savedWorkflows;
  return { store: deps.workflows, remote: resolver.remote, resolver };
}

function ids(req: Request): { workspace: string; id: string } {
  return {
    workspace: checkStoreId(req.params.workspace, 'workspace'),
    id: checkStoreId(req.params.workflowId, 'workflow_id'),
  };
}

/** Ids of the predefined-workflow routes: the `local` workspace takes Roboflow's wider id pattern for its files. */
function predefinedIds(req: Request): { workspace: string; id: string } {
  const { workspace, workflowId } = req.params;
  if (workspace === LOCAL_WORKSPACE && isLocalWorkflowId(workflowId)) return { workspace, id: workflowId };
  return ids(req);
}

function notFound(workspace: string, id: string, version?: number): SavedWorkflowNotFoundError {
  const which = version === undefined ? '' : ` version ${version}`;
  return new SavedWorkflowNotFoundError(`Workflow '${id}'${which} not found in workspace '${workspace}'.`);
}

// Long on purpose: a route table, one short handler per route in the order Express matches them.
export async function workspaceRoutes(deps: AppDeps, services = createWorkspaceServices(deps)): Promise<Router> {
  const { store, resolver } = services;
  const { engine } = deps;
  if (deps.config.seedExamples) {
    try {
      await seedExamples(store);
    } catch (error) {
      console.warn('[sightline] could not seed the examples workspace:', (error as Error).message);
    }
  }
  const router = Router();

  router.get(
    '/workspaces',
    handler(async (_req, res) => {
      res.json({ workspaces: await store.listWorkspaces() });
    }),
  );

  router.get(
    '/workspaces/:workspace/workflows',
    handler(async (req, res) => {
      const workspace = checkStoreId(req.params.workspace, 'workspace');
      res.json({ workflows: await store.listWorkflows(workspace) });
    }),
  );

  router.get(
    '/workspaces/:workspace/workflows/:workflowId',
    handler(async (req, res) => {
      const { workspace, id } = ids(req);
      const version = req.query.version === undefined ? undefined : parseVersion(req.query.version, 'version');
      const record = await store.get(workspace, id, version);
      if (!record) throw notFound(workspace, id, version);
      res.json(recordBody(record));
    }),
  );

  router.put(
    '/workspaces/:workspace/workflows/:workflowId',
    handler(async (req, res) => {
      const { workspace, id } = ids(req);
      const body = new BodyReader(req.body);
      const definition = body.object('definition', true);
      const baseVersion = body.nonNegativeInteger('base_version');
      const message = body.string('message');
      const author = body.string('author');
      const draft = body.boolean('draft', false);
      const layout = body.object('layout');
      body.done();
      // Non-drafts must compile; the engine's error answers exactly like /workflows/validate would.
      if (!draft) engine.compile(definition);
      const { record, created } = await store.save(workspace, id, {
        definition,
        layout,
        baseVersion,
        message,
        author,
        draft,
      });
      res.status(created ? 201 : 200).location(`/workspaces/${workspace}/workflows/${id}?version=${record.version}`);
      res.json(recordBody(record));
    }),
  );

  router.delete(
    '/workspaces/:workspace/workflows/:workflowId',
    handler(async (req, res) => {
      const { workspace, id } = ids(req);
      if (!(await store.delete(workspace, id))) throw notFound(workspace, id);
      res.status(204).end();
    }),
  );

  router.get(
    '/workspaces/:workspace/workflows/:workflowId/versions',
    handler(async (req, res) => {
      const { workspace, id } = ids(req);
      const versions = await store.listVersions(workspace, id);
      if (versions.length === 0) throw notFound(workspace, id);
      res.json({ versions });
    }),
  );

  router.post(
    '/workspaces/:workspace/workflows/:workflowId/versions/:version/restore',
    handler(async (req, res) => {
      const { workspace, id } = ids(req);
      const version = parseVersion(req.params.version, 'version');
      const body = new BodyReader(req.body, true);
      const baseVersion = body.nonNegativeInteger('base_version');
      const message = body.string('message');
      const author = body.string('author');
      body.done();
      const record = await store.restore(workspace, id, version, { baseVersion, message, author });
      res.json(recordBody(record));
    }),
  );

  // Anything else under /workspaces is a malformed id (e.g. one containing '/'), never a path on disk.
  router.all('/workspaces/*rest', () => {
    throw new InvalidStoreIdError(
      'Invalid workspace path: expected /workspaces/{workspace}/workflows/{workflow_id}[/versions[/{version}/restore]], ' +
        "and ids cannot contain '/'.",
    );
  });

  // Roboflow's predefined-workflow run (docs/roboflow-compatibility.md#saved-workflows), current and legacy paths.
  const runSaved = handler(async (req, res) => {
    const { workspace, id } = predefinedIds(req);
    const body = new BodyReader(req.body, true);
    const bodyKey = body.string('api_key');
    const inputs = body.object('inputs') ?? {};
    const useCache = body.boolean('use_cache', true);
    const versionId = body.idString('workflow_version_id');
    const excludedFields = body.stringList('excluded_fields');
    const enableProfiling = body.boolean('enable_profiling', false);
    const disableSinks = body.boolean('disable_sinks', false);
    body.done();
    const apiKey = requestApiKey(req, bodyKey, deps.config.apiKey);
    const definition = await resolver.resolve(workspace, id, { apiKey, versionId, useCache });
    const result = await engine.run(definition, inputs, { excludedFields, enableProfiling, apiKey, disableSinks });
    res.json({ outputs: result.outputs, profiler_trace: result.profiler_trace });
  });
  router.post('/:workspace/workflows/:workflowId', runSaved);
  router.post('/infer/workflows/:workspace/:workflowId', runSaved);

  // docs/roboflow-compatibility.md#saved-workflows: Roboflow requires an api key here; a local server answers for locally saved workflows without one.
  router.post(
    '/:workspace/workflows/:workflowId/describe_interface',
    handler(async (req, res) => {
      const { workspace, id } = predefinedIds(req);
      const body = new BodyReader(req.body, true);
      const bodyKey = body.string('api_key');
      const useCache = body.boolean('use_cache', true);
      const versionId = body.idString('workflow_version_id');
      body.done();
      const apiKey = requestApiKey(req, bodyKey, deps.config.apiKey);
      const definition = await resolver.resolve(workspace, id, { apiKey, versionId, useCache });
      res.json(engine.describeInterface(definition));
    }),
  );

  return router;
}

function recordBody(record: SavedWorkflow) {
  return {
    workspace: record.workspace,
    id: record.id,
    version: record.version,
    created_at: record.created_at,
    author: record.author,
    message: record.message,
    draft: record.draft,
    source: record.source,
    definition: record.definition,
    ...(record.layout ? { layout: record.layout } : {}),
  };
}
