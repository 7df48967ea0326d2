// Where a node added with "+" goes: the free spot nearest the middle of the visible canvas, judged with
// every node's drawn (or estimated) size, and room for the new node to grow when validation adds error text;
// spots fully in view come first.
import type { BlockCatalog } from './catalog.ts';
import type { WorkflowGraph } from './graph.ts';
import { estimatedSizes } from './node-size.ts';
import type { LayoutMap } from './types.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const GAP = 60;
const ERROR_ROOM = 150;

const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.width + GAP && b.x < a.x + a.width + GAP && a.y < b.y + b.height + GAP && b.y < a.y + a.height + GAP;

/** Top-left for a node of `size` near the centre of `view` (flow coordinates) that covers no other node. */
export function freeSpot(
  graph: WorkflowGraph,
  catalog: BlockCatalog | null,
  layout: LayoutMap,
  view: Rect,
  size = { width: 280, height: 360 },
  measured: (id: string) => { width: number; height: number } | null = () => null,
): { x: number; y: number } {
  const estimate = estimatedSizes(graph, catalog);
  // Drawn size when known (error text makes nodes taller than estimated), else the estimate.
  const taken: Rect[] = graph.nodes.map((n) => {
    const e = estimate(n.id);
    const m = measured(n.id);
    // A step may still grow by a few lines of error text once validated.
    const grow = n.kind === 'step' ? ERROR_ROOM : 0;
    return {
      ...n.position,
      width: Math.max(e.width, m?.width ?? 0),
      height: Math.max(e.height + grow, m?.height ?? 0),
    };
  });
  // Sticky notes count too (groups are meant to hold nodes).
  for (const [id, v] of Object.entries(layout))
    if (id.startsWith('note:')) {
      const note = v as { x: number; y: number; width?: number; height?: number };
      taken.push({ x: note.x, y: note.y, width: note.width ?? 220, height: note.height ?? 120 });
    }
  const cx = view.x + view.width / 2 - size.width / 2;
  const cy = view.y + view.height / 2 - size.height / 2;
  const step = 40;
  const candidates: Array<{ x: number; y: number; d: number; inView: boolean }> = [];
  for (let i = -30; i <= 30; i++)
    for (let j = -20; j <= 20; j++) {
      const x = cx + i * step;
      const y = cy + j * step;
      const inView =
        x >= view.x && y >= view.y && x + size.width <= view.x + view.width && y + size.height <= view.y + view.height;
      candidates.push({ x, y, d: Math.hypot(i * 1.2, j), inView });
    }
  candidates.sort((a, b) => Number(b.inView) - Number(a.inView) || a.d - b.d);
  const free = candidates.find((c) => !taken.some((t) => overlaps({ ...c, ...size }, t)));
  return free ? { x: free.x, y: free.y } : { x: cx, y: cy };
}
