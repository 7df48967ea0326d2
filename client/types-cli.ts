// `npm run client:types -- <workflow> [--server URL] [--api-key KEY] [--name Name] [--out file.ts]`
// Emits TypeScript types for a workflow's inputs and outputs from describe_interface. <workflow> is a definition file
// (described by a local engine, or by --server) or `workspace/workflow_id` of a workflow saved on --server.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createClient, type InterfaceDescription, type WorkflowRef } from './index.ts';
import { workflowTypes } from './workflow-types.ts';

const USAGE =
  'usage: npm run client:types -- <definition.json | workspace/workflow_id> [--server URL] [--api-key KEY] ' +
  '[--name TypeName] [--out file.ts]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    server: { type: 'string' },
    'api-key': { type: 'string' },
    name: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
const target = positionals[0];
if (values.help || !target) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

let definition: Record<string, unknown> | undefined;
let ref: WorkflowRef;
if (fs.existsSync(target)) {
  const parsed = JSON.parse(fs.readFileSync(target, 'utf8')) as Record<string, unknown>;
  // A saved-workflow record or a /workflows/run body hold the definition one level down.
  definition = (parsed.specification ?? parsed.definition ?? parsed) as Record<string, unknown>;
  ref = { specification: definition };
} else {
  const [workspace, workflowId] = target.split('/');
  if (!workspace || !workflowId || !values.server) {
    console.error(
      `${target}: no such file; a saved workflow is given as workspace/workflow_id with --server.\n${USAGE}`,
    );
    process.exit(2);
  }
  ref = { workspace, workflowId };
}

let description: InterfaceDescription;
if (values.server) {
  const client = createClient({ baseUrl: values.server, apiKey: values['api-key'] ?? process.env.SIGHTLINE_API_KEY });
  description = await client.describeInterface(ref);
  if (!definition && 'workspace' in ref) {
    definition = (await client.workflows.get(ref.workspace, ref.workflowId).catch(() => undefined))?.definition;
  }
} else {
  // No server: the same describe_interface, answered by a local engine.
  const { createDeps } = await import('../server/app.ts');
  const deps = createDeps({ serveEditor: false, seedExamples: false });
  description = deps.engine.describeInterface(definition) as unknown as InterfaceDescription;
}

const name = values.name ?? path.basename(target).replace(/\.json$/, '');
const ts = await workflowTypes(description, name, { definition, source: target });
if (values.out) {
  fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
  fs.writeFileSync(values.out, ts);
  console.error(`wrote ${values.out}`);
} else {
  process.stdout.write(ts);
}
process.exit(0);
