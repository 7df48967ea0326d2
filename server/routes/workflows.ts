// Workflow endpoints (docs/roboflow-compatibility.md#http-endpoints): run, validate, describe blocks/schema/interface, dynamic
// outputs, execution engine versions. Thin: every answer comes from the engine or its registry.
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { Router, type Request, type Response } from 'express';
import {
  DynamicBlockError,
  EXECUTION_ENGINE_VERSION,
  WorkflowSyntaxError,
  kindObject,
  type StepDefinition,
} from '../../engine/index.ts';
import type { AppDeps } from '../app.ts';
import { requestApiKey } from '../api-key.ts';
import { acceptsGzip, handler } from '../respond.ts';
import { validateBody } from '../validation.ts';
import type { WorkflowSpecificationInferenceRequest } from '../../schemas/generated/workflow-run.ts';
import type { DescribeInterfaceRequest } from '../../schemas/generated/describe-interface.ts';
import type { DescribeBlocksRequest } from '../../schemas/generated/describe-blocks.ts';

const gzipAsync = promisify(gzip);

/** Describe/schema bodies are large and fixed per engine: serialize and compress each once. */
class CachedJson {
  #entries = new Map<string, { json: Buffer; gz?: Promise<Buffer> }>();
  async send(req: Request, res: Response, key: string, build: () => unknown): Promise<void> {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { json: Buffer.from(JSON.stringify(build())) };
      if (this.#entries.size > 32) this.#entries.clear();
      this.#entries.set(key, entry);
    }
    res.type('application/json');
    res.vary('Accept-Encoding');
    if (!acceptsGzip(req)) {
      res.send(entry.json);
      return;
    }
    entry.gz ??= gzipAsync(entry.json);
    res.set('Content-Encoding', 'gzip');
    res.send(await entry.gz);
  }
}

// Long on purpose: a route table, one short handler per route in the order Express matches them.
export async function workflowRoutes(deps: AppDeps): Promise<Router> {
  const router = Router();
  const { engine } = deps;
  const cache = new CachedJson();

  const run = handler(async (req, res) => {
    const body = validateBody<WorkflowSpecificationInferenceRequest>('workflow-run.json', req.body);
    const result = await engine.run(body.specification, (body.inputs ?? {}) as Record<string, unknown>, {
      excludedFields: body.excluded_fields ?? undefined,
      enableProfiling: body.enable_profiling ?? false,
      apiKey: requestApiKey(req, body.api_key, deps.config.apiKey),
      disableSinks: body.disable_sinks ?? false,
      serialize: true,
    });
    res.json({ outputs: result.outputs, profiler_trace: result.profiler_trace });
  });
  router.post('/workflows/run', run);
  // Deprecated in Roboflow, kept for old clients.
  router.post('/infer/workflows', run);

  router.post(
    '/workflows/validate',
    handler((req, res) => {
      const definition = validateBody<Record<string, unknown>>('workflow-definition.json', req.body);
      engine.compile(definition);
      res.json({ status: 'ok' });
    }),
  );

  const describeBlocks = (req: Request, res: Response, version: string | null | undefined) =>
    cache.send(req, res, `describe:${version ?? ''}`, () =>
      engine.registry.describeBlocks(version ? { executionEngineVersion: version } : {}),
    );
  router.get(
    '/workflows/blocks/describe',
    handler(async (req, res) => {
      const version =
        typeof req.query.execution_engine_version === 'string' ? req.query.execution_engine_version : null;
      await describeBlocks(req, res, version);
    }),
  );
  router.post(
    '/workflows/blocks/describe',
    handler(async (req, res) => {
      const body = validateBody<DescribeBlocksRequest>('describe-blocks.json', req.body ?? {});
      if ((body.dynamic_blocks_definitions ?? []).length > 0) {
        throw new DynamicBlockError(
          'dynamic_blocks_definitions: custom Python blocks are not supported by Sightline; send an empty list.',
          { context: 'workflow_compilation | blocks_loading' },
        );
      }
      await describeBlocks(req, res, body.execution_engine_version);
    }),
  );

  router.get(
    '/workflows/definition/schema',
    handler((req, res) => cache.send(req, res, 'schema', () => ({ schema: engine.registry.definitionSchema() }))),
  );

  // Roboflow requires an api key here (MissingApiKeyError); a local server has nothing to protect, so none is needed.
  router.post(
    '/workflows/describe_interface',
    handler((req, res) => {
      const body = validateBody<DescribeInterfaceRequest>('describe-interface.json', req.body);
      res.json(engine.describeInterface(body.specification));
    }),
  );

  router.post(
    '/workflows/blocks/dynamic_outputs',
    handler((req, res) => {
      const step = validateBody<Record<string, unknown>>('workflow-definition.json', req.body);
      const name = typeof step.name === 'string' ? step.name : '<unnamed>';
      if (typeof step.type !== 'string' || typeof step.name !== 'string') {
        throw new WorkflowSyntaxError('Step manifest must have string fields `type` and `name`.', {
          context: 'workflow_compilation | workflow_definition_parsing',
          blocksErrors: [{ block_id: name, property_name: typeof step.type !== 'string' ? 'type' : 'name' }],
        });
      }
      if (!engine.registry.get(step.type)) {
        throw new WorkflowSyntaxError(`Step \`${name}\` has unknown block type \`${step.type}\`.`, {
          context: 'workflow_compilation | workflow_definition_parsing',
          blocksErrors: [{ block_id: name, block_type: step.type, property_name: 'type' }],
        });
      }
      const outputs = engine.registry.dynamicOutputs(step as StepDefinition);
      res.json(outputs.map((o) => ({ name: o.name, kind: o.kind.map((k) => kindObject(k)) })));
    }),
  );

  router.get('/workflows/execution_engine/versions', (_req, res) => {
    res.json({ versions: [EXECUTION_ENGINE_VERSION] });
  });

  return router;
}
