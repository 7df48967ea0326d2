// `sightline run --server URL`: the same command, run by a Sightline server instead of this process. Images,
// folders and globs on this machine are sent as one batch job (POST /jobs); results come back as JSON Lines in
// input order while the job runs, with a progress bar from the job's status. Ctrl-C cancels the job.
import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { createClient, type JobSubmission } from '../client/index.ts';
import { resolveSource } from '../video/sources.ts';
import { CliError } from './run.ts';

export interface RemoteOptions {
  server: string;
  apiKey?: string;
  /** A definition read from a file, or a saved workflow on the server. */
  workflow: { definition: Record<string, unknown> } | { workspace: string; workflowId: string };
  sources: Array<string | number>;
  out?: string;
  outImages?: string;
  params: Record<string, unknown>;
  imageInput?: string;
  progress: boolean;
}

/** The image files the sources name on this machine (a video, stream or camera is refused: those run locally). */
async function localImages(sources: Array<string | number>): Promise<string[]> {
  const files: string[] = [];
  for (const source of sources) {
    // Anything on this machine is the user's to send.
    const spec = await resolveSource(source, { mediaDirs: [path.parse(process.cwd()).root], network: {} }, 'source');
    if (spec.kind !== 'images')
      throw new CliError(
        `--server runs images, folders and globs as a job; '${source}' is a ${spec.kind === 'file' ? 'video' : spec.kind}: run it without --server`,
      );
    files.push(...spec.images!);
  }
  return files;
}

async function downloadImages(server: string, value: unknown, dir: string): Promise<void> {
  if (Array.isArray(value)) for (const v of value) await downloadImages(server, v, dir);
  else if (value && typeof value === 'object') {
    const ref = value as { type?: unknown; url?: unknown; path?: string };
    if (ref.type === 'file' && typeof ref.url === 'string') {
      const response = await fetch(new URL(ref.url, server));
      if (!response.ok) throw new CliError(`could not download ${ref.url}: HTTP ${response.status}`);
      const file = path.join(dir, ref.url.split('/').slice(-2).join('_'));
      await fs.promises.writeFile(file, Buffer.from(await response.arrayBuffer()));
      ref.path = file;
      return;
    }
    for (const v of Object.values(value)) await downloadImages(server, v, dir);
  }
}

export async function runRemote(options: RemoteOptions): Promise<number> {
  const client = createClient({ baseUrl: options.server, apiKey: options.apiKey });
  const files = await localImages(options.sources);
  const inputName = options.imageInput ?? 'image';
  const job: JobSubmission = {
    ...('definition' in options.workflow
      ? { specification: options.workflow.definition }
      : { workspace_name: options.workflow.workspace, workflow_id: options.workflow.workflowId }),
    parameters: options.params,
    inputs: await Promise.all(
      files.map(async (file) => ({
        [inputName]: { type: 'base64', value: (await fs.promises.readFile(file)).toString('base64') },
      })),
    ),
  };
  const { job_id: jobId } = await client.jobs.submit(job);
  const out = options.out ? fs.createWriteStream(options.out) : process.stdout;
  if (options.outImages) fs.mkdirSync(options.outImages, { recursive: true });
  const bar = options.progress
    ? new cliProgress.SingleBar(
        {
          format: 'server |{bar}| {percentage}% | {value}/{total} images | {fps} img/s | ETA {eta_formatted}',
          stream: process.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  bar?.start(files.length, 0, { fps: '0.0' });
  const poll = setInterval(() => {
    void client.jobs
      .status(jobId)
      .then((s) => bar?.update(s.done, { fps: (s.fps ?? 0).toFixed(1) }))
      .catch(() => {});
  }, 500);
  const abort = new AbortController();
  const cancel = () => {
    abort.abort();
    void client.jobs.cancel(jobId).catch(() => {});
  };
  process.once('SIGINT', cancel);
  let failed = 0;
  try {
    for await (const result of client.jobs.results(jobId, { follow: true, signal: abort.signal })) {
      if (result.error) failed++;
      if (options.outImages && result.outputs) await downloadImages(options.server, result.outputs, options.outImages);
      const line = { index: result.index, file: files[result.index], ...result };
      if (!out.write(JSON.stringify(line) + '\n')) await new Promise((r) => out.once('drain', r));
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    clearInterval(poll);
    process.off('SIGINT', cancel);
    const status = await client.jobs.status(jobId).catch(() => undefined);
    if (status) bar?.update(status.done, { fps: (status.fps ?? 0).toFixed(1) });
    bar?.stop();
    if (out !== process.stdout) await new Promise((r) => (out as fs.WriteStream).end(r));
  }
  if (abort.signal.aborted) {
    process.stderr.write(`cancelled job ${jobId}\n`);
    return 130;
  }
  if (failed > 0)
    throw new CliError(`${failed} of ${files.length} image(s) failed (job ${jobId}); see their error lines`);
  return 0;
}
