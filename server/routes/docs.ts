// GET /openapi.json (generated from the live routes and request schemas, see server/http/openapi.ts) and GET /docs:
// Swagger UI from the swagger-ui-dist package on disk, so the docs work offline (no CDN).
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';
import type { AppDeps } from '../app.ts';
import { buildOpenApi, listAppRoutes } from '../http/openapi.ts';
import { SERVER_VERSION } from './health.ts';

const SWAGGER_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
/** The files the page below loads; nothing else of the package is served. */
const SWAGGER_FILES =
  /^\/(swagger-ui\.css|swagger-ui-bundle\.js|swagger-ui-standalone-preset\.js|favicon-(16x16|32x32)\.png)$/;
/** Where the editor keeps the access key (editor/src/access-key.tsx); the docs page reuses it. */
const KEY_STORAGE = 'sightline.apiKey';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Sightline API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  validatorUrl: null,
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  requestInterceptor: (request) => {
    const key = window.sessionStorage.getItem(${JSON.stringify(KEY_STORAGE)});
    if (key && !request.headers.Authorization) request.headers.Authorization = 'Bearer ' + key;
    return request;
  },
});
`;

export async function docsRoutes(deps: AppDeps): Promise<Router> {
  const router = Router();
  let document: string | undefined;
  router.get('/openapi.json', (req, res) => {
    // Built on first use: every route module is mounted by then.
    document ??= JSON.stringify(
      buildOpenApi(listAppRoutes(req.app as express.Express), {
        version: SERVER_VERSION,
        keyRequired: deps.ops.access.keyRequired,
      }),
    );
    res.type('application/json').send(document);
  });
  router.get('/docs', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(PAGE);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(INIT);
  });
  const assets = express.static(SWAGGER_DIR, { index: false, maxAge: '1d' });
  router.use('/docs', (req, res, next) => (SWAGGER_FILES.test(req.path) ? assets(req, res, next) : next()));
  return router;
}
