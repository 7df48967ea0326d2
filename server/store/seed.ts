// First start: create the `examples` workspace from server/examples/*.json (only when it does not exist, so
// a user's deletions and edits are never undone).
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowStore } from './workflow-store.ts';

export const EXAMPLES_WORKSPACE = 'examples';
export const EXAMPLES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../examples');

export interface ExampleFile {
  id: string;
  description: string;
  definition: Record<string, unknown>;
}

export async function loadExamples(dir = EXAMPLES_DIR): Promise<ExampleFile[]> {
  const names = (await fs.readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  const examples: ExampleFile[] = [];
  for (const name of names) examples.push(JSON.parse(await fs.readFile(path.join(dir, name), 'utf8')) as ExampleFile);
  return examples;
}

/** Returns how many workflows were seeded (0 when the workspace already existed). */
export async function seedExamples(store: WorkflowStore): Promise<number> {
  if (await store.workspaceExists(EXAMPLES_WORKSPACE)) return 0;
  const examples = await loadExamples();
  for (const example of examples) {
    // Saved unvalidated: an example may need a model that is installed later; description explains how.
    await store.save(EXAMPLES_WORKSPACE, example.id, {
      definition: example.definition,
      author: 'sightline',
      message: example.description,
    });
  }
  return examples.length;
}
