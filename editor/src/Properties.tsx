// Right panel: the selected node's form. Step forms come from the block schema; inputs get type, kind and
// default value; outputs pick a step output. Every change is one undoable edit (typing coalesces per field).
import { useEffect, useState } from 'react';
import { stepKeyFor, type PropertyInfo } from '../model/catalog.ts';
import { addOutput, renameStep, setStepProperty, updateInput, updateOutput } from '../model/edit.ts';
import { parseNodeId, selectorSource } from '../model/graph.ts';
import { checkProperty, inputKinds, sourceKinds } from '../model/kinds.ts';
import { inputSelector, stepOutputSelector, stepSelector } from '../model/selectors.ts';
import type { InputDef, Json, OutputDef, StepDef, WorkflowDefinition } from '../model/types.ts';
import type { BlockCatalog } from '../model/catalog.ts';
import { DictField, ListField } from './collection-fields.tsx';
import { CommitInput, JsonInput, LiteralInput, SourceSelect, type SourceOption } from './fields.tsx';
import { BlockDocs } from './Palette.tsx';
import { UqlField } from './uql-field.tsx';
import { uqlPropertyRole } from '../model/uql-language.ts';
import { asEntries } from '../model/entries.ts';
import { store, useStore } from './store.ts';
import { ModelPicker } from './model-picker.tsx';
import { patchLayoutEntry, stepFlags } from '../model/canvas-extras.ts';

function sourcesFor(
  def: WorkflowDefinition,
  catalog: BlockCatalog,
  prop: PropertyInfo,
  stepName: string,
): SourceOption[] {
  const out: SourceOption[] = [];
  for (const i of def.inputs) {
    const v = checkProperty(prop, inputKinds(i), `input '${i.name}'`, stepName);
    out.push({ selector: inputSelector(i.name), label: `$inputs.${i.name}`, ok: v.ok, reason: v.reason });
  }
  for (const s of def.steps) {
    if (s.name === stepName) continue;
    for (const o of catalog.get(s.type)?.outputs ?? []) {
      const v = checkProperty(prop, o.kinds, `'${s.name}.${o.name}'`, stepName);
      out.push({
        selector: stepOutputSelector(s.name, o.name),
        label: `${s.name}.${o.name}`,
        ok: v.ok,
        reason: v.reason,
      });
    }
  }
  return out;
}

/** Kinds of a step's `data` when its `operations` chain starts from it (null when unknown). */
function chainInputKinds(def: WorkflowDefinition, catalog: BlockCatalog, step: StepDef, prop: string): string[] | null {
  if (prop !== 'operations' || typeof step.data !== 'string') return null;
  const from = selectorSource(def, step.data);
  return from && !from.control ? sourceKinds(def, catalog, from.node, from.handle) : null;
}

