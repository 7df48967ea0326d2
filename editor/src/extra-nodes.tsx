// Sticky notes and groups on the canvas (editor metadata in the saved layout, not in the definition):
// a note is editable text, a group a labelled frame drawn behind the nodes; both resize from their corners.
import { NodeResizer, type NodeProps } from '@xyflow/react';
import { patchLayoutEntry, type ExtraMeta } from '../model/canvas-extras.ts';
import { store } from './store.ts';

export type ExtraNodeData = { id: string; meta: ExtraMeta };

function resizeTo(id: string) {
  return (_: unknown, p: { x: number; y: number; width: number; height: number }) =>
    store.apply((d) =>
      patchLayoutEntry(d, id, { x: p.x, y: p.y, width: Math.round(p.width), height: Math.round(p.height) }),
    );
}

export function NoteNode({ data, selected }: NodeProps & { data: ExtraNodeData }) {
  return (
    <div className={`sticky-note ${selected ? 'selected' : ''}`} data-testid={`note-${data.id}`}>
      <NodeResizer isVisible={selected} minWidth={120} minHeight={60} onResizeEnd={resizeTo(data.id)} />
      <textarea
        className="nodrag nowheel"
        placeholder="Note…"
        value={data.meta.text}
        data-testid="note-text"
        onChange={(e) => store.apply((d) => patchLayoutEntry(d, data.id, { text: e.target.value }), `note:${data.id}`)}
      />
    </div>
  );
}

export function GroupNode({ data, selected }: NodeProps & { data: ExtraNodeData }) {
  return (
    <div className={`canvas-group ${selected ? 'selected' : ''}`} data-testid={`group-${data.id}`}>
      <NodeResizer isVisible={selected} minWidth={160} minHeight={100} onResizeEnd={resizeTo(data.id)} />
      <input
        className="group-label nodrag"
        value={data.meta.text}
        data-testid="group-label"
        onChange={(e) => store.apply((d) => patchLayoutEntry(d, data.id, { text: e.target.value }), `group:${data.id}`)}
      />
    </div>
  );
}
