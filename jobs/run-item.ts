// Runs one input of a job through the engine and turns it into its result line. Image outputs are written
// under the data directory (jobs/<id>/files/) and referenced by URL, so results stay small in memory and Redis.
import fs from 'node:fs/promises';
import path from 'node:path';
import { WorkflowImage, type ExecutionEngine } from '../engine/index.ts';
import type { JobItem, JobPlan } from './types.ts';

export interface ItemRunner {
  engine: ExecutionEngine;
  /** Root under which jobs/<id>/files/ is written. */
  dataDir: string;
  maxImagePixels: number;
  apiKey?: string;
}

/** Where a job's image outputs live on disk. */
export function jobFilesDir(dataDir: string, jobId: string): string {
  return path.join(dataDir, 'jobs', jobId, 'files');
}

async function runtimeInputs(plan: JobPlan, item: JobItem, runner: ItemRunner): Promise<Record<string, unknown>> {
  if ('inputs' in item) return { ...plan.parameters, ...item.inputs };
  const bytes = await fs.readFile(item.file);
  const image = await WorkflowImage.decode(
    bytes,
    { parentId: path.basename(item.file) },
    { maxPixels: runner.maxImagePixels },
  );
  return { ...plan.parameters, [plan.imageInput]: image };
}

function isSerializedImage(value: unknown): value is { type: 'base64'; value: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'base64' &&
    typeof (value as { value?: unknown }).value === 'string'
  );
}

/** Replace every serialized image in the outputs by a file reference, writing the file. */
async function externalizeImages(value: unknown, dir: string, urlBase: string, name: string): Promise<unknown> {
  if (isSerializedImage(value)) {
    const bytes = Buffer.from(value.value, 'base64');
    const ext = bytes[0] === 0x89 ? 'png' : 'jpg';
    const file = `${name}.${ext}`;
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, file), bytes);
    const { value: _dropped, ...rest } = value;
    return { ...rest, type: 'file', url: `${urlBase}/${file}` };
  }
  if (Array.isArray(value)) {
    const out = [];
    for (let i = 0; i < value.length; i++) out.push(await externalizeImages(value[i], dir, urlBase, `${name}-${i}`));
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = await externalizeImages(v, dir, urlBase, `${name}-${key}`);
    return out;
  }
  return value;
}

export interface ItemResult {
  /** `{"index", "outputs"}` on success, `{"index", "error": {name, message}}` on failure. */
  line: string;
  error?: { error: string; message: string };
}

/** Runs input `index` of a job; `item` is passed apart from the plan because a worker holds only its chunk's items. */
export async function runJobItem(plan: JobPlan, index: number, item: JobItem, runner: ItemRunner): Promise<ItemResult> {
  try {
    const inputs = await runtimeInputs(plan, item, runner);
    const result = await runner.engine.run(plan.definition, inputs, { serialize: true, apiKey: runner.apiKey });
    const dir = path.join(jobFilesDir(runner.dataDir, plan.id), String(index));
    const outputs = await externalizeImages(result.outputs, dir, `/jobs/${plan.id}/files/${index}`, 'output');
    return { line: JSON.stringify({ index, outputs }) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return {
      line: JSON.stringify({ index, error: { name: e.name, message: e.message } }),
      error: { error: e.name, message: e.message },
    };
  }
}
