// Definition ⇄ graph. Nodes carry the raw input/step/output objects (so unknown fields survive untouched);
// edges are derived from the selectors those objects hold. graphToDefinition(definitionToGraph(d)) equals d.
import { canonicalProperty, type BlockCatalog } from './catalog.ts';
import { findSelectors, parseSelector } from './selectors.ts';
import type { InputDef, Json, JsonObject, LayoutMap, OutputDef, StepDef, WorkflowDefinition } from './types.ts';

export type NodeKind = 'input' | 'step' | 'output';

export interface GraphNode {
  id: string;
  kind: NodeKind;
  name: string;
  data: InputDef | StepDef | OutputDef;
  position: { x: number; y: number };
}

export interface GraphEdge {
  id: string;
  source: string;
  /** Output name on a step, `value` on an input, `__step__` for flow-control edges. */
  sourceHandle: string;
  target: string;
  /** Property name on a step (`__flow__` for flow-control), `selector` on an output node. */
  targetHandle: string;
  /** The step property holding the selector (on the source step for flow control), `selector` for outputs. */
  property: string;
  /** Position inside a list/dict property (null for the value itself). */
  key: number | string | null;
  selector: string;
  control: boolean;
}

export interface DanglingReference {
  node: string;
  property: string;
  selector: string;
}

export interface WorkflowGraph {
  /** Top-level keys other than inputs/steps/outputs (version, dynamic_blocks_definitions, unknown ones). */
  header: JsonObject;
  keyOrder: string[];
  nodes: GraphNode[];
  edges: GraphEdge[];
  dangling: DanglingReference[];
}

export const FLOW_SOURCE = '__step__';
export const FLOW_TARGET = '__flow__';
export const INPUT_HANDLE = 'value';
export const OUTPUT_HANDLE = 'selector';

export const nodeId = (kind: NodeKind, name: string) => `${kind}:${name}`;

export function parseNodeId(id: string): { kind: NodeKind; name: string } {
  const i = id.indexOf(':');
  return { kind: id.slice(0, i) as NodeKind, name: id.slice(i + 1) };
}

const BODY_KEYS = new Set(['inputs', 'steps', 'outputs']);

/** Where a selector points in the graph, or null when its target does not exist. */
export function selectorSource(
  definition: WorkflowDefinition,
  selector: string,
): { node: string; handle: string; control: boolean } | null {
  const parsed = parseSelector(selector);
  if (!parsed) return null;
  if (parsed.ref === 'input')
    return definition.inputs.some((i) => i.name === parsed.name)
      ? { node: nodeId('input', parsed.name), handle: INPUT_HANDLE, control: false }
      : null;
  if (!definition.steps.some((s) => s.name === parsed.name)) return null;
  if (parsed.ref === 'step') return { node: nodeId('step', parsed.name), handle: FLOW_SOURCE, control: true };
  return { node: nodeId('step', parsed.name), handle: parsed.output, control: false };
}

export function definitionToGraph(
  definition: WorkflowDefinition,
  layout: LayoutMap = {},
  catalog: BlockCatalog | null = null,
): WorkflowGraph {
  const header: JsonObject = {};
  for (const [k, v] of Object.entries(definition)) if (!BODY_KEYS.has(k) && v !== undefined) header[k] = v as Json;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const dangling: DanglingReference[] = [];
  const place = (id: string, fallback: { x: number; y: number }) => layout[id] ?? fallback;

  (definition.inputs ?? []).forEach((input, i) =>
    nodes.push({
      id: nodeId('input', input.name),
      kind: 'input',
      name: input.name,
      data: input,
      position: place(nodeId('input', input.name), { x: 0, y: i * 120 }),
    }),
  );
  (definition.steps ?? []).forEach((step, i) => {
    const id = nodeId('step', step.name);
    nodes.push({ id, kind: 'step', name: step.name, data: step, position: place(id, { x: 320, y: i * 200 }) });
    for (const found of findSelectors(step, catalog)) {
      const source = selectorSource(definition, found.selector);
      if (!source) {
        dangling.push({ node: id, property: found.property, selector: found.selector });
        continue;
      }
      const targetHandle = source.control ? FLOW_TARGET : canonicalProperty(catalog?.get(step.type), found.property);
      const target = source.control ? nodeId('step', (found.parsed as { name: string }).name) : id;
      const from = source.control ? id : source.node;
      edges.push({
        id: `${from}|${source.handle}->${target}|${targetHandle}|${found.property}|${found.key ?? ''}`,
        source: from,
        sourceHandle: source.handle,
        target,
        targetHandle,
        property: found.property,
        key: found.key,
        selector: found.selector,
        control: source.control,
      });
    }
  });
  (definition.outputs ?? []).forEach((output, i) => {
    const id = nodeId('output', output.name);
    nodes.push({ id, kind: 'output', name: output.name, data: output, position: place(id, { x: 700, y: i * 100 }) });
    const source = selectorSource(definition, output.selector);
    if (!source) {
      if (output.selector) dangling.push({ node: id, property: OUTPUT_HANDLE, selector: output.selector });
      return;
    }
    // `$steps.s.*` leaves from the step's wildcard handle.
    edges.push({
      id: `${source.node}|${source.handle}->${id}|${OUTPUT_HANDLE}`,
      source: source.node,
      sourceHandle: source.handle,
      target: id,
      targetHandle: OUTPUT_HANDLE,
      property: OUTPUT_HANDLE,
      key: null,
      selector: output.selector,
      control: false,
    });
  });
  return { header, keyOrder: Object.keys(definition), nodes, edges, dangling };
}

export function graphToDefinition(graph: WorkflowGraph): WorkflowDefinition {
  const body = {
    inputs: graph.nodes.filter((n) => n.kind === 'input').map((n) => n.data as InputDef),
    steps: graph.nodes.filter((n) => n.kind === 'step').map((n) => n.data as StepDef),
    outputs: graph.nodes.filter((n) => n.kind === 'output').map((n) => n.data as OutputDef),
  };
  const out: Record<string, unknown> = {};
  const keys = [...graph.keyOrder];
  // A definition that lacked a body list keeps lacking it until something is added there.
  for (const k of ['inputs', 'steps', 'outputs'] as const) if (!keys.includes(k) && body[k].length > 0) keys.push(k);
  for (const k of keys) {
    if (BODY_KEYS.has(k)) out[k] = body[k as keyof typeof body];
    else if (k in graph.header) out[k] = graph.header[k];
  }
  for (const k of Object.keys(graph.header)) if (!(k in out)) out[k] = graph.header[k];
  return out as WorkflowDefinition;
}