function PropertyField(props: { step: StepDef; prop: PropertyInfo; error?: string }) {
  const s = useStore();
  const { step, prop } = props;
  const key = stepKeyFor(step, s.catalog.get(step.type), prop.name);
  const value = step[key] as Json | undefined;
  const set = (v: Json | undefined) =>
    store.apply((d) => setStepProperty(d, step.name, key, v), `prop:${step.name}:${key}`);
  const isSelector = typeof value === 'string' && value.startsWith('$');
  const sel = prop.selector;
  const [linkMode, setLinkMode] = useState(isSelector || (prop.literal === null && !!sel));
  // Follow outside changes (wiring on the canvas, undo) without flipping while a `$…` literal is being typed.
  useEffect(() => {
    if (prop.literal === null) return;
    if (
      isSelector &&
      sel &&
      sourcesFor(store.doc.definition, store.catalog, prop, step.name).some((o) => o.selector === value)
    )
      setLinkMode(true);
    else if (!isSelector && value !== undefined) setLinkMode(false);
  }, [value]); // eslint-disable-line react-hooks/exhaustive-deps
  let editor: React.ReactNode;
  const block = s.catalog.get(step.type);
  const uql = sel ? null : uqlPropertyRole(prop.name, prop.literal, block?.properties.map((p) => p.name) ?? []);
  if (uql) {
    const namesKey = uql.namesFrom && block ? stepKeyFor(step, block, uql.namesFrom) : null;
    const names = namesKey ? Object.keys(asEntries(step[namesKey] as Json | undefined)) : [];
    editor = (
      <UqlField
        role={uql}
        value={value}
        onChange={set}
        scope={{ language: s.uql, names, inputKinds: chainInputKinds(s.doc.definition, s.catalog, step, prop.name) }}
        tid={`uql-${prop.name}`}
      />
    );
  } else if (sel?.selectedElement === 'step') {
    const list = Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
    const others = s.doc.definition.steps.filter((x) => x.name !== step.name);
    editor = (
      <div className="chips">
        {list.map((v) => (
          <span className="chip" key={v}>
            {v}
            <button onClick={() => set(sel.container === 'list' ? list.filter((x) => x !== v) : undefined)}>×</button>
          </span>
        ))}
        <select
          className="input"
          value=""
          onChange={(e) => e.target.value && set(sel.container === 'list' ? [...list, e.target.value] : e.target.value)}
        >
          <option value="">+ step…</option>
          {others.map((o) => (
            <option key={o.name} value={stepSelector(o.name)}>
              {o.name}
            </option>
          ))}
        </select>
      </div>
    );
  } else if (sel && sel.container !== 'scalar') {
    const sources = sourcesFor(s.doc.definition, s.catalog, prop, step.name);
    editor =
      sel.container === 'list' ? (
        <ListField prop={prop} value={value} sources={sources} onChange={set} />
      ) : (
        <DictField prop={prop} value={value} sources={sources} onChange={set} />
      );
  } else {
    const sources = sel ? sourcesFor(s.doc.definition, s.catalog, prop, step.name) : [];
    editor = (
      <>
        {sel && prop.literal && (
          <div className="segmented">
            <button
              className={!linkMode ? 'on' : ''}
              data-testid={`field-${prop.name}-mode-value`}
              onClick={() => {
                setLinkMode(false);
                if (isSelector) set(undefined);
              }}
            >
              Value
            </button>
            <button
              className={linkMode ? 'on' : ''}
              data-testid={`field-${prop.name}-mode-link`}
              onClick={() => setLinkMode(true)}
            >
              Link
            </button>
          </div>
        )}
        {linkMode && sel ? (
          <SourceSelect
            value={isSelector ? (value as string) : ''}
            options={sources}
            testid={`field-${prop.name}-select`}
            onChange={set}
          />
        ) : prop.literal ? (
          <LiteralInput
            schema={prop.literal}
            value={value}
            defaultValue={prop.default}
            onChange={set}
            testid={`field-${prop.name}-input`}
          />
        ) : null}
      </>
    );
  }
  return (
    <div className={`field ${props.error ? 'field-has-error' : ''}`} data-testid={`field-${prop.name}`}>
      <label title={prop.description}>
        {prop.title}
        {prop.required && <span className="required">*</span>}
        {sel && sel.selectedElement !== 'step' && (
          <span className="kinds" title={sel.kinds.join(' | ')}>
            {sel.kinds.includes('*') ? 'any kind' : sel.kinds.join(' | ')}
          </span>
        )}
      </label>
      {editor}
      {prop.name === 'model_id' && !(linkMode && sel) && (
        <ModelPicker step={step} value={value} onPick={(id) => set(id)} />
      )}
      {props.error && (
        <div className="field-error" data-testid={`field-error-${prop.name}`}>
          {props.error}
        </div>
      )}
      {prop.description && <div className="field-help">{prop.description}</div>}
    </div>
  );
}

/** Collapse (draw the node small) and bypass (leave the step out of what is validated, run and exported). */
function StepToggles({ step }: { step: string }) {
  const s = useStore();
  const flags = stepFlags(s.doc.layout, step);
  const id = `step:${step}`;
  return (
    <span className="step-toggles">
      <button
        className={`chip chip-button ${flags.collapsed ? 'on' : ''}`}
        title="Draw this node small"
        data-testid="toggle-collapse"
        onClick={() => store.apply((d) => patchLayoutEntry(d, id, { collapsed: !flags.collapsed }))}
      >
        collapse
      </button>
      <button
        className={`chip chip-button ${flags.bypass ? 'on' : ''}`}
        title="Leave this step out when validating, running and exporting; what used its outputs takes its input instead"
        data-testid="toggle-bypass"
        onClick={() => store.apply((d) => patchLayoutEntry(d, id, { bypass: !flags.bypass }))}
      >
        bypass
      </button>
    </span>
  );
}

