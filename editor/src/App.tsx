// The editor shell: top bar, palette | canvas | properties, run panel, message bar, dialogs, keyboard
// shortcuts, block catalog loading and debounced live validation.
import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import { BlockCatalog } from '../model/catalog.ts';
import { copySteps, isStepClipboard, pasteSteps, type StepClipboard } from '../model/clipboard.ts';
import { removeNodes } from '../model/edit.ts';
import { parseNodeId } from '../model/graph.ts';
import { NO_ERRORS, placeErrors } from '../model/validation.ts';
import { effectiveDefinition } from '../model/canvas-extras.ts';
import { UqlLanguage } from '../model/uql-language.ts';
import { api, ApiError } from './api.ts';
import { Canvas, canvasActions } from './Canvas.tsx';
import { FilesDialog, HelpDialog, WorkflowsDialog } from './dialogs.tsx';
import { Palette } from './Palette.tsx';
import { QuickAdd } from './quick-add.tsx';
import type { LooseWire } from '../model/wire-in.ts';
import { DocName, SaveAsDialog, quickSave, useLeavePrompt } from './session.tsx';
import { StartScreen } from './start-screen.tsx';
import { ComfortMenu, useTheme } from './comfort.tsx';
import { useModelWarnings } from './model-picker.tsx';
import { PanelEdge, usePanels } from './panels.tsx';
import { LightboxHost } from './lightbox.tsx';
import { Properties } from './Properties.tsx';
import { RunPanel } from './RunPanel.tsx';
import { store, useStore } from './store.ts';

type Dialog = 'files' | 'workflows' | 'help' | 'save-as' | null;

function useCatalog() {
  useEffect(() => {
    api
      .describeBlocks()
      .then((d) => {
        store.catalog = new BlockCatalog(d);
        store.catalogKinds = (d.declared_kinds ?? []).map((k) => k.name).filter((k) => k !== '*');
        store.uql = new UqlLanguage(d.universal_query_language_description);
        store.changed();
      })
      .catch((err) => {
        store.catalogError = (err as Error).message;
        store.changed();
      });
  }, []);
}

/** Every change: validate on the server after a short pause; the newest request wins. */
function useLiveValidation() {
  const s = useStore();
  const definition = s.doc.definition;
  // Bypassed steps are left out of what is validated (the same object when nothing is bypassed).
  const effective = useMemo(
    () => effectiveDefinition(definition, s.doc.layout, s.catalog),
    [definition, s.doc.layout, s.catalog],
  );
  useEffect(() => {
    const abort = new AbortController();
    const timer = setTimeout(async () => {
      store.validating = true;
      store.changed();
      try {
        await api.validate(effective, abort.signal);
        store.errors = NO_ERRORS;
      } catch (err) {
        if (abort.signal.aborted) return;
        store.errors =
          err instanceof ApiError
            ? placeErrors(definition, err.body, err.status)
            : { nodes: {}, general: [`Validation unavailable: ${(err as Error).message}`] };
      }
      store.validating = false;
      store.validatedOnce = true;
      store.changed();
    }, 400);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [effective]); // eslint-disable-line react-hooks/exhaustive-deps
}

let clipboard: StepClipboard | null = null;

function useShortcuts(setDialog: (d: Dialog) => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      const typing = !!target.closest('input, textarea, select, [contenteditable]');
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      // Ctrl+S works everywhere, also while typing in a field.
      if (mod && key === 's') {
        e.preventDefault();
        void quickSave().then((saved) => saved || setDialog('save-as'));
        return;
      }
      if (typing) return;
      if (mod && key === 'z' && !e.shiftKey) store.undo();
      else if (mod && ((key === 'z' && e.shiftKey) || key === 'y')) store.redo();
      else if (mod && key === 'c') {
        const steps = store.selection
          .map(parseNodeId)
          .filter((n) => n.kind === 'step')
          .map((n) => n.name);
        if (!steps.length) return;
        clipboard = copySteps(store.doc, steps);
        void navigator.clipboard?.writeText(JSON.stringify(clipboard)).catch(() => undefined);
        store.say(`Copied ${steps.length} step${steps.length > 1 ? 's' : ''}.`);
      } else if (mod && key === 'v') {
        if (!clipboard || !isStepClipboard(clipboard)) return;
        const clip = clipboard;
        store.apply((d) => {
          const pasted = pasteSteps(d, clip);
          store.select(pasted.names.map((n) => `step:${n}`));
          return pasted.doc;
        });
      } else if (key === 'delete' || key === 'backspace') {
        if (canvasActions.deleteSelectedEdges()) return;
        if (store.selection.length) {
          const ids = store.selection;
          store.select([]);
          store.apply((d) => removeNodes(d, ids));
        }
      } else if (mod) return;
      else if (key === 'l') canvasActions.layout();
      else if (key === 'f') canvasActions.fitView();
      else if (e.key === '?') setDialog('help');
      else if (key === 'escape') setDialog(null);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setDialog]);
}

