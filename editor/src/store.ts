// Editor state outside React: the document with its undo history, the block catalog, selection, placed
// validation errors, transient messages and which saved workflow is open. Components subscribe via useStore.
import { useSyncExternalStore } from 'react';
import { BlockCatalog } from '../model/catalog.ts';
import { definitionToGraph, type WorkflowGraph } from '../model/graph.ts';
import { History } from '../model/history.ts';
import { NO_ERRORS, type PlacedErrors } from '../model/validation.ts';
import { UqlLanguage } from '../model/uql-language.ts';
import { emptyDefinition, type EditorDocument } from '../model/types.ts';

export interface Notice {
  text: string;
  tone: 'info' | 'error' | 'success';
  id: number;
}

export interface OpenWorkflow {
  workspace: string;
  id: string;
  version: number | string | null;
}

const DRAFT_KEY = 'sightline-editor-draft';
/** Which saved workflow is open and what it looked like when last saved/opened (for the unsaved marker). */
const SESSION_KEY = 'sightline-editor-session';

function restoreSession(): { open: OpenWorkflow | null; saved: string | null } {
  try {
    const parsed = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null');
    if (parsed && typeof parsed === 'object') return { open: parsed.open ?? null, saved: parsed.saved ?? null };
  } catch {
    /* nothing open */
  }
  return { open: null, saved: null };
}

const snapshotOf = (doc: EditorDocument) => JSON.stringify({ d: doc.definition, l: doc.layout });

function restoreDraft(): EditorDocument {
  try {
    const raw = localStorage.getItem(DRAFT_KEY);
    if (raw) {
      const parsed = JSON.parse(raw) as EditorDocument;
      if (parsed?.definition && Array.isArray(parsed.definition.steps)) return parsed;
    }
  } catch {
    /* start empty */
  }
  return { definition: emptyDefinition(), layout: {} };
}

export class EditorStore {
  readonly history = new History<EditorDocument>(restoreDraft());
  catalog = new BlockCatalog(null);
  catalogError: string | null = null;
  /** Kind names the server declares (for input kind pickers). */
  catalogKinds: string[] = [];
  /** UQL operations and operators from describe (for the condition builder). */
  uql = new UqlLanguage(null);
  selection: string[] = [];
  errors: PlacedErrors = NO_ERRORS;
  validating = false;
  validatedOnce = false;
  notice: Notice | null = null;
  /** Advisory findings that do not make the workflow invalid (a model id not installed here), by node id. */
  warnings: Record<string, Array<{ property: string | null; message: string }>> = {};
  open: OpenWorkflow | null = restoreSession().open;
  private savedSnapshot: string = restoreSession().saved ?? snapshotOf({ definition: emptyDefinition(), layout: {} });
  private dirtyCache: { doc: EditorDocument; dirty: boolean } | null = null;
  /** Counts canvas replacements (results of the previous workflow are dropped on each). */
  loads = 0;
  private graphCache: { doc: EditorDocument; catalog: BlockCatalog; graph: WorkflowGraph } | null = null;
  private listeners = new Set<() => void>();
  private revision = 0;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;

  get doc(): EditorDocument {
    return this.history.present;
  }

  get graph(): WorkflowGraph {
    const doc = this.doc;
    if (this.graphCache?.doc !== doc || this.graphCache.catalog !== this.catalog)
      this.graphCache = {
        doc,
        catalog: this.catalog,
        graph: definitionToGraph(doc.definition, doc.layout, this.catalog),
      };
    return this.graphCache.graph;
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getRevision = () => this.revision;

  changed(): void {
    this.revision++;
    for (const l of this.listeners) l();
  }

  /** Apply an edit as one undoable step (edits with the same coalesceKey in a row merge). */
  apply(edit: (doc: EditorDocument) => EditorDocument, coalesceKey: string | null = null): void {
    try {
      const next = edit(this.doc);
      if (next === this.doc) return;
      this.history.push(next, coalesceKey);
      this.persist();
      this.changed();
    } catch (err) {
      this.say((err as Error).message, 'error');
    }
  }

  /** Replace the canvas (open, import, restore). Undoable: Ctrl+Z brings the previous canvas back. */
  load(doc: EditorDocument, open: OpenWorkflow | null = this.open): void {
    this.history.push(doc);
    this.loads++;
    this.open = open;
    this.selection = [];
    this.savedSnapshot = snapshotOf(doc);
    this.persist();
    this.changed();
  }

  /** Changes since the workflow was last saved or opened (an empty new canvas has none). */
  get dirty(): boolean {
    const doc = this.doc;
    if (this.dirtyCache?.doc !== doc) this.dirtyCache = { doc, dirty: snapshotOf(doc) !== this.savedSnapshot };
    return this.dirtyCache.dirty;
  }

  /** The current canvas was saved as `open`. */
  markSaved(open: OpenWorkflow): void {
    this.open = open;
    this.savedSnapshot = snapshotOf(this.doc);
    this.dirtyCache = null;
    this.persist();
    this.changed();
  }

  undo(): void {
    this.history.undo();
    this.persist();
    this.changed();
  }

  redo(): void {
    this.history.redo();
    this.persist();
    this.changed();
  }

  select(ids: string[]): void {
    if (ids.length === this.selection.length && ids.every((id, i) => id === this.selection[i])) return;
    this.selection = ids;
    this.changed();
  }

  say(text: string, tone: Notice['tone'] = 'info', ms = 6000): void {
    this.notice = { text, tone, id: (this.notice?.id ?? 0) + 1 };
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => {
      this.notice = null;
      this.changed();
    }, ms);
    this.changed();
  }

  private persist(): void {
    try {
      localStorage.setItem(DRAFT_KEY, JSON.stringify(this.doc));
      localStorage.setItem(SESSION_KEY, JSON.stringify({ open: this.open, saved: this.savedSnapshot }));
    } catch {
      /* storage full or disabled: the draft is just not kept */
    }
  }
}

export const store = new EditorStore();

/** Re-render on any store change. */
export function useStore(): EditorStore {
  useSyncExternalStore(store.subscribe, store.getRevision);
  return store;
}
