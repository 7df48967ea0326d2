// The graph canvas: nodes from the document, wiring with kind checks, drop-from-palette, double-click to
// search-and-add. Positions are committed to the layout map when a drag ends (one undo step per drag).
import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type Node,
  type NodeChange,
  type OnSelectionChangeParams,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent } from 'react';
import { addInput, addStep, connect, disconnect, moveNodes } from '../model/edit.ts';
import { checkConnection, sourceKinds } from '../model/kinds.ts';
import { FLOW_SOURCE, FLOW_TARGET, parseNodeId } from '../model/graph.ts';
import type { LooseWire } from '../model/wire-in.ts';
import { autoLayout } from '../model/layout.ts';
import { estimatedSizes } from '../model/node-size.ts';
import { nodeTypeOf, nodeTypes, type GraphNodeData } from './nodes.tsx';
import { GroupNode, NoteNode, type ExtraNodeData } from './extra-nodes.tsx';
import { canvasExtras } from '../model/canvas-extras.ts';
import { store, useStore } from './store.ts';

const allNodeTypes = { ...nodeTypes, wfNote: NoteNode, wfGroup: GroupNode };

export const DRAG_BLOCK = 'application/x-sightline-block';
export const DRAG_INPUT = 'application/x-sightline-input';

/** Canvas actions the top bar and keyboard shortcuts call. */
export const canvasActions = {
  fitView: () => {},
  layout: () => {},
  deleteSelectedEdges: () => false as boolean,
  centerPosition: () => ({ x: 0, y: 0 }),
  reveal: (_id: string) => {},
  visibleRect: () => ({ x: 0, y: 0, width: 800, height: 600 }),
  measured: (_id: string): { width: number; height: number } | null => null,
  nodes: (): Node[] => [],
};

