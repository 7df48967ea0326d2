// Inner workflows (docs/roboflow-compatibility.md#inner-workflows): `roboflow_core/inner_workflow@v1` steps with an inline `workflow_definition`
// are inlined before parsing — child steps become `<inner>__<child>`, their selectors are rewritten, and parent
// references to `$steps.<inner>.<child_output>` point at what the child output selects.
import { defineBlock, type BlockDefinition, type StepDefinition } from '../block.ts';
import {
  InnerWorkflowInvalidStepEntryError,
  InnerWorkflowNestingDepthError,
  InnerWorkflowParameterBindingsError,
  InnerWorkflowTotalCountError,
} from '../errors.ts';
import { echo } from './echo.ts';

export const INNER_WORKFLOW_TYPE = 'roboflow_core/inner_workflow@v1';
const CONTEXT = 'workflow_compilation | inner_workflow_inlining';

/** Manifest of the inner-workflow step (for schemas and describe); it never runs — the compiler inlines it. */
export const innerWorkflowBlock: BlockDefinition<any> = defineBlock({
  manifest: {
    type: INNER_WORKFLOW_TYPE,
    humanName: 'Inner Workflow',
    version: 'v1',
    blockType: 'flow_control',
    shortDescription: 'Embed another workflow as a step.',
    longDescription:
      'Inlines a child workflow definition; child inputs are bound to parent selectors or literals through `parameter_bindings`, child outputs are available as `$steps.<step>.<output>`.',
    executionEngineCompatibility: '>=1.9.0,<2.0.0',
    ui: { section: 'flow_control', icon: 'far fa-diagram-project' },
    properties: {
      workflow_definition: {
        title: 'Workflow Definition',
        description: 'Inline child workflow definition.',
        type: 'object',
      },
      workflow_workspace_id: {
        title: 'Workspace',
        description: 'Workspace of a saved child workflow.',
        type: 'string',
      },
      workflow_id: { title: 'Workflow Id', description: 'Id of a saved child workflow.', type: 'string' },
      workflow_version_id: {
        title: 'Workflow Version',
        description: 'Version of a saved child workflow.',
        type: 'string',
      },
      parameter_bindings: {
        title: 'Parameter Bindings',
        description: 'Child input name to parent selector or literal.',
        type: 'object',
        default: {},
      },
    },
    outputs: [{ name: '*', kind: ['*'] }],
  },
  run: () => {
    throw new Error('inner workflow steps are inlined at compile time');
  },
});

export interface InnerWorkflowLimits {
  maxDepth: number;
  maxCount: number;
}

/** Roboflow's defaults; the server passes its configured limits through EngineOptions. */
export const DEFAULT_INNER_WORKFLOW_LIMITS: InnerWorkflowLimits = { maxDepth: 4, maxCount: 32 };

type Json = unknown;

/** Replaces selector strings anywhere inside a value. */
function rewrite(value: Json, map: (selector: string) => Json): Json {
  if (typeof value === 'string') return value.startsWith('$') ? map(value) : value;
  if (Array.isArray(value)) return value.map((v) => rewrite(v, map));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, map)]));
  return value;
}

function hasInner(definition: Record<string, unknown>): boolean {
  return (
    Array.isArray(definition.steps) && definition.steps.some((s) => (s as StepDefinition)?.type === INNER_WORKFLOW_TYPE)
  );
}

/** Returns the definition with every inner-workflow step inlined (the input itself when there is none). */
export function inlineInnerWorkflows(
  definition: Record<string, unknown>,
  limits: InnerWorkflowLimits = DEFAULT_INNER_WORKFLOW_LIMITS,
): Record<string, unknown> {
  return inline(definition, 1, limits, { count: 0 });
}

