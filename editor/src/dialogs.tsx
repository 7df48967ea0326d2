// Modal dialogs: import/export JSON, saved workflows (save, open, versions, restore) and keyboard help.
import { useEffect, useState, type ReactNode } from 'react';
import { definitionToGraph } from '../model/graph.ts';
import { autoLayout } from '../model/layout.ts';
import { estimatedSizes } from '../model/node-size.ts';
import {
  EXAMPLES_WORKSPACE,
  saveWorkspaceFor,
  saveWorkspaceProblem,
  workflowDescription,
} from '../model/workspaces.ts';
import type { EditorDocument, LayoutMap, WorkflowDefinition } from '../model/types.ts';
import { api, ApiError, workflowItems, type WorkflowVersion } from './api.ts';
import { canvasActions } from './Canvas.tsx';
import { store, useStore } from './store.ts';
import { confirmDiscard } from './session.tsx';
import { effectiveDefinition, isExtraId } from '../model/canvas-extras.ts';

export function Modal(props: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testid: string;
  wide?: boolean;
}) {
  return (
    <div className="modal-backdrop" onMouseDown={props.onClose}>
      <div
        className={`modal ${props.wide ? 'wide' : ''}`}
        data-testid={props.testid}
        onMouseDown={(e) => e.stopPropagation()}
      >
        <div className="modal-head">
          <h3>{props.title}</h3>
          <button className="icon-button" onClick={props.onClose} data-testid="modal-close">
            ×
          </button>
        </div>
        <div className="modal-body">{props.children}</div>
      </div>
    </div>
  );
}

/** A loaded definition gets its saved layout (nodes it misses are laid out afresh), or a fresh auto-layout
 *  sized from what each node will draw (nothing is measured yet). */
export function documentFor(definition: WorkflowDefinition, layout: LayoutMap | null | undefined): EditorDocument {
  const graph = definitionToGraph(definition, {}, store.catalog);
  const saved = Object.fromEntries(graph.nodes.filter((n) => layout?.[n.id]).map((n) => [n.id, layout![n.id]]));
  // Sticky notes and groups travel in the layout too.
  const extras = Object.fromEntries(Object.entries(layout ?? {}).filter(([id]) => isExtraId(id)));
  if (Object.keys(saved).length === graph.nodes.length) return { definition, layout: { ...saved, ...extras } };
  return { definition, layout: { ...autoLayout(graph, estimatedSizes(graph, store.catalog)), ...saved, ...extras } };
}

function parseDefinition(text: string): WorkflowDefinition {
  const parsed = JSON.parse(text) as unknown;
  // Accept a bare definition or a wrapper that holds one (`specification`, `definition`).
  const def =
    (parsed as { specification?: unknown; definition?: unknown })?.specification ??
    (parsed as { definition?: unknown })?.definition ??
    parsed;
  if (!def || typeof def !== 'object' || !Array.isArray((def as WorkflowDefinition).steps))
    throw new Error('Expected a workflow definition with "steps", "inputs" and "outputs".');
  return def as WorkflowDefinition;
}