function StepPanel({ step }: { step: StepDef }) {
  const s = useStore();
  const block = s.catalog.get(step.type);
  const errors = s.errors.nodes[`step:${step.name}`] ?? [];
  const general = errors.filter((e) => !e.property || !block?.properties.some((p) => p.name === e.property));
  const [showDocs, setShowDocs] = useState(false);
  return (
    <div data-testid="properties-step">
      <div className="panel-title">
        <div>{block?.name ?? 'Unknown block'}</div>
        <StepToggles step={step.name} />
        {block && (
          <button className="link-button" onClick={() => setShowDocs(!showDocs)}>
            {showDocs ? 'hide docs' : 'docs'}
          </button>
        )}
      </div>
      {showDocs && block && <BlockDocs block={block} />}
      <div className="field">
        <label>Step name</label>
        <CommitInput
          value={step.name}
          testid="field-name"
          onCommit={(v) => {
            store.apply((d) => renameStep(d, step.name, v));
            store.select([`step:${store.doc.definition.steps.some((x) => x.name === v) ? v : step.name}`]);
          }}
        />
      </div>
      {general.map((e, i) => (
        <div className="field-error block-error" key={i}>
          {e.property ? `${e.property}: ` : ''}
          {e.message}
        </div>
      ))}
      {block ? (
        block.properties.map((p) => (
          <PropertyField key={p.name} step={step} prop={p} error={errors.find((e) => e.property === p.name)?.message} />
        ))
      ) : (
        <div className="field">
          <label>Raw step (block not known to this server)</label>
          <JsonInput
            value={step}
            rows={10}
            testid="field-raw"
            onChange={(v) =>
              v &&
              typeof v === 'object' &&
              !Array.isArray(v) &&
              store.apply((d) => ({
                ...d,
                definition: {
                  ...d.definition,
                  steps: d.definition.steps.map((x) => (x === step ? ({ ...v, name: step.name } as StepDef) : x)),
                },
              }))
            }
          />
        </div>
      )}
      {block && block.outputs.length > 0 && (
        <div className="field">
          <label>Outputs</label>
          {block.outputs.map((o) => (
            <div className="output-row" key={o.name}>
              <span className="mono">{o.name}</span>
              <span className="kinds">{o.kinds.join(' | ')}</span>
              <button
                className="small-button"
                data-testid={`add-output-${o.name}`}
                onClick={() =>
                  store.apply(
                    (d) =>
                      addOutput(d, stepOutputSelector(step.name, o.name), {
                        x: (d.layout[`step:${step.name}`]?.x ?? 0) + 320,
                        y: d.layout[`step:${step.name}`]?.y ?? 0,
                      }).doc,
                  )
                }
              >
                + workflow output
              </button>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function InputPanel({ input }: { input: InputDef }) {
  const replace = (next: InputDef, key: string | null = null) =>
    store.apply((d) => updateInput(d, input.name, next), key);
  const kinds = Array.isArray(input.kind)
    ? (input.kind as Json[]).map((k) => (typeof k === 'string' ? k : String((k as { name?: Json })?.name)))
    : [];
  return (
    <div data-testid="properties-input">
      <div className="panel-title">
        <div>Workflow input</div>
      </div>
      <div className="field">
        <label>Name</label>
        <CommitInput
          value={input.name}
          testid="field-name"
          onCommit={(v) => {
            store.apply((d) => updateInput(d, input.name, { ...input, name: v }));
            store.select([`input:${v}`]);
          }}
        />
      </div>
      <div className="field">
        <label>Type</label>
        <select
          className="input"
          data-testid="field-input-type"
          value={input.type}
          onChange={(e) => replace({ ...input, type: e.target.value })}
        >
          {[
            'WorkflowImage',
            'WorkflowParameter',
            'WorkflowBatchInput',
            'WorkflowVideoMetadata',
            'InferenceImage',
            'InferenceParameter',
          ].map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label>
          Kind <span className="kinds">{inputKinds(input).join(' | ')}</span>
        </label>
        <select
          className="input"
          data-testid="field-kind"
          value=""
          onChange={(e) => e.target.value && replace({ ...input, kind: [...kinds, e.target.value] })}
        >
          <option value="">+ add kind…</option>
          {(store.catalogKinds ?? [])
            .filter((k) => !kinds.includes(k))
            .map((k) => (
              <option key={k}>{k}</option>
            ))}
        </select>
        <div className="chips">
          {kinds.map((k) => (
            <span className="chip" key={k}>
              {k}
              <button
                onClick={() => {
                  const rest = kinds.filter((x) => x !== k);
                  const { kind: _k, ...noKind } = input;
                  replace(rest.length ? { ...input, kind: rest } : (noKind as InputDef));
                }}
              >
                ×
              </button>
            </span>
          ))}
        </div>
      </div>
      {(input.type === 'WorkflowParameter' || input.type === 'InferenceParameter') && (
        <div className="field">
          <label>Default value (JSON)</label>
          <JsonInput
            value={input.default_value}
            testid="field-default"
            onChange={(v) => replace({ ...input, default_value: v === undefined ? null : v })}
          />
        </div>
      )}
    </div>
  );
}

function OutputPanel({ output }: { output: OutputDef }) {
  const s = useStore();
  const options: SourceOption[] = s.doc.definition.steps.flatMap((st) => [
    ...(s.catalog.get(st.type)?.outputs ?? []).map((o) => ({
      selector: stepOutputSelector(st.name, o.name),
      label: `${st.name}.${o.name}`,
      ok: true,
      reason: '',
    })),
    { selector: `$steps.${st.name}.*`, label: `${st.name}.* (all outputs)`, ok: true, reason: '' },
  ]);
  const replace = (next: OutputDef, key: string | null = null) =>
    store.apply((d) => updateOutput(d, output.name, next), key);
  return (
    <div data-testid="properties-output">
      <div className="panel-title">
        <div>Workflow output</div>
      </div>
      <div className="field">
        <label>Name</label>
        <CommitInput
          value={output.name}
          testid="field-name"
          onCommit={(v) => {
            replace({ ...output, name: v });
            store.select([`output:${v}`]);
          }}
        />
      </div>
      <div className="field">
        <label>Selector</label>
        <SourceSelect
          value={output.selector}
          options={options}
          testid="field-selector"
          allowEmpty={false}
          onChange={(v) => replace({ ...output, selector: v ?? '' })}
        />
      </div>
      <div className="field">
        <label>Coordinates system</label>
        <select
          className="input"
          value={String(output.coordinates_system ?? '')}
          onChange={(e) => {
            const { coordinates_system: _c, ...rest } = output;
            replace(e.target.value ? { ...output, coordinates_system: e.target.value } : (rest as OutputDef));
          }}
        >
          <option value="">default (parent)</option>
          <option value="parent">parent</option>
          <option value="own">own</option>
        </select>
      </div>
    </div>
  );
}

export function Properties() {
  const s = useStore();
  const id = s.selection.length === 1 ? s.selection[0] : null;
  const def = s.doc.definition;
  let body: React.ReactNode = (
    <div className="panel-hint" data-testid="properties-empty">
      <div className="panel-title">
        <div>Workflow</div>
      </div>
      <p>
        {def.inputs.length} inputs · {def.steps.length} steps · {def.outputs.length} outputs
      </p>
      <p className="muted">
        Select a node to edit it. Wire an output port (right) into an input port (left); compatible ports light up while
        you drag.
      </p>
    </div>
  );
  if (id) {
    const { kind, name } = parseNodeId(id);
    const step = kind === 'step' ? def.steps.find((x) => x.name === name) : undefined;
    const input = kind === 'input' ? def.inputs.find((x) => x.name === name) : undefined;
    const output = kind === 'output' ? def.outputs.find((x) => x.name === name) : undefined;
    if (step) body = <StepPanel key={id} step={step} />;
    if (input) body = <InputPanel key={id} input={input} />;
    if (output) body = <OutputPanel key={id} output={output} />;
  } else if (s.selection.length > 1) {
    body = (
      <div className="panel-hint">
        <p>{s.selection.length} nodes selected. Ctrl+C copies the steps, Delete removes them.</p>
      </div>
    );
  }
  return (
    <aside className="properties" data-testid="properties">
      {body}
    </aside>
  );
}
