// What an empty canvas shows: the shipped examples as cards (a sketch of what each produces, the blocks it
// uses; one click opens it with the run panel ready), plus New workflow, Import and the saved workflows.
import { useEffect, useState } from 'react';
import { addInput } from '../model/edit.ts';
import { EXAMPLES_WORKSPACE, workflowDescription } from '../model/workspaces.ts';
import type { WorkflowDefinition } from '../model/types.ts';
import { api, workflowItems } from './api.ts';
import { canvasActions } from './Canvas.tsx';
import { documentFor } from './dialogs.tsx';
import { confirmDiscard } from './session.tsx';
import { store, useStore } from './store.ts';

interface Example {
  id: string;
  version: number | string;
  description: string;
  definition: WorkflowDefinition;
}

const title = (id: string) => id.replace(/[-_]+/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** A small drawing of what the workflow's result looks like, from the blocks it uses. */
function Sketch({ definition }: { definition: WorkflowDefinition }) {
  const types = definition.steps.map((s) => s.type);
  const has = (part: string) => types.some((t) => t.includes(part));
  const people = [
    [38, 30],
    [88, 24],
    [132, 34],
  ];
  return (
    <svg viewBox="0 0 180 100" className="example-sketch" aria-hidden="true">
      <rect width="180" height="100" rx="6" className="sketch-bg" />
      <rect y="70" width="180" height="30" className="sketch-ground" />
      {!has('ocr_model') || has('object_detection')
        ? people.map(([x, y], i) => (
            <g key={i} className={has('blur') ? 'sketch-blurred' : ''}>
              <circle cx={x} cy={y + 8} r="7" className="sketch-figure" />
              <rect x={x - 9} y={y + 17} width="18" height="30" rx="6" className="sketch-figure" />
              {(has('bounding_box') || has('dynamic_crop')) && (
                <rect x={x - 14} y={y - 3} width="28" height="55" className="sketch-box" />
              )}
              {has('label_visualization') && (
                <rect x={x - 14} y={y - 11} width="22" height="8" className="sketch-label" />
              )}
            </g>
          ))
        : [20, 34, 48, 62].map((y, i) => (
            <rect key={y} x="24" y={y} width={130 - i * 17} height="7" rx="2" className="sketch-text" />
          ))}
      {has('property_definition') && (
        <g>
          <rect x="112" y="72" width="62" height="22" rx="5" className="sketch-chip" />
          <text x="143" y="87" textAnchor="middle" className="sketch-chip-text">
            count: 3
          </text>
        </g>
      )}
      {has('ocr_model') && has('object_detection') && (
        <g>
          <rect x="6" y="72" width="70" height="22" rx="5" className="sketch-chip" />
          <text x="41" y="87" textAnchor="middle" className="sketch-chip-text">
            “text” ×3
          </text>
        </g>
      )}
    </svg>
  );
}

export function StartScreen(props: { onOpened: () => void; onImport: () => void; onBrowse: () => void }) {
  const s = useStore();
  const [examples, setExamples] = useState<Example[] | null>(null);
  useEffect(() => {
    let alive = true;
    (async () => {
      const items = workflowItems(await api.listWorkflows(EXAMPLES_WORKSPACE).catch(() => []));
      const loaded = await Promise.all(
        items.map(async (item) => {
          try {
            const [saved, versions] = await Promise.all([
              api.getWorkflow(EXAMPLES_WORKSPACE, item.id),
              api.versions(EXAMPLES_WORKSPACE, item.id).catch(() => ({ versions: [] })),
            ]);
            const description =
              workflowDescription(versions.versions[0]?.message, saved.definition) ??
              workflowDescription(null, saved.definition) ??
              '';
            return { id: item.id, version: saved.version, description, definition: saved.definition };
          } catch {
            return null;
          }
        }),
      );
      if (alive) setExamples(loaded.filter((e): e is Example => e !== null));
    })();
    return () => {
      alive = false;
    };
  }, []);

  const open = (ex: Example) => {
    if (!confirmDiscard('Opening an example')) return;
    store.load(documentFor(ex.definition, null), { workspace: EXAMPLES_WORKSPACE, id: ex.id, version: ex.version });
    store.say(`Opened the example “${title(ex.id)}”. Give it an image and press Run workflow.`, 'success');
    setTimeout(() => canvasActions.fitView(), 80);
    props.onOpened();
  };

  const fresh = () => {
    store.apply((d) => addInput(d, 'WorkflowImage', { x: 0, y: 0 }).doc);
    setTimeout(() => canvasActions.fitView(), 80);
  };

  return (
    <div className="start-screen" data-testid="start-screen">
      <div className="start-inner">
        <h2>Start a workflow</h2>
        <div className="start-actions">
          <button className="primary-button" onClick={fresh} data-testid="start-new">
            + New workflow
          </button>
          <button className="small-button" onClick={props.onImport} data-testid="start-import">
            Import JSON…
          </button>
          <button className="small-button" onClick={props.onBrowse} data-testid="start-browse">
            Saved workflows…
          </button>
        </div>
        <p className="muted">
          Or open an example: it opens with the run panel ready, give it a photo and press Run. Blocks come from the
          palette on the left, or double-click the canvas and type what you want (“detect”, “crop”, “count”).
        </p>
        <div className="example-cards" data-testid="example-cards">
          {examples === null && <div className="muted">Loading examples…</div>}
          {examples?.length === 0 && <div className="muted">No examples on this server.</div>}
          {examples?.map((ex) => (
            <button key={ex.id} className="example-card" onClick={() => open(ex)} data-testid={`example-${ex.id}`}>
              <Sketch definition={ex.definition} />
              <span className="example-title">{title(ex.id)}</span>
              <span className="example-desc">{ex.description.split(/(?<=\.)\s/)[0]}</span>
              <span className="example-blocks">
                {ex.definition.steps.map((st) => s.catalog.get(st.type)?.name ?? st.type).join(' → ')}
              </span>
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
