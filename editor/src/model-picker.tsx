// Picking a model without insider knowledge: the installed packages that fit the block's task, with their
// classes, input size and public aliases; the chosen model's classes can be clicked into the class filter.
// Literal ids that are not installed are flagged as warnings while editing.
import { useEffect, useState } from 'react';
import {
  blockTask,
  findInstalled,
  modelIdProblem,
  modelsForTask,
  modelWarnings,
  type InstalledModel,
} from '../model/model-check.ts';
import type { Json, StepDef } from '../model/types.ts';
import { setStepProperty } from '../model/edit.ts';
import { store, useStore } from './store.ts';
import { api } from './api.ts';

let installed: InstalledModel[] | null = null;
let loading: Promise<void> | null = null;

function loadInstalled(): Promise<void> {
  // Through the API client: it carries the server's access key when one is set.
  loading ??= api
    .modelPackages()
    .then((body) => {
      installed = Array.isArray(body.packages) ? (body.packages as InstalledModel[]) : [];
      store.changed();
    })
    .catch(() => {
      installed = [];
    });
  return loading;
}

/** Recompute model-id warnings whenever the definition, catalog or installed list changes. */
export function useModelWarnings(): void {
  const s = useStore();
  const def = s.doc.definition;
  useEffect(() => void loadInstalled(), []);
  useEffect(() => {
    if (!installed) return;
    store.warnings = modelWarnings(def, s.catalog, installed);
    store.changed();
  }, [def, s.catalog, installed]); // eslint-disable-line react-hooks/exhaustive-deps
}

const summary = (m: InstalledModel) =>
  `${m.task_type ?? 'unknown task'} · ${m.classes.length} class${m.classes.length === 1 ? '' : 'es'} · ${m.input_width}×${m.input_height}`;

export function ModelPicker(props: { step: StepDef; value: Json | undefined; onPick: (id: string) => void }) {
  useStore();
  const [open, setOpen] = useState(false);
  const task = blockTask(props.step.type);
  if (!task) return null;
  const models = modelsForTask(installed ?? [], task);
  const current = typeof props.value === 'string' ? findInstalled(installed ?? [], props.value) : undefined;
  const problem = installed ? modelIdProblem(installed, task, props.value) : null;
  const filter = Array.isArray(props.step.class_filter) ? (props.step.class_filter as string[]) : [];
  const toggleClass = (name: string) => {
    const next = filter.includes(name) ? filter.filter((c) => c !== name) : [...filter, name];
    store.apply((d) => setStepProperty(d, props.step.name, 'class_filter', next.length ? next : undefined));
  };
  return (
    <div className="model-picker" data-testid="model-picker">
      {problem && (
        <div className="field-warning" data-testid="model-warning">
          ⚠ {problem}
        </div>
      )}
      <button className="small-button" onClick={() => setOpen(!open)} data-testid="model-picker-toggle">
        {open ? 'Hide installed models' : `Choose an installed model (${models.length})…`}
      </button>
      {open && (
        <div className="model-list" data-testid="model-list">
          {installed === null && <div className="muted">Loading…</div>}
          {installed && models.length === 0 && (
            <div className="muted">
              No {task} model is installed. Import one with <code>npm run models:import</code>.
            </div>
          )}
          {models.map((m) => (
            <button
              key={m.model_id}
              className={`model-option ${current?.model_id === m.model_id ? 'on' : ''}`}
              data-testid={`model-option-${m.model_id}`}
              onClick={() => {
                props.onPick(m.model_id);
                setOpen(false);
              }}
            >
              <span className="mono">{m.model_id}</span>
              {m.aliases.length > 0 && <span className="muted"> also {m.aliases.slice(0, 3).join(', ')}</span>}
              <span className="model-meta">{summary(m)}</span>
              <span className="model-classes">
                {m.classes.slice(0, 8).join(', ')}
                {m.classes.length > 8 ? ` … +${m.classes.length - 8}` : ''}
              </span>
            </button>
          ))}
        </div>
      )}
      {current && !open && (
        <div className="model-current" data-testid="model-current">
          <div className="model-meta">{summary(current)}</div>
          {'class_filter' in
            (store.catalog.get(props.step.type)?.properties ?? []).reduce(
              (acc, p) => ({ ...acc, [p.name]: true }),
              {} as Record<string, boolean>,
            ) && (
            <div className="class-chips" data-testid="class-chips">
              <span className="muted">Keep only:</span>
              {current.classes.slice(0, 24).map((c) => (
                <button
                  key={c}
                  className={`chip chip-button ${filter.includes(c) ? 'on' : ''}`}
                  data-testid={`class-chip-${c}`}
                  onClick={() => toggleClass(c)}
                >
                  {c}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