// Long on purpose: one recursive pass (limits, parameter bindings, renaming, rewriting) that reads best whole.
function inline(
  definition: Record<string, unknown>,
  depth: number,
  limits: InnerWorkflowLimits,
  counter: { count: number },
): Record<string, unknown> {
  if (!hasInner(definition)) return definition;
  if (depth > limits.maxDepth) {
    throw new InnerWorkflowNestingDepthError(`Inner workflows are nested deeper than the limit of ${limits.maxDepth}`, {
      context: CONTEXT,
    });
  }
  const steps: Json[] = [];
  /** `$steps.<inner>.<output>` → what it stands for. */
  const exported = new Map<string, Json>();
  for (const raw of definition.steps as StepDefinition[]) {
    if (raw?.type !== INNER_WORKFLOW_TYPE) {
      steps.push(raw);
      continue;
    }
    counter.count++;
    if (counter.count > limits.maxCount) {
      throw new InnerWorkflowTotalCountError(`Workflow uses more than ${limits.maxCount} inner workflows`, {
        context: CONTEXT,
      });
    }
    const name = String(raw.name);
    const entryError = (message: string) =>
      new InnerWorkflowInvalidStepEntryError(`Inner workflow step ${echo(name)}: ${message}`, {
        context: CONTEXT,
        blocksErrors: [
          {
            block_id: name,
            block_type: INNER_WORKFLOW_TYPE,
            property_name: 'workflow_definition',
            property_details: message,
          },
        ],
      });
    const childRaw = raw.workflow_definition;
    if (childRaw !== undefined && raw.workflow_id !== undefined)
      throw entryError('give either workflow_definition or workflow_workspace_id + workflow_id, not both');
    if (childRaw === undefined && raw.workflow_id === undefined)
      throw entryError('give `workflow_definition` or `workflow_workspace_id` + `workflow_id`');
    if (childRaw === undefined)
      throw entryError(
        'saved workflow references (workflow_workspace_id + workflow_id) need a workflow resolver, and this engine has none; give an inline `workflow_definition`',
      );
    if (!childRaw || typeof childRaw !== 'object' || Array.isArray(childRaw))
      throw entryError('workflow_definition must be a workflow definition object');
    const child = inline(childRaw as Record<string, unknown>, depth + 1, limits, counter);
    const bindings = (raw.parameter_bindings ?? {}) as Record<string, Json>;
    if (typeof bindings !== 'object' || Array.isArray(bindings))
      throw entryError('parameter_bindings must be an object');
    const childInputs = (Array.isArray(child.inputs) ? child.inputs : []) as Array<Record<string, unknown>>;
    const bindingError = (message: string, property: string) =>
      new InnerWorkflowParameterBindingsError(`Inner workflow step ${echo(name)}: ${message}`, {
        context: CONTEXT,
        blocksErrors: [
          {
            block_id: name,
            block_type: INNER_WORKFLOW_TYPE,
            property_name: `parameter_bindings.${property}`,
            property_details: message,
          },
        ],
      });
    const inputNames = new Set(childInputs.map((i) => String(i.name)));
    for (const key of Object.keys(bindings))
      if (!inputNames.has(key))
        throw bindingError(
          `binding ${echo(key)} does not name an input of the child workflow (inputs: ${[...inputNames].join(', ')})`,
          key,
        );
    const inputValue = new Map<string, Json>();
    for (const input of childInputs) {
      const inputName = String(input.name);
      if (inputName in bindings) inputValue.set(inputName, bindings[inputName]);
      else if (
        (input.type === 'WorkflowParameter' || input.type === 'InferenceParameter') &&
        input.default_value !== undefined &&
        input.default_value !== null
      )
        inputValue.set(inputName, input.default_value);
      else throw bindingError(`child input ${echo(inputName)} has no binding and no default value`, inputName);
    }
    const childSteps = (Array.isArray(child.steps) ? child.steps : []) as StepDefinition[];
    const childStepNames = new Set(childSteps.map((s) => String(s.name)));
    const mapChild = (selector: string): Json => {
      if (selector.startsWith('$inputs.')) {
        const inputName = selector.slice('$inputs.'.length);
        return inputValue.has(inputName) ? inputValue.get(inputName) : selector;
      }
      const match = /^\$steps\.([^.]+)(\..+)?$/.exec(selector);
      if (match && childStepNames.has(match[1]!)) return `$steps.${name}__${match[1]}${match[2] ?? ''}`;
      return selector;
    };
    for (const step of childSteps) {
      const renamed = rewrite(step, mapChild) as Record<string, unknown>;
      renamed.type = step.type;
      renamed.name = `${name}__${step.name}`;
      steps.push(renamed);
    }
    for (const output of (Array.isArray(child.outputs) ? child.outputs : []) as Array<Record<string, unknown>>) {
      exported.set(`$steps.${name}.${String(output.name)}`, mapChild(String(output.selector)));
    }
  }
  const mapParent = (selector: string): Json => (exported.has(selector) ? exported.get(selector) : selector);
  const outputs = ((definition.outputs ?? []) as Array<Record<string, unknown>>).map((o) => ({
    ...o,
    selector: typeof o.selector === 'string' ? mapParent(o.selector) : o.selector,
  }));
  return {
    ...definition,
    steps: steps.map((s) => {
      if (!s || typeof s !== 'object') return s;
      const step = s as Record<string, unknown>;
      const out = rewrite(step, mapParent) as Record<string, unknown>;
      out.type = step.type;
      out.name = step.name;
      return out;
    }),
    outputs,
  };
}
