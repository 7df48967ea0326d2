// Auto-layout with dagre: left-to-right ranks following the wiring (inputs → steps → outputs).
import dagre from '@dagrejs/dagre';
import type { WorkflowGraph } from './graph.ts';
import type { LayoutMap } from './types.ts';

export interface NodeSize {
  width: number;
  height: number;
}

export function autoLayout(graph: WorkflowGraph, sizeOf: (id: string) => NodeSize): LayoutMap {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { ...sizeOf(n.id) });
  for (const e of graph.edges) if (e.source !== e.target) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out: LayoutMap = {};
  for (const n of graph.nodes) {
    const placed = g.node(n.id) as { x: number; y: number; width: number; height: number } | undefined;
    if (placed) out[n.id] = { x: Math.round(placed.x - placed.width / 2), y: Math.round(placed.y - placed.height / 2) };
  }
  return out;
}
