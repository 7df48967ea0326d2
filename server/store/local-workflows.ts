// Roboflow's `local` workspace (docs/roboflow-compatibility.md#saved-workflows): workflow definitions dropped as files into
// MODEL_CACHE_DIR/workflow/local/<sha256(workflow_id)>.json and run without any API.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { MalformedWorkflowResponseError } from '../../engine/index.ts';
import { InvalidStoreIdError } from './errors.ts';

export const LOCAL_WORKSPACE = 'local';
const LOCAL_ID = /^[\w-]+$/;

export function isLocalWorkflowId(id: unknown): id is string {
  return typeof id === 'string' && LOCAL_ID.test(id);
}

export function localWorkflowPath(modelCacheDir: string, id: string): string {
  if (!isLocalWorkflowId(id)) {
    throw new InvalidStoreIdError(
      `Invalid workflow_id ${JSON.stringify(id)} for the local workspace: expected characters from [A-Za-z0-9_-].`,
    );
  }
  return path.join(modelCacheDir, 'workflow', LOCAL_WORKSPACE, `${createHash('sha256').update(id).digest('hex')}.json`);
}

/**
 * The definition in a local workflow file (its `specification` when the file wraps one), or undefined when there
 * is no file. Synchronous: the engine also calls it at compile time for inner-workflow references.
 */
export function readLocalWorkflow(modelCacheDir: string, id: string): Record<string, unknown> | undefined {
  const file = localWorkflowPath(modelCacheDir, id);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MalformedWorkflowResponseError(
      `Local workflow '${id}' (${file}) is not valid JSON: ${(error as Error).message}`,
    );
  }
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(parsed))
    throw new MalformedWorkflowResponseError(`Local workflow '${id}' (${file}) must hold a JSON object`);
  if (!('specification' in parsed)) return parsed;
  if (!isObject(parsed.specification))
    throw new MalformedWorkflowResponseError(`Local workflow '${id}' (${file}): 'specification' must be an object`);
  return parsed.specification;
}
