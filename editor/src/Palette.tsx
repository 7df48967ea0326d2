// Left palette: workflow inputs plus every block from /workflows/blocks/describe, grouped by family and
// searchable by name and description. Items drag onto the canvas or add with a click; ⓘ shows the docs.
import { useMemo, useState, type DragEvent } from 'react';
import type { BlockInfo } from '../model/catalog.ts';
import { addInput, addOutput, addStep } from '../model/edit.ts';
import { DRAG_BLOCK, DRAG_INPUT, canvasActions } from './Canvas.tsx';
import { store, useStore } from './store.ts';

export function addBlockAtCenter(type: string): void {
  store.apply((d) => {
    const added = addStep(d, type, canvasActions.centerPosition());
    store.select([`step:${added.name}`]);
    return added.doc;
  });
}

function InputItem(props: { type: string; label: string; hint: string; testid: string }) {
  return (
    <div
      className="palette-item palette-input"
      draggable
      data-testid={props.testid}
      onDragStart={(e: DragEvent) => {
        e.dataTransfer.setData(DRAG_INPUT, props.type);
        e.dataTransfer.effectAllowed = 'copy';
      }}
      onClick={() => store.apply((d) => addInput(d, props.type, canvasActions.centerPosition()).doc)}
    >
      <div className="palette-item-name">{props.label}</div>
      <div className="palette-item-desc">{props.hint}</div>
    </div>
  );
}

export function BlockDocs({ block }: { block: BlockInfo }) {
  return (
    <div className="block-docs" data-testid="block-docs">
      <div className="block-docs-type">{block.type}</div>
      <p>{block.shortDescription}</p>
      {block.longDescription && <pre className="block-docs-long">{block.longDescription.trim()}</pre>}
      <div className="block-docs-io">
        <b>Outputs:</b> {block.outputs.map((o) => `${o.name} [${o.kinds.join(', ')}]`).join(' · ') || 'none'}
      </div>
    </div>
  );
}

export function Palette() {
  const s = useStore();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [collapsed, setCollapsed] = useState<Record<string, boolean>>({});
  const groups = useMemo(() => s.catalog.search(query), [s.catalog, query]);
  return (
    <aside className="palette" data-testid="palette">
      <input className="search" placeholder="Search blocks…" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="palette-search" />
      <div className="palette-scroll">
        {!query && (
          <section className="palette-group">
            <h4>Inputs &amp; outputs</h4>
            <InputItem type="WorkflowImage" label="Image input" hint="An image given at run time" testid="palette-input-image" />
            <InputItem type="WorkflowParameter" label="Parameter" hint="A value given at run time, with a default" testid="palette-input-parameter" />
            <div
              className="palette-item palette-input"
              data-testid="palette-output"
              onClick={() => store.apply((d) => addOutput(d, '', canvasActions.centerPosition(), 'output').doc)}
            >
              <div className="palette-item-name">Output</div>
              <div className="palette-item-desc">Returns a step output in the response</div>
            </div>
          </section>
        )}
        {s.catalogError && <div className="palette-error">Could not load blocks: {s.catalogError}</div>}
        {groups.map((g) => (
          <section className="palette-group" key={g.family} data-testid={`palette-group-${g.family}`}>
            <h4 onClick={() => setCollapsed((c) => ({ ...c, [g.family]: !c[g.family] }))}>
              <span>{collapsed[g.family] && !query ? '▸' : '▾'} {g.label}</span>
              <span className="count">{g.blocks.length}</span>
            </h4>
            {(!collapsed[g.family] || query) &&
              g.blocks.map((b) => (
                <div key={b.type}>
                  <div
                    className={`palette-item family-${b.family} ${b.deprecated ? 'deprecated' : ''}`}
                    draggable
                    title={b.type}
                    data-testid={`palette-block-${b.type}`}
                    onDragStart={(e) => {
                      e.dataTransfer.setData(DRAG_BLOCK, b.type);
                      e.dataTransfer.effectAllowed = 'copy';
                    }}
                    onDoubleClick={() => addBlockAtCenter(b.type)}
                  >
                    <div className="palette-item-row">
                      <span className="palette-item-name">{b.name}</span>
                      {b.version && <span className="version-tag">{b.version}</span>}
                      <button className="icon-button" title="Add to canvas" data-testid="palette-add" onClick={() => addBlockAtCenter(b.type)}>+</button>
                      <button className={`icon-button info-button ${open === b.type ? 'on' : ''}`} title="Documentation" data-testid="palette-docs" onClick={() => setOpen(open === b.type ? null : b.type)}>i</button>
                    </div>
                    <div className="palette-item-desc">{b.shortDescription}</div>
                  </div>
                  {open === b.type && <BlockDocs block={b} />}
                </div>
              ))}
          </section>
        ))}
        {groups.length === 0 && query && <div className="palette-empty">No block matches “{query}”.</div>}
      </div>
    </aside>
  );
}

/** Double-click search box: type, Enter adds the first match where the canvas was clicked. */
export function QuickAdd(props: { at: { x: number; y: number }; flowAt: { x: number; y: number }; onClose: () => void }) {
  const s = useStore();
  const [query, setQuery] = useState('');
  const hits = useMemo(() => s.catalog.search(query).flatMap((g) => g.blocks).slice(0, 8), [s.catalog, query]);
  const add = (b: BlockInfo) => {
    store.apply((d) => {
      const added = addStep(d, b.type, props.flowAt);
      store.select([`step:${added.name}`]);
      return added.doc;
    });
    props.onClose();
  };
  return (
    <div className="quick-add" style={{ left: props.at.x, top: props.at.y }} data-testid="quick-add" onMouseDown={(e) => e.stopPropagation()}>
      <input
        autoFocus
        className="search"
        placeholder="Add a block…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') props.onClose();
          if (e.key === 'Enter' && hits[0]) add(hits[0]);
        }}
        onBlur={() => setTimeout(props.onClose, 150)}
      />
      {hits.map((b) => (
        <div key={b.type} className="quick-add-item" onMouseDown={() => add(b)}>
          <span>{b.name}</span>
          <span className="muted">{b.family.replace(/_/g, ' ')}</span>
        </div>
      ))}
    </div>
  );
}