function ValidationBadge() {
  const s = useStore();
  const count = Object.values(s.errors.nodes).reduce((n, list) => n + list.length, 0) + s.errors.general.length;
  const warnings = Object.values(s.warnings).reduce((n, list) => n + list.length, 0);
  if (!s.validatedOnce)
    return (
      <span className="badge" data-testid="validation-status">
        checking…
      </span>
    );
  return count === 0 ? (
    <span className="badge ok" data-testid="validation-status">
      ✓ valid
      {warnings > 0 && (
        <span className="badge-warn" data-testid="validation-warnings">
          {' '}
          · {warnings} warning{warnings > 1 ? 's' : ''}
        </span>
      )}
    </span>
  ) : (
    <span className="badge bad" data-testid="validation-status">
      {count} problem{count > 1 ? 's' : ''}
      {warnings > 0 && (
        <span className="badge-warn" data-testid="validation-warnings">
          {' '}
          · {warnings} warning{warnings > 1 ? 's' : ''}
        </span>
      )}
    </span>
  );
}

function MessageBar() {
  const s = useStore();
  const lines = [
    ...s.errors.general.map((text) => ({ text, tone: 'error' as const })),
    ...(s.notice ? [s.notice] : []),
  ];
  if (!lines.length) return null;
  return (
    <div className="message-bar" data-testid="message-bar">
      {lines.map((l, i) => (
        <div
          key={i}
          className={`message ${l.tone}`}
          title="Click to dismiss"
          onClick={() => {
            if (l === s.notice) {
              store.notice = null;
              store.changed();
            }
          }}
        >
          {l.text}
        </div>
      ))}
    </div>
  );
}

export function App() {
  const s = useStore();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [runOpen, setRunOpen] = useState(false);
  const [quickAdd, setQuickAdd] = useState<{
    at: { x: number; y: number };
    flowAt: { x: number; y: number };
    wire?: LooseWire;
  } | null>(null);
  const panels = usePanels();
  useCatalog();
  useLiveValidation();
  useModelWarnings();
  useShortcuts(setDialog);
  useLeavePrompt();
  const theme = useTheme();
  // The canvas changes size when the run panel opens or closes: keep the graph in view.
  useEffect(() => {
    const timer = setTimeout(() => canvasActions.fitView(), 60);
    return () => clearTimeout(timer);
  }, [runOpen]);
  return (
    <ReactFlowProvider>
      <div className={`app ${runOpen ? 'with-run' : ''} ${panels.className}`} style={panels.style}>
        <header className="topbar" data-testid="topbar">
          <div className="brand">
            <span className="logo">◆</span> Sightline <span className="muted">Workflow editor</span>
          </div>
          <DocName />
          <div className="toolbar">
            <button onClick={() => store.undo()} disabled={!s.history.canUndo} title="Undo (Ctrl+Z)" data-testid="undo">
              ↶ Undo
            </button>
            <button
              onClick={() => store.redo()}
              disabled={!s.history.canRedo}
              title="Redo (Ctrl+Shift+Z)"
              data-testid="redo"
            >
              ↷ Redo
            </button>
            <span className="sep" />
            <button onClick={() => canvasActions.layout()} title="Auto-layout (L)" data-testid="layout">
              Layout
            </button>
            <button onClick={() => canvasActions.fitView()} title="Fit view (F)">
              Fit
            </button>
            <span className="sep" />
            <button onClick={() => setDialog('files')} data-testid="open-files">
              Import / Export
            </button>
            <button onClick={() => setDialog('workflows')} data-testid="open-workflows">
              Workflows
            </button>
            <button
              onClick={() => void quickSave().then((saved) => saved || setDialog('save-as'))}
              title="Save (Ctrl+S)"
              data-testid="save"
            >
              Save
            </button>
            <ComfortMenu theme={theme} />
            <button onClick={() => setDialog('help')} title="Shortcuts (?)" data-testid="open-help">
              ?
            </button>
            <span className="sep" />
            <ValidationBadge />
            <button
              className="primary-button"
              onClick={() => setRunOpen(!runOpen)}
              data-testid="toggle-run"
              id="toggle-run"
            >
              ▶ Run
            </button>
          </div>
        </header>
        <Palette />
        <PanelEdge side="palette" panels={panels} />
        <PanelEdge side="props" panels={panels} />
        <main className="center">
          <Canvas onQuickAdd={(at, flowAt, wire) => setQuickAdd({ at, flowAt, wire })} />
          {s.graph.nodes.length === 0 && (
            <StartScreen
              onOpened={() => setRunOpen(true)}
              onImport={() => setDialog('files')}
              onBrowse={() => setDialog('workflows')}
            />
          )}
          <MessageBar />
        </main>
        <Properties />
        {runOpen && <RunPanel key={s.loads} onClose={() => setRunOpen(false)} />}
      </div>
      {quickAdd && (
        <QuickAdd at={quickAdd.at} flowAt={quickAdd.flowAt} wire={quickAdd.wire} onClose={() => setQuickAdd(null)} />
      )}
      {dialog === 'save-as' && <SaveAsDialog onClose={() => setDialog(null)} />}
      <LightboxHost />
      {dialog === 'files' && <FilesDialog onClose={() => setDialog(null)} />}
      {dialog === 'workflows' && <WorkflowsDialog onClose={() => setDialog(null)} />}
      {dialog === 'help' && <HelpDialog onClose={() => setDialog(null)} />}
    </ReactFlowProvider>
  );
}
