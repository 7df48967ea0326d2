// Inner workflows by reference (docs/roboflow-compatibility.md#inner-workflows): `workflow_workspace_id` + `workflow_id` (+ `workflow_version_id`)
// are replaced, before hashing and inlining, by the definition an injected resolver returns. Resolving first
// makes the compile cache key cover the children, so a newly saved child version is never served stale.
import { InnerWorkflowCompositionCycleError, InnerWorkflowInvalidStepEntryError } from '../errors.ts';
import { INNER_WORKFLOW_TYPE } from './inner.ts';
import { echo } from './echo.ts';

export interface WorkflowReference {
  workspace: string;
  id: string;
  /** `workflow_version_id` as written (string or number), null for the latest. */
  versionId: string | null;
}

/** Synchronous lookup of a saved workflow definition; undefined when there is no such workflow/version. */
export type WorkflowResolver = (reference: WorkflowReference) => Record<string, unknown> | undefined;

const CONTEXT = 'workflow_compilation | inner_workflow_inlining';

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function entryError(stepName: string, property: string, message: string): InnerWorkflowInvalidStepEntryError {
  return new InnerWorkflowInvalidStepEntryError(`Inner workflow step ${echo(stepName)}: ${message}`, {
    context: CONTEXT,
    blocksErrors: [
      { block_id: stepName, block_type: INNER_WORKFLOW_TYPE, property_name: property, property_details: message },
    ],
  });
}

function referenceOf(step: Record<string, unknown>): WorkflowReference {
  const name = String(step.name);
  const { workflow_workspace_id: workspace, workflow_id: id, workflow_version_id: version } = step;
  if (typeof id !== 'string' || !id) throw entryError(name, 'workflow_id', 'workflow_id must be a non-empty string');
  if (typeof workspace !== 'string' || !workspace)
    throw entryError(
      name,
      'workflow_workspace_id',
      'a saved workflow reference needs workflow_workspace_id (a non-empty string) next to workflow_id',
    );
  if (version !== undefined && version !== null && typeof version !== 'string' && typeof version !== 'number') {
    throw entryError(name, 'workflow_version_id', 'workflow_version_id must be a string or a number');
  }
  return { workspace, id, versionId: version === undefined || version === null ? null : String(version) };
}

const sameReference = (a: WorkflowReference, b: WorkflowReference) =>
  a.workspace === b.workspace && a.id === b.id && a.versionId === b.versionId;
const describe = (ref: WorkflowReference) =>
  `${ref.workspace}/${ref.id}${ref.versionId === null ? '' : ` (version ${ref.versionId})`}`;

/**
 * The definition with every saved-workflow reference replaced by an inline `workflow_definition`, at any depth;
 * the input object itself when nothing was replaced. Without a resolver references are left for the inliner,
 * which reports them.
 */
export function resolveWorkflowReferences(definition: unknown, resolver: WorkflowResolver | undefined): unknown {
  if (!resolver || !isObject(definition)) return definition;
  return resolveIn(definition, resolver, []);
}

function resolveIn(
  definition: Record<string, unknown>,
  resolver: WorkflowResolver,
  chain: WorkflowReference[],
): Record<string, unknown> {
  if (!Array.isArray(definition.steps)) return definition;
  let steps: unknown[] | undefined;
  definition.steps.forEach((raw, position) => {
    if (!isObject(raw) || raw.type !== INNER_WORKFLOW_TYPE) return;
    let replaced: Record<string, unknown> | undefined;
    if (raw.workflow_definition === undefined && raw.workflow_id !== undefined) {
      const ref = referenceOf(raw);
      if (chain.some((seen) => sameReference(seen, ref))) {
        throw new InnerWorkflowCompositionCycleError(
          `Inner workflow step ${echo(raw.name)} refers to ${describe(ref)}, which is already being composed (cycle: ${[...chain, ref].map((r) => `${r.workspace}/${r.id}`).join(' -> ')})`,
          {
            context: CONTEXT,
            blocksErrors: [
              {
                block_id: String(raw.name),
                block_type: INNER_WORKFLOW_TYPE,
                property_name: 'workflow_id',
                property_details: 'composition cycle',
              },
            ],
          },
        );
      }
      const child = resolver(ref);
      if (!isObject(child))
        throw entryError(String(raw.name), 'workflow_id', `saved workflow ${describe(ref)} was not found`);
      const { workflow_workspace_id: _w, workflow_id: _i, workflow_version_id: _v, ...rest } = raw;
      replaced = { ...rest, workflow_definition: resolveIn(child, resolver, [...chain, ref]) };
    } else if (isObject(raw.workflow_definition)) {
      const inner = resolveIn(raw.workflow_definition, resolver, chain);
      if (inner !== raw.workflow_definition) replaced = { ...raw, workflow_definition: inner };
    }
    if (replaced) (steps ??= [...(definition.steps as unknown[])])[position] = replaced;
  });
  return steps ? { ...definition, steps } : definition;
}