export function FilesDialog(props: { onClose: () => void }) {
  const s = useStore();
  // Bypassed steps are left out of the exported definition.
  const exported = JSON.stringify(effectiveDefinition(s.doc.definition, s.doc.layout, s.catalog), null, 2);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const importText = (t: string) => {
    try {
      const def = parseDefinition(t);
      if (!confirmDiscard('Importing')) return;
      store.load(documentFor(def, null), null);
      store.say('Workflow imported.', 'success');
      props.onClose();
      setTimeout(() => canvasActions.fitView(), 80);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Modal title="Import / export JSON" onClose={props.onClose} testid="files-dialog" wide>
      <div className="two-col">
        <div>
          <h4>Import</h4>
          <textarea
            className="input json-input"
            rows={16}
            placeholder="Paste a workflow definition…"
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="import-text"
          />
          {error && (
            <div className="field-error" data-testid="import-error">
              {error}
            </div>
          )}
          <div className="row">
            <button className="primary-button" onClick={() => importText(text)} data-testid="import-button">
              Import
            </button>
            <label className="small-button file-button">
              Open file…
              <input
                type="file"
                accept=".json,application/json"
                data-testid="import-file"
                onChange={async (e) => {
                  const f = e.target.files?.[0];
                  if (f) importText(await f.text());
                }}
              />
            </label>
          </div>
        </div>
        <div>
          <h4>Export</h4>
          <textarea className="input json-input" rows={16} readOnly value={exported} data-testid="export-text" />
          <div className="row">
            <button
              className="small-button"
              onClick={() =>
                void navigator.clipboard?.writeText(exported).then(() => store.say('Copied to clipboard.', 'success'))
              }
            >
              Copy
            </button>
            <a
              className="small-button"
              download={`${s.open?.id ?? 'workflow'}.json`}
              href={`data:application/json;charset=utf-8,${encodeURIComponent(exported)}`}
              data-testid="export-download"
            >
              Download
            </a>
          </div>
        </div>
      </div>
    </Modal>
  );
}

export function WorkflowsDialog(props: { onClose: () => void }) {
  const s = useStore();
  const [workspace, setWorkspace] = useState(s.open?.workspace ?? 'default');
  const [id, setId] = useState(s.open?.id ?? '');
  const [message, setMessage] = useState('');
  const [draft, setDraft] = useState(false);
  const [items, setItems] = useState<ReturnType<typeof workflowItems>>([]);
  const [versions, setVersions] = useState<WorkflowVersion[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [workspaces, setWorkspaces] = useState<Array<{ name: string; workflows: number }>>([]);
  const [saveWorkspace, setSaveWorkspace] = useState(saveWorkspaceFor(workspace));
  const [descriptions, setDescriptions] = useState<Record<string, string>>({});
  useEffect(
    () =>
      void api.listWorkspaces().then(
        (r) => setWorkspaces(r.workspaces),
        () => undefined,
      ),
    [],
  );
  useEffect(() => setSaveWorkspace(saveWorkspaceFor(workspace)), [workspace]);

  const refresh = async () => {
    try {
      const listed = workflowItems(await api.listWorkflows(workspace));
      setItems(listed);
      void describe(workspace, listed).then((found) => setDescriptions((prev) => ({ ...prev, ...found })));
      if (id) setVersions((await api.versions(workspace, id).catch(() => ({ versions: [] }))).versions);
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  useEffect(() => void refresh(), [workspace]); // eslint-disable-line react-hooks/exhaustive-deps

  const open = async (wid: string) => {
    try {
      if (!confirmDiscard(`Opening ${workspace}/${wid}`)) return;
      const saved = await api.getWorkflow(workspace, wid);
      store.load(documentFor(saved.definition, saved.layout), { workspace, id: wid, version: saved.version });
      setTimeout(() => canvasActions.fitView(), 80);
      setId(wid);
      setVersions((await api.versions(workspace, wid)).versions);
      store.say(`Opened ${workspace}/${wid} (version ${saved.version}).`, 'success');
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const save = async () => {
    if (!/^[\w-]+$/.test(id)) return setError('Workflow id: letters, digits, _ and - only.');
    const target = saveWorkspace.trim();
    const problem = saveWorkspaceProblem(target);
    if (problem) return setError(problem);
    try {
      const base =
        s.open && s.open.workspace === target && s.open.id === id ? (s.open.version ?? undefined) : undefined;
      const saved = await api.saveWorkflow(target, id, {
        definition: s.doc.definition,
        layout: s.doc.layout,
        base_version: base,
        message: message || undefined,
        draft,
      });
      store.markSaved({ workspace: target, id, version: saved.version });
      store.say(`Saved ${target}/${id} as version ${saved.version}.`, 'success');
      setMessage('');
      // Show where it went (the list follows the workspace field; the effect refreshes it).
      if (target !== workspace) setWorkspace(target);
      else await refresh();
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 409
          ? `Conflict: ${err.message} Someone saved a newer version; open it, or save under another id.`
          : (err as Error).message,
      );
    }
  };

  const restore = async (version: number | string) => {
    try {
      const saved = await api.restore(workspace, id, version);
      const again = saved?.definition ? saved : await api.getWorkflow(workspace, id);
      store.load(documentFor(again.definition, again.layout), { workspace, id, version: again.version });
      store.say(`Restored version ${version} (now version ${again.version}).`, 'success');
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <Modal title="Saved workflows" onClose={props.onClose} testid="workflows-dialog" wide>
      <div className="two-col">
        <div>
          <div className="field">
            <label>Workspace</label>
            <input
              className="input"
              value={workspace}
              onChange={(e) => setWorkspace(e.target.value)}
              data-testid="ws-workspace"
            />
            <div className="chips">
              {workspaces
                .filter((w) => w.name !== workspace)
                .map((w) => (
                  <button
                    className="chip chip-button"
                    key={w.name}
                    onClick={() => setWorkspace(w.name)}
                    data-testid={`ws-pick-${w.name}`}
                    title={`Show the workflows of '${w.name}'`}
                  >
                    {w.name} <span className="muted">{w.workflows}</span>
                  </button>
                ))}
            </div>
          </div>
          <h4>Workflows</h4>
          <div className="list" data-testid="ws-list">
            {items.length === 0 && <div className="muted">None saved yet.</div>}
            {items.map((w) => (
              <div className={`list-item ${w.id === s.open?.id ? 'current' : ''}`} key={w.id}>
                <span className="list-text">
                  <span className="mono">{w.id}</span>
                  {descriptions[`${workspace}/${w.id}`] && (
                    <span
                      className="list-desc muted"
                      title={descriptions[`${workspace}/${w.id}`]}
                      data-testid={`ws-desc-${w.id}`}
                    >
                      {descriptions[`${workspace}/${w.id}`]}
                    </span>
                  )}
                </span>
                <button className="small-button" onClick={() => void open(w.id)} data-testid={`ws-open-${w.id}`}>
                  Open
                </button>
              </div>
            ))}
          </div>
        </div>
        <div>
          <h4>Save current workflow</h4>
          <div className="field">
            <label>Save to workspace</label>
            <input
              className="input mono"
              value={saveWorkspace}
              onChange={(e) => setSaveWorkspace(e.target.value)}
              data-testid="ws-save-workspace"
            />
            {workspace === EXAMPLES_WORKSPACE && (
              <div className="field-help" data-testid="ws-examples-note">
                The examples stay as shipped: an edited example is saved as a copy in another workspace.
              </div>
            )}
          </div>
          <div className="field">
            <label>Id</label>
            <input className="input mono" value={id} onChange={(e) => setId(e.target.value)} data-testid="ws-id" />
          </div>
          <div className="field">
            <label>Message</label>
            <input
              className="input"
              value={message}
              onChange={(e) => setMessage(e.target.value)}
              data-testid="ws-message"
            />
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={draft} onChange={(e) => setDraft(e.target.checked)} /> Save as draft
          </label>
          <div className="row">
            <button className="primary-button" onClick={() => void save()} data-testid="ws-save">
              Save
            </button>
          </div>
          <h4>Versions {id && <span className="muted">of {id}</span>}</h4>
          <div className="list" data-testid="ws-versions">
            {versions.length === 0 && <div className="muted">No versions.</div>}
            {[...versions].reverse().map((v) => (
              <div className="list-item" key={String(v.version)}>
                <span>
                  <b>v{String(v.version)}</b> {v.draft ? <span className="chip">draft</span> : null}{' '}
                  <span className="muted">{v.created_at ? new Date(v.created_at).toLocaleString() : ''}</span>
                  <div className="muted">
                    {v.message ?? ''}
                    {v.author ? ` — ${v.author}` : ''}
                  </div>
                </span>
                {s.open?.id === id && String(s.open.version) === String(v.version) ? (
                  <span className="chip">current</span>
                ) : (
                  <button
                    className="small-button"
                    onClick={() => void restore(v.version)}
                    data-testid={`ws-restore-${v.version}`}
                  >
                    Restore
                  </button>
                )}
              </div>
            ))}
          </div>
        </div>
      </div>
      {error && (
        <div className="field-error" data-testid="ws-error">
          {error}
        </div>
      )}
    </Modal>
  );
}

const DESCRIBED_AT_MOST = 50;

/** Each listed workflow's description, keyed `workspace/id`: the list's own field when it has one, else its first version's
 *  message, else its definition's `description` (one or two reads per workflow, the first 50 only). */
async function describe(workspace: string, items: ReturnType<typeof workflowItems>): Promise<Record<string, string>> {
  const found = await Promise.all(
    items.slice(0, DESCRIBED_AT_MOST).map(async (item) => {
      try {
        const own = workflowDescription((item as { description?: unknown }).description, null);
        if (own) return [`${workspace}/${item.id}`, own] as const;
        const first = (await api.versions(workspace, item.id)).versions[0];
        const fromMessage = workflowDescription(first?.message, null);
        if (fromMessage) return [`${workspace}/${item.id}`, fromMessage] as const;
        const latest = await api.getWorkflow(workspace, item.id);
        return [`${workspace}/${item.id}`, workflowDescription(null, latest.definition)] as const;
      } catch {
        return [`${workspace}/${item.id}`, null] as const;
      }
    }),
  );
  const described: Record<string, string> = {};
  for (const [key, text] of found) if (text) described[key] = text;
  return described;
}

export const SHORTCUTS: Array<[string, string]> = [
  ['Ctrl+S', 'Save (asks for a name the first time)'],
  ['Ctrl+Z', 'Undo (also brings back a canvas replaced by open or import)'],
  ['Ctrl+Shift+Z / Ctrl+Y', 'Redo'],
  ['Ctrl+C', 'Copy selected steps'],
  ['Ctrl+V', 'Paste steps (internal wiring kept)'],
  ['Delete / Backspace', 'Delete selected nodes or wires'],
  ['L', 'Auto-layout'],
  ['F', 'Fit view'],
  ['?', 'This help'],
  ['Double-click canvas', 'Search and add a block (↑ ↓ choose, Enter adds)'],
  ['Drag a port onto empty canvas', 'Search blocks that take it; the new block is wired in'],
  ['Click a wire, then Delete', 'Remove the wire'],
  ['Ctrl+click', 'Add a node to the selection'],
  ['Shift+drag', 'Select several nodes with a box'],
];

export function HelpDialog(props: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={props.onClose} testid="help-dialog">
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map(([k, d]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{d}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        Wire an output port (right side of a node) into an input port (left side). While you drag, ports that accept the
        kind turn green; incompatible ones turn red and the connection is refused with the reason.
      </p>
    </Modal>
  );
}
