// `npx sightline run <workflow.json | workspace/id> <video | rtsp://… | camera index | image | folder | glob> ...`
// Settings (data dir, model cache, ...) are the server's (server/config.ts); the output is described by --help.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createDeps } from '../server/app.ts';
import { ffmpegAvailable } from '../video/ffmpeg.ts';
import { CliError, runCli } from './run.ts';
import { runRemote } from './remote.ts';

const USAGE = `Usage: sightline run <workflow.json | workspace/workflow_id> <source> [<source> ...] [options]

Sources: a video file, an image, a folder of images, a glob ('frames/*.png'), a stream URL
(rtsp://, rtmp://, http(s)://, udp://, tcp://), or a camera (0, /dev/video0).

Options:
  --out FILE            write results as JSON Lines to FILE (default: stdout)
  --out-video FILE      encode an image output as a video (ffmpeg; format from the extension)
  --video-output NAME   which image output --out-video encodes (default: the first one)
  --out-images DIR      write every image output of every frame as a JPEG into DIR
  --param NAME=VALUE    a workflow input (repeatable; VALUE read as JSON when it parses)
  --image-input NAME    the workflow input that receives frames (default: image)
  --max-fps N           process at most N frames per second
  --no-progress         no progress bar on stderr
  --server URL          run on a Sightline server instead of here: images, folders and globs are sent as a
                        batch job (a saved workflow workspace/id is then the server's)
  --api-key KEY         the server's access key (default: SIGHTLINE_API_KEY)
  -h, --help            this text`;

function fail(message: string): never {
  process.stderr.write(`sightline: ${message.split('\n')[0]}\n`);
  process.exit(1);
}

async function loadWorkflowFile(reference: string): Promise<Record<string, unknown>> {
  if (!fs.existsSync(reference)) fail(`workflow '${reference}' is neither a JSON file nor workspace/workflow_id`);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(fs.readFileSync(reference, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    fail(`${reference} is not valid JSON: ${(error as Error).message}`);
  }
  // A saved-workflow export or a /workflows/run body wraps the definition.
  const inner = (parsed.specification ?? parsed.definition) as Record<string, unknown> | undefined;
  return inner && typeof inner === 'object' ? inner : parsed;
}

async function loadWorkflow(reference: string, deps: ReturnType<typeof createDeps>) {
  if (fs.existsSync(reference)) return loadWorkflowFile(reference);
  const match = /^([^/]+)\/([^/]+)$/.exec(reference);
  if (!match) fail(`workflow '${reference}' is neither a JSON file nor workspace/workflow_id`);
  const saved = await deps.workflows.get(match[1]!, match[2]!);
  if (!saved) fail(`no saved workflow '${match[2]}' in workspace '${match[1]}' (data dir ${deps.config.dataDir})`);
  return saved.definition;
}

function parseParam(text: string): [string, unknown] {
  const eq = text.indexOf('=');
  if (eq <= 0) fail(`--param expects NAME=VALUE, got '${text}'`);
  const raw = text.slice(eq + 1);
  try {
    return [text.slice(0, eq), JSON.parse(raw)];
  } catch {
    return [text.slice(0, eq), raw];
  }
}

/** --server: a definition file is sent as is; anything else names a saved workflow on the server. */
async function remote(
  workflowRef: string,
  sources: string[],
  values: {
    server?: string;
    'api-key'?: string;
    out?: string;
    'out-images'?: string;
    param?: string[];
    'image-input'?: string;
    'no-progress'?: boolean;
  },
): Promise<number> {
  const match = /^([^/]+)\/([^/]+)$/.exec(workflowRef);
  const workflow =
    fs.existsSync(workflowRef) || !match
      ? { definition: await loadWorkflowFile(workflowRef) }
      : { workspace: match[1]!, workflowId: match[2]! };
  try {
    return await runRemote({
      server: values.server!,
      apiKey: values['api-key'] ?? process.env.SIGHTLINE_API_KEY,
      workflow,
      sources,
      out: values.out,
      outImages: values['out-images'],
      params: Object.fromEntries((values.param ?? []).map(parseParam)),
      imageInput: values['image-input'],
      progress: !values['no-progress'] && process.stderr.isTTY === true,
    });
  } catch (error) {
    fail((error as Error).message);
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        'out-video': { type: 'string' },
        'video-output': { type: 'string' },
        'out-images': { type: 'string' },
        param: { type: 'string', multiple: true },
        'image-input': { type: 'string' },
        'max-fps': { type: 'string' },
        'no-progress': { type: 'boolean' },
        server: { type: 'string' },
        'api-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE + '\n');
    return values.help ? 0 : 1;
  }
  const [command, workflowRef, ...sources] = positionals;
  if (command !== 'run') fail(`unknown command '${command}' (only 'run'; see --help)`);
  if (!workflowRef || sources.length === 0) fail('run needs a workflow and at least one source (see --help)');
  if (values.server) return remote(workflowRef, sources, values);
  if (!(await ffmpegAvailable()))
    fail('ffmpeg was not found on PATH: install it (Debian/Ubuntu: apt-get install ffmpeg)');
  const maxFps = values['max-fps'] === undefined ? undefined : Number(values['max-fps']);
  if (maxFps !== undefined && !(maxFps > 0)) fail(`--max-fps expects a positive number, got '${values['max-fps']}'`);
  const deps = createDeps({}, { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' });
  try {
    const definition = await loadWorkflow(workflowRef, deps);
    return await runCli(deps.engine, {
      definition,
      // A bare number is a camera index, as in Roboflow.
      sources: sources.map((s) => (/^\d+$/.test(s) && !fs.existsSync(s) ? Number(s) : s)),
      out: values.out,
      outVideo: values['out-video'],
      videoOutput: values['video-output'],
      outImages: values['out-images'],
      params: Object.fromEntries((values.param ?? []).map(parseParam)),
      maxFps,
      imageInput: values['image-input'] ?? 'image',
      progress: !values['no-progress'] && process.stderr.isTTY === true,
    });
  } catch (error) {
    if (error instanceof CliError || (error as Error).name) fail((error as Error).message);
    throw error;
  } finally {
    for (const hook of [...deps.shutdownHooks].reverse()) await hook().catch(() => {});
  }
}
