// Kind compatibility between a source (workflow input or step output) and a step property, decided from the
// describe data the way the compiler does (docs/roboflow-compatibility.md#graph-and-kinds): `*` on either side or a shared kind name.
import type { BlockCatalog, PropertyInfo } from './catalog.ts';
import { definitionToGraph, FLOW_SOURCE, FLOW_TARGET, OUTPUT_HANDLE, parseNodeId } from './graph.ts';
import type { InputDef, WorkflowDefinition } from './types.ts';

export interface Compatibility {
  ok: boolean;
  reason: string;
}

const DEFAULT_INPUT_KINDS: Record<string, string[]> = {
  WorkflowImage: ['image'],
  InferenceImage: ['image'],
  WorkflowVideoMetadata: ['video_metadata'],
};

export function inputKinds(input: InputDef): string[] {
  const kinds = input.kind;
  if (Array.isArray(kinds) && kinds.length > 0)
    return kinds.map((k) => (typeof k === 'string' ? k : String((k as { name?: unknown })?.name ?? '*')));
  return DEFAULT_INPUT_KINDS[input.type] ?? ['*'];
}

export function kindsCompatible(source: string[], target: string[]): boolean {
  if (source.includes('*') || target.includes('*')) return true;
  return source.some((k) => target.includes(k));
}

/** Kinds a graph source handle produces; null when the handle is a flow-control (whole step) handle. */
export function sourceKinds(
  definition: WorkflowDefinition,
  catalog: BlockCatalog,
  nodeId: string,
  handle: string,
): string[] | null {
  const { kind, name } = parseNodeId(nodeId);
  if (kind === 'input') {
    const input = definition.inputs.find((i) => i.name === name);
    return input ? inputKinds(input) : ['*'];
  }
  if (handle === FLOW_SOURCE) return null;
  const step = definition.steps.find((s) => s.name === name);
  const block = step ? catalog.get(step.type) : undefined;
  if (!block) return ['*'];
  const out = block.outputs.find((o) => o.name === handle) ?? block.outputs.find((o) => o.name === '*');
  return out ? out.kinds : ['*'];
}

function describeSource(nodeId: string, handle: string): string {
  const { kind, name } = parseNodeId(nodeId);
  return kind === 'input' ? `input '${name}'` : `'${name}.${handle}'`;
}

/** The path target → … → source when wiring source into target would close a loop, else null. */
export function cyclePath(
  definition: WorkflowDefinition,
  catalog: BlockCatalog,
  sourceNode: string,
  targetNode: string,
): string[] | null {
  const next = new Map<string, string[]>();
  for (const e of definitionToGraph(definition, {}, catalog).edges)
    next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const cameFrom = new Map<string, string>([[targetNode, '']]);
  const queue = [targetNode];
  while (queue.length) {
    const at = queue.shift()!;
    if (at === sourceNode) {
      const path = [at];
      for (let p = cameFrom.get(at); p; p = cameFrom.get(p)) path.unshift(p);
      return path.map((id) => parseNodeId(id).name);
    }
    for (const n of next.get(at) ?? []) if (!cameFrom.has(n)) (cameFrom.set(n, at), queue.push(n));
  }
  return null;
}

/** Can this source handle feed this step property (or output node)? With a reason either way. */
export function checkConnection(
  definition: WorkflowDefinition,
  catalog: BlockCatalog,
  source: { node: string; handle: string },
  target: { node: string; handle: string },
): Compatibility {
  const verdict = checkConnectionKinds(definition, catalog, source, target);
  if (!verdict.ok || parseNodeId(target.node).kind !== 'step' || parseNodeId(source.node).kind !== 'step')
    return verdict;
  const loop = cyclePath(definition, catalog, source.node, target.node);
  if (!loop) return verdict;
  return {
    ok: false,
    reason: `it would make a cycle: '${loop[0]}' already feeds '${loop[loop.length - 1]}' (${loop.join(' → ')}), and a workflow runs each step once, in order.`,
  };
}

function checkConnectionKinds(
  definition: WorkflowDefinition,
  catalog: BlockCatalog,
  source: { node: string; handle: string },
  target: { node: string; handle: string },
): Compatibility {
  if (source.node === target.node) return { ok: false, reason: 'A step cannot be wired to itself.' };
  const targetNode = parseNodeId(target.node);
  if (targetNode.kind === 'input') return { ok: false, reason: 'Inputs take no connections.' };
  const kinds = sourceKinds(definition, catalog, source.node, source.handle);
  if (targetNode.kind === 'output') {
    if (target.handle !== OUTPUT_HANDLE || kinds === null)
      return { ok: false, reason: 'Outputs take a step output, not a whole step.' };
    return { ok: true, reason: `${describeSource(source.node, source.handle)} becomes output '${targetNode.name}'.` };
  }
  if (target.handle === FLOW_TARGET || source.handle === FLOW_SOURCE)
    return checkFlow(definition, catalog, source.node, target);
  const step = definition.steps.find((s) => s.name === targetNode.name);
  const block = step ? catalog.get(step.type) : undefined;
  const property = block?.properties.find((p) => p.name === target.handle);
  if (!step) return { ok: false, reason: `Step '${targetNode.name}' does not exist.` };
  if (!block) return { ok: true, reason: `Block '${step.type}' is unknown here; the server will check kinds.` };
  if (!property?.selector)
    return { ok: false, reason: `'${targetNode.name}.${target.handle}' does not accept connections.` };
  return checkProperty(property, kinds, describeSource(source.node, source.handle), targetNode.name);
}

/** Flow-control wiring: from a step whose block has a step-selector property (`next_steps`) to any step. */
function checkFlow(
  definition: WorkflowDefinition,
  catalog: BlockCatalog,
  sourceNode: string,
  target: { node: string; handle: string },
): Compatibility {
  const from = parseNodeId(sourceNode);
  const to = parseNodeId(target.node).name;
  const step = definition.steps.find((s) => s.name === from.name);
  const holder = step
    ? catalog.get(step.type)?.properties.find((p) => p.selector?.selectedElement === 'step')
    : undefined;
  if (from.kind !== 'step' || !holder)
    return { ok: false, reason: `Only flow-control steps can choose which step runs next.` };
  if (target.handle !== FLOW_TARGET)
    return { ok: false, reason: `'${to}.${target.handle}' takes data, not a whole step.` };
  return { ok: true, reason: `'${from.name}.${holder.name}' continues to '${to}'.` };
}

export function checkProperty(
  property: PropertyInfo,
  kinds: string[] | null,
  sourceLabel: string,
  stepName: string,
): Compatibility {
  const sel = property.selector!;
  const where = `'${stepName}.${property.name}'`;
  if (sel.selectedElement === 'step') {
    return kinds === null
      ? { ok: true, reason: `${where} continues to the step.` }
      : { ok: false, reason: `${where} takes a whole step (flow control), not ${sourceLabel}.` };
  }
  if (kinds === null) return { ok: false, reason: `${where} takes data, not a whole step.` };
  if (kindsCompatible(kinds, sel.kinds)) return { ok: true, reason: `${sourceLabel} → ${where}` };
  return {
    ok: false,
    reason: `${sourceLabel} is of kind [${kinds.join(', ')}] but ${where} accepts [${sel.kinds.join(', ')}].`,
  };
}