export function Canvas(props: {
  onQuickAdd: (screen: { x: number; y: number }, flow: { x: number; y: number }, wire?: LooseWire) => void;
}) {
  const s = useStore();
  const flow = useReactFlow();
  const graph = s.graph;
  const [nodes, setNodes] = useState<Node<GraphNodeData | ExtraNodeData>[]>([]);
  const selectedEdges = useRef<string[]>([]);
  // Edges are derived from the definition, so their selection is kept here (clicking a wire selects it).
  const [edgeSelection, setEdgeSelection] = useState<string[]>([]);
  const wrapper = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setNodes((prev) => {
      const byId = new Map(prev.map((n) => [n.id, n]));
      // Groups first (drawn behind), then the workflow's nodes, then sticky notes.
      const extras = canvasExtras(s.doc.layout).map((x) => ({
        ...(byId.get(x.id) ?? {}),
        id: x.id,
        type: x.kind === 'note' ? 'wfNote' : 'wfGroup',
        position: { x: x.meta.x, y: x.meta.y },
        data: { id: x.id, meta: x.meta },
        style: { width: x.meta.width, height: x.meta.height },
        zIndex: x.kind === 'group' ? -1 : 1,
        selected: s.selection.includes(x.id),
      }));
      return [
        ...extras.filter((x) => x.type === 'wfGroup'),
        ...graph.nodes.map((g) => ({
          ...(byId.get(g.id) ?? {}),
          id: g.id,
          type: nodeTypeOf[g.kind],
          position: g.position,
          data: { node: g },
          selected: s.selection.includes(g.id),
        })),
        ...extras.filter((x) => x.type === 'wfNote'),
      ];
    });
  }, [graph, s.selection, s.doc.layout]);

  const edges: Edge[] = useMemo(
    () =>
      graph.edges.map((e) => ({
        id: e.id,
        source: e.source,
        sourceHandle: e.sourceHandle,
        target: e.target,
        targetHandle: e.targetHandle,
        className: e.control ? 'edge-flow' : 'edge-data',
        animated: e.control,
        selected: edgeSelection.includes(e.id),
        interactionWidth: 16,
      })),
    [graph, edgeSelection],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    setEdgeSelection((current) => {
      let next = current;
      for (const c of changes)
        if (c.type === 'select')
          next = c.selected ? [...next.filter((id) => id !== c.id), c.id] : next.filter((id) => id !== c.id);
      selectedEdges.current = next;
      return next;
    });
  }, []);

  const onNodesChange = useCallback(
    (changes: NodeChange<Node<GraphNodeData | ExtraNodeData>>[]) => {
      setNodes((nds) => applyNodeChanges(changes, nds));
      const moved: Record<string, { x: number; y: number }> = {};
      for (const c of changes)
        if (c.type === 'position' && c.dragging === false && c.position) moved[c.id] = c.position;
      // A drag end reports no position: read the final ones from the canvas.
      for (const c of changes)
        if (c.type === 'position' && c.dragging === false && !c.position) {
          const n = flow.getNode(c.id);
          if (n) moved[c.id] = n.position;
        }
      if (Object.keys(moved).length) store.apply((d) => moveNodes(d, moved));
    },
    [flow],
  );

  const onSelectionChange = useCallback(({ nodes: n, edges: e }: OnSelectionChangeParams) => {
    selectedEdges.current = e.map((x) => x.id);
    store.select(n.map((x) => x.id));
  }, []);

  const onConnect = useCallback((c: Connection) => {
    const source = { node: c.source, handle: c.sourceHandle ?? '' };
    const target = { node: c.target, handle: c.targetHandle ?? '' };
    const verdict = checkConnection(store.doc.definition, store.catalog, source, target);
    if (!verdict.ok) {
      store.say(`Connection refused: ${verdict.reason}`, 'error');
      return;
    }
    // A single-value port takes one wire: say which one the new wire replaces.
    const replaced = store.graph.edges.find(
      (e) =>
        e.target === target.node &&
        e.targetHandle === target.handle &&
        e.key === null &&
        !e.control &&
        !(e.source === source.node && e.sourceHandle === source.handle),
    );
    store.apply((d) => connect(d, store.catalog, source, target));
    if (replaced) store.say(`Replaced the wire from ${replaced.selector} (a ${target.handle} port takes one).`);
  }, []);

  // A wire dropped on empty canvas opens the search, limited to blocks that can take it.
  const onConnectEnd = useCallback(
    (event: globalThis.MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.toNode || state.toHandle || !state.fromHandle || !state.fromNode) return;
      const point = 'changedTouches' in event ? event.changedTouches[0] : event;
      const from = { node: state.fromNode.id, handle: state.fromHandle.id ?? '', type: state.fromHandle.type };
      if (from.handle === FLOW_SOURCE || from.handle === FLOW_TARGET) return;
      let kinds: string[] | null;
      if (from.type === 'source') kinds = sourceKinds(store.doc.definition, store.catalog, from.node, from.handle);
      else {
        const { kind, name } = parseNodeId(from.node);
        if (kind !== 'step') return;
        const step = store.doc.definition.steps.find((x) => x.name === name);
        kinds =
          store.catalog.get(step?.type ?? '')?.properties.find((p) => p.name === from.handle)?.selector?.kinds ?? null;
      }
      if (!kinds) return;
      const screen = { x: point.clientX, y: point.clientY };
      const at = flow.screenToFlowPosition(screen);
      props.onQuickAdd(screen, from.type === 'source' ? at : { x: at.x - 240, y: at.y }, { from, kinds });
    },
    [flow, props],
  );

  useEffect(() => {
    canvasActions.fitView = () => void flow.fitView({ padding: 0.15, duration: 200, maxZoom: 1.1 });
    canvasActions.layout = () => {
      const estimate = estimatedSizes(store.graph, store.catalog);
      const positions = autoLayout(store.graph, (id) => {
        const measured = flow.getNode(id)?.measured;
        return measured?.width && measured.height ? { width: measured.width, height: measured.height } : estimate(id);
      });
      store.apply((d) => moveNodes(d, positions));
      setTimeout(() => canvasActions.fitView(), 50);
    };
    canvasActions.deleteSelectedEdges = () => {
      const gone = store.graph.edges.filter((e) => selectedEdges.current.includes(e.id));
      if (!gone.length) return false;
      store.apply((d) => gone.reduceRight((acc, e) => disconnect(acc, e), d));
      selectedEdges.current = [];
      setEdgeSelection([]);
      return true;
    };
    canvasActions.centerPosition = () => {
      const r = wrapper.current?.getBoundingClientRect();
      return r
        ? flow.screenToFlowPosition({ x: r.left + r.width / 2 - 110, y: r.top + r.height / 2 - 60 })
        : { x: 0, y: 0 };
    };
    canvasActions.nodes = () => flow.getNodes();
    canvasActions.measured = (id: string) => {
      const m = flow.getNode(id)?.measured;
      return m?.width && m.height ? { width: m.width, height: m.height } : null;
    };
    canvasActions.visibleRect = () => {
      const r = wrapper.current?.getBoundingClientRect();
      if (!r) return { x: 0, y: 0, width: 800, height: 600 };
      const a = flow.screenToFlowPosition({ x: r.left + 20, y: r.top + 20 });
      const b = flow.screenToFlowPosition({ x: r.right - 20, y: r.bottom - 20 });
      return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
    };
    canvasActions.reveal = (id: string) => {
      // Once drawn, bring a node that landed (partly) outside the visible canvas into view.
      setTimeout(() => {
        const node = flow.getNode(id);
        const r = wrapper.current?.getBoundingClientRect();
        if (!node || !r) return;
        const w = node.measured?.width ?? 280;
        const h = node.measured?.height ?? 240;
        const a = flow.flowToScreenPosition(node.position);
        const b = flow.flowToScreenPosition({ x: node.position.x + w, y: node.position.y + h });
        if (a.x < r.left || a.y < r.top || b.x > r.right || b.y > r.bottom) canvasActions.fitView();
      }, 200);
    };
  }, [flow]);

  const onDrop = useCallback(
    (event: DragEvent) => {
      event.preventDefault();
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const blockType = event.dataTransfer.getData(DRAG_BLOCK);
      const inputType = event.dataTransfer.getData(DRAG_INPUT);
      if (blockType) {
        store.apply((d) => {
          const added = addStep(d, blockType, position);
          store.select([`step:${added.name}`]);
          return added.doc;
        });
      } else if (inputType) {
        store.apply((d) => addInput(d, inputType, position).doc);
      }
    },
    [flow],
  );

  const onDoubleClick = useCallback(
    (event: MouseEvent) => {
      if (!(event.target as HTMLElement).classList.contains('react-flow__pane')) return;
      props.onQuickAdd(
        { x: event.clientX, y: event.clientY },
        flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }),
      );
    },
    [flow, props],
  );

  return (
    <div className="canvas" ref={wrapper} data-testid="canvas" onDoubleClick={onDoubleClick}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={allNodeTypes}
        onNodesChange={onNodesChange}
        onSelectionChange={onSelectionChange}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onEdgesChange={onEdgesChange}
        isValidConnection={(c) => c.source !== c.target}
        onDrop={onDrop}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }}
        deleteKeyCode={null}
        zoomOnDoubleClick={false}
        fitView
        fitViewOptions={{ maxZoom: 1.1, padding: 0.15 }}
        minZoom={0.2}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} size={1} color="#d5dbe5" />
        <Controls showInteractive={false} />
        {graph.nodes.length > 0 && <MiniMap pannable zoomable nodeStrokeWidth={2} />}
      </ReactFlow>
      {graph.nodes.length === 0 && (
        <div className="canvas-empty" data-testid="canvas-empty">
          <h3>Start building</h3>
          <p>Drag an image input and blocks from the palette, or double-click the canvas to search.</p>
        </div>
      )}
    </div>
  );
}
