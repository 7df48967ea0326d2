// `npm run openapi [-- file.json]`: the document GET /openapi.json serves, without starting a server (for API
// gateways, client generators, offline review). Built from the same app, so it cannot differ from the served one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type express from 'express';
import { createApp, createDeps } from '../app.ts';
import { SERVER_VERSION } from '../routes/health.ts';
import { buildOpenApi, listAppRoutes } from './openapi.ts';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-openapi-'));
try {
  const deps = createDeps({ serveEditor: true, seedExamples: false, dataDir: scratch, port: 0 });
  const app = (await createApp(deps)) as express.Express;
  const document = buildOpenApi(listAppRoutes(app), {
    version: SERVER_VERSION,
    keyRequired: deps.ops.access.keyRequired,
  });
  const json = `${JSON.stringify(document, null, 2)}\n`;
  const target = process.argv[2];
  if (target) {
    fs.writeFileSync(target, json);
    console.error(`wrote ${target}: ${Object.keys(document.paths as object).length} paths`);
  } else process.stdout.write(json);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
process.exit(0);
