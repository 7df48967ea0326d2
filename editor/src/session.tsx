// Not losing work: the unsaved-changes marker, the prompt before something replaces unsaved changes (open,
// import, example, leaving the page), Ctrl+S (saves a new version, asking for a name the first time).
import { useEffect, useState } from 'react';
import { EXAMPLES_WORKSPACE } from '../model/workspaces.ts';
import { api, ApiError } from './api.ts';
import { Modal } from './dialogs.tsx';
import { store, useStore } from './store.ts';

/** True when nothing unsaved would be lost, or the user agrees to lose it. */
export function confirmDiscard(what: string): boolean {
  if (!store.dirty) return true;
  const name = store.open ? `${store.open.workspace}/${store.open.id}` : 'this untitled workflow';
  return window.confirm(
    `${what} replaces the canvas. Unsaved changes to ${name} will be lost (Undo brings them back). Continue?`,
  );
}

/** Saves the canvas as a new version of `workspace/id`; returns an error message or null. */
export async function saveAs(workspace: string, id: string, message?: string): Promise<string | null> {
  if (!/^[\w-]+$/.test(id)) return 'Name: letters, digits, _ and - only.';
  const same = store.open && store.open.workspace === workspace && store.open.id === id;
  const body = {
    definition: store.doc.definition,
    layout: store.doc.layout,
    base_version: same ? (store.open!.version ?? undefined) : undefined,
    message,
  };
  try {
    let saved;
    let draft = false;
    try {
      saved = await api.saveWorkflow(workspace, id, body);
    } catch (err) {
      // Work in progress that does not validate yet is kept as a draft version rather than refused.
      if (!(err instanceof ApiError) || err.status !== 400) throw err;
      saved = await api.saveWorkflow(workspace, id, { ...body, draft: true });
      draft = true;
    }
    store.markSaved({ workspace, id, version: saved.version });
    store.say(
      draft
        ? `Saved ${workspace}/${id} as draft version ${saved.version} (it does not validate yet).`
        : `Saved ${workspace}/${id} (version ${saved.version}).`,
      'success',
    );
    return null;
  } catch (err) {
    if (err instanceof ApiError && err.status === 409)
      return `Someone saved a newer version of ${workspace}/${id}; open it, or save under another name.`;
    return (err as Error).message;
  }
}

/** Ctrl+S: save the open workflow, or ask for a name (returns false when a name is needed). */
export async function quickSave(): Promise<boolean> {
  const open = store.open;
  if (!open || open.workspace === EXAMPLES_WORKSPACE) return false;
  const problem = await saveAs(open.workspace, open.id);
  if (problem) store.say(problem, 'error', 10_000);
  return true;
}

export function SaveAsDialog(props: { onClose: () => void }) {
  const s = useStore();
  const [id, setId] = useState(s.open?.workspace === EXAMPLES_WORKSPACE ? `my-${s.open.id}` : (s.open?.id ?? ''));
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const problem = await saveAs('default', id.trim());
    if (problem) setError(problem);
    else props.onClose();
  };
  return (
    <Modal title="Save workflow" onClose={props.onClose} testid="save-as-dialog">
      <div className="field">
        <label>Name</label>
        <input
          autoFocus
          className="input mono"
          value={id}
          placeholder="e.g. count-people"
          onChange={(e) => setId(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void submit()}
          data-testid="save-as-name"
        />
        <div className="field-help">Saved in the workspace “default”; Ctrl+S saves new versions from now on.</div>
      </div>
      {error && (
        <div className="field-error" data-testid="save-as-error">
          {error}
        </div>
      )}
      <div className="row">
        <button className="primary-button" onClick={() => void submit()} data-testid="save-as-save">
          Save
        </button>
      </div>
    </Modal>
  );
}

/** The document's name with a dot when it has unsaved changes. */
export function DocName() {
  const s = useStore();
  return (
    <div className="doc-name" data-testid="doc-name">
      {s.open ? `${s.open.workspace} / ${s.open.id}` : 'Untitled workflow'}
      {s.open?.version != null && <span className="muted"> · v{String(s.open.version)}</span>}
      {s.dirty && (
        <span className="unsaved" title="Unsaved changes (Ctrl+S saves)" data-testid="unsaved-marker">
          ● unsaved
        </span>
      )}
    </div>
  );
}

/** The browser asks before leaving the page with unsaved changes (the draft is kept anyway). */
export function useLeavePrompt(): void {
  useEffect(() => {
    const onLeave = (e: BeforeUnloadEvent) => {
      if (!store.dirty) return;
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onLeave);
    return () => window.removeEventListener('beforeunload', onLeave);
  }, []);
}
