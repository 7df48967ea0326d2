// The model packages installed on the server (GET /model/packages), which of them fit a model block, and
// the editor's check of literal model ids against them ("not installed here; did you mean coco/3?").
import type { BlockCatalog } from './catalog.ts';
import { nodeId } from './graph.ts';
import type { WorkflowDefinition } from './types.ts';

export interface InstalledModel {
  model_id: string;
  task_type: string | null;
  classes: string[];
  input_width: number;
  input_height: number;
  aliases: string[];
}

const TASK_BY_BLOCK: Array<[RegExp, string]> = [
  [/multi_label_classification_model/, 'multi-label-classification'],
  [/classification_model/, 'classification'],
  [/object_detection_model/, 'object-detection'],
  [/instance_segmentation_model/, 'instance-segmentation'],
  [/keypoint_detection_model/, 'keypoint-detection'],
];

/** The model task a block runs (null for blocks that take no model package). */
export function blockTask(type: string): string | null {
  return TASK_BY_BLOCK.find(([re]) => re.test(type))?.[1] ?? null;
}

/** Installed packages that fit the task; those with an unknown task are kept (the server decides). */
export function modelsForTask(models: InstalledModel[], task: string | null): InstalledModel[] {
  return models.filter((m) => !task || !m.task_type || m.task_type === task);
}

export function findInstalled(models: InstalledModel[], id: string): InstalledModel | undefined {
  return models.find((m) => m.model_id === id || m.aliases.includes(id));
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = next;
    }
  }
  return row[b.length]!;
}

export function suggestModel(models: InstalledModel[], id: string): string | null {
  let best: { name: string; d: number } | null = null;
  for (const m of models)
    for (const name of [m.model_id, ...m.aliases]) {
      const d = distance(id.toLowerCase(), name.toLowerCase());
      if (!best || d < best.d) best = { name: m.model_id, d };
    }
  return best?.name ?? null;
}

/** Why a literal model id will not run here, or null when it is installed (or not a literal). */
export function modelIdProblem(models: InstalledModel[], task: string | null, id: unknown): string | null {
  if (typeof id !== 'string' || id.startsWith('$') || id.trim() === '') return null;
  const found = findInstalled(models, id.trim());
  if (found) {
    if (task && found.task_type && found.task_type !== task)
      return `'${id}' is a ${found.task_type} model; this block needs ${task}.`;
    return null;
  }
  const fitting = modelsForTask(models, task);
  const guess = suggestModel(fitting.length ? fitting : models, id.trim());
  return `'${id}' is not installed here${guess ? `; did you mean ${guess}?` : ' (no model packages are installed).'}`;
}

/** Warnings per node for literal model ids (on steps) that are not installed. */
export function modelWarnings(
  def: WorkflowDefinition,
  catalog: BlockCatalog,
  models: InstalledModel[],
): Record<string, Array<{ property: string | null; message: string }>> {
  const out: Record<string, Array<{ property: string | null; message: string }>> = {};
  for (const step of def.steps) {
    const task = blockTask(step.type);
    if (!task || !catalog.get(step.type)) continue;
    const problem = modelIdProblem(models, task, step.model_id);
    if (problem) out[nodeId('step', step.name)] = [{ property: 'model_id', message: problem }];
  }
  return out;
}
