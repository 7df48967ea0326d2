// The compilation pipeline (docs/roboflow-compatibility.md#compilation): version → parse/validate → names → graph → lineage.
import { WorkflowSyntaxError } from '../errors.ts';
import type { BlockRegistry } from '../registry.ts';
import { checkVersion, parseDefinition } from './parse.ts';
import { buildGraph } from './graph.ts';
import { denoteLineage } from './lineage.ts';
import type { CompiledPlan } from './plan.ts';
import { DEFAULT_INNER_WORKFLOW_LIMITS, inlineInnerWorkflows, type InnerWorkflowLimits } from './inner.ts';

export function compileDefinition(
  definition: unknown,
  registry: BlockRegistry,
  hash: string,
  innerLimits: InnerWorkflowLimits = DEFAULT_INNER_WORKFLOW_LIMITS,
): CompiledPlan {
  const trace: CompiledPlan['compilationTrace'] = [];
  const phase = <T>(name: string, fn: () => T): T => {
    const start = performance.now();
    try {
      return fn();
    } finally {
      trace.push({ name, start, end: performance.now() });
    }
  };
  if (!definition || typeof definition !== 'object' || Array.isArray(definition)) {
    throw new WorkflowSyntaxError('Workflow definition must be a JSON object', {
      context: 'workflow_compilation | workflow_definition_parsing',
    });
  }
  const raw = definition as Record<string, unknown>;
  checkVersion(raw);
  const inlined = phase('inner_workflows_inlining', () => inlineInnerWorkflows(raw, innerLimits));
  const parsed = phase('workflow_definition_parsing', () => parseDefinition(inlined, registry));
  const inputsByName = new Map(parsed.inputs.map((i) => [i.name, i]));
  const graph = phase('execution_graph_creation', () => {
    const g = buildGraph(parsed, inputsByName);
    denoteLineage(g, inputsByName);
    return g;
  });
  const state = new Map<string, Map<string, unknown>>();
  for (const name of graph.steps.keys()) state.set(name, new Map());
  return {
    hash,
    definition: raw,
    inputs: parsed.inputs,
    inputsByName,
    steps: graph.steps,
    layers: graph.layers,
    outputs: graph.outputs,
    substitutions: graph.substitutions,
    state,
    compilationTrace: trace,
  };
}
