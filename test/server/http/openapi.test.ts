// /openapi.json: every route registered on the app is described, the document is valid OpenAPI 3 (checked with
// @seriousme/openapi-schema-validator), request bodies are the same schemas validateBody uses, and the hand-written
// saved-workflow operations (schemas/openapi-base.json) all match live routes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type express from 'express';
import { Validator } from '@seriousme/openapi-schema-validator';
import { listAppRoutes, staleBaseOperations, toOpenApiPath, type LiveRoute } from '../../../server/http/openapi.ts';
import { ROUTE_DOCS } from '../../../server/http/route-docs.ts';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { REPO_ROOT } from '../../helpers/shared.ts';
import { get } from '../http.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('/openapi.json', () => {
  let server: RunningServer;
  let document: any;
  let routes: LiveRoute[];

  before(async () => {
    server = await startTestServer({ env: { SIGHTLINE_API_KEY: 'sk-openapi-test-key' } });
    const res = await get(server, '/openapi.json');
    assert.equal(res.status, 200, 'open without the key');
    document = res.body;
    // The running server's own app (its request listener): what it answers is what must be described.
    routes = listAppRoutes(server.server.listeners('request')[0] as express.Express);
  });
  after(() => server?.close());

  test('is valid OpenAPI 3', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 3000));
    assert.match(validator.version, /^3\./);
  });

  test('describes every route registered on the app', () => {
    assert.ok(routes.length >= 40, `only ${routes.length} routes found`);
    const missing: string[] = [];
    for (const route of routes) {
      const apiPath = toOpenApiPath(route.path).path;
      for (const method of route.method === '*' ? METHODS : [route.method]) {
        if (!document.paths[apiPath]?.[method]) missing.push(`${method.toUpperCase()} ${route.path}`);
      }
    }
    assert.deepEqual(missing, []);
    // WebSocket endpoints are upgrades beside Express: described from route-docs.ts.
    assert.ok(document.paths['/workflows/run/ws'].get.responses['101']);
    for (const needed of ['/workflows/run', '/infer/object_detection', '/metrics', '/docs', '/healthz']) {
      assert.ok(document.paths[needed], needed);
    }
  });

  test('every documented operation names a live route (no stale hand-written entries)', () => {
    assert.deepEqual(staleBaseOperations(routes), []);
  });

  test('routes without a summary of their own are listed (they still appear, described from their path)', (t) => {
    const undocumented = routes.filter(
      (r) =>
        !ROUTE_DOCS[`${r.method === '*' ? '*' : r.method.toUpperCase()} ${r.path}`] &&
        !r.path.startsWith('/workspaces') &&
        !/^\/:workspace|^\/infer\/workflows\//.test(r.path),
    );
    for (const r of undocumented) t.diagnostic(`no summary in server/http/route-docs.ts: ${r.method} ${r.path}`);
  });

  test('request bodies are the schemas the server validates with, with examples', () => {
    const run = document.paths['/workflows/run'].post;
    const ref = run.requestBody.content['application/json'].schema.$ref as string;
    const name = ref.split('/').pop()!;
    const file = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'schemas/requests/workflow-run.json'), 'utf8'));
    assert.equal(name, file.title);
    assert.deepEqual(Object.keys(document.components.schemas[name].properties), Object.keys(file.properties));
    assert.ok(run.requestBody.content['application/json'].example.specification);
    // References between request schemas resolve inside the document.
    const detection = document.components.schemas.ObjectDetectionInferenceRequest;
    assert.ok(JSON.stringify(detection).includes('#/components/schemas/'));
    assert.ok(!JSON.stringify(document).includes('"image-or-list.json"'));
  });

  test('security: the access key is documented and open routes say so', () => {
    assert.ok(document.components.securitySchemes.bearer);
    assert.ok(document.components.securitySchemes.apiKeyQuery);
    assert.deepEqual(document.paths['/healthz'].get.security, []);
    assert.ok(document.paths['/workflows/run'].post.responses['401']);
  });
});
