// Left palette: workflow inputs plus every block from /workflows/blocks/describe, grouped by family and
// searchable by name and description. Items drag onto the canvas or add with a click; ⓘ shows the docs.
import { useMemo, useState, type DragEvent } from 'react';
import type { BlockInfo, BlockLine } from '../model/catalog.ts';
import { hitName, searchBlocks, type SearchHit } from '../model/search.ts';
import { addExtra } from '../model/canvas-extras.ts';
import { freeSpot } from '../model/placement.ts';
import type { JsonObject } from '../model/types.ts';
import { addInput, addOutput, addStep } from '../model/edit.ts';
import { DRAG_BLOCK, DRAG_INPUT, canvasActions } from './Canvas.tsx';
import { store, useStore } from './store.ts';

/** The free place nearest the middle of the visible canvas, so added nodes never land on others. */
function freeCenterSpot(layout: Record<string, { x: number; y: number }>): { x: number; y: number } {
  return freeSpot(store.graph, store.catalog, layout, canvasActions.visibleRect(), undefined, canvasActions.measured);
}

export function addBlockAtCenter(type: string, properties?: JsonObject, name?: string): void {
  store.apply((d) => {
    const added = addStep(d, type, freeCenterSpot(d.layout), name, properties);
    store.select([`step:${added.name}`]);
    return added.doc;
  });
  if (store.selection[0]) canvasActions.reveal(store.selection[0]);
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
      onClick={() => store.apply((d) => addInput(d, props.type, freeCenterSpot(d.layout)).doc)}
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

/** One card per block; a version picker on it when the block has several (the newest is picked first). */
/** A search hit that adds a block with properties already set ("Count detections"). */
function RecipeCard(props: { hit: SearchHit }) {
  const { hit } = props;
  const add = () => addBlockAtCenter(hit.block.type, hit.recipe!.properties, hit.recipe!.name);
  return (
    <div
      className={`palette-item family-${hit.block.family} recipe`}
      title={hit.block.type}
      data-testid={`palette-recipe-${hit.recipe!.label}`}
      data-recipe={hit.line.key}
      onDoubleClick={add}
    >
      <div className="palette-item-row">
        <span className="palette-item-name">{hitName(hit)}</span>
        <button className="icon-button" title={`Add ${hitName(hit)}`} data-testid="palette-add" onClick={add}>
          +
        </button>
      </div>
      <div className="palette-item-desc">{hit.recipe!.description}</div>
      <span className="version-tag">{hit.line.name}</span>
    </div>
  );
}

function BlockCard(props: { line: BlockLine; docsOpen: boolean; onDocs: () => void }) {
  const { line } = props;
  const [picked, setPicked] = useState(line.latest.type);
  const b = line.versions.find((v) => v.type === picked) ?? line.latest;
  return (
    <div>
      <div
        className={`palette-item family-${b.family} ${b.deprecated ? 'deprecated' : ''}`}
        draggable
        title={b.type}
        data-testid={`palette-block-${b.type}`}
        data-line={line.key}
        onDragStart={(e) => {
          e.dataTransfer.setData(DRAG_BLOCK, b.type);
          e.dataTransfer.effectAllowed = 'copy';
        }}
        onDoubleClick={() => addBlockAtCenter(b.type)}
      >
        <div className="palette-item-row">
          <span className="palette-item-name">{line.name}</span>
          <button
            className="icon-button"
            title={`Add ${b.name} ${b.version} to the canvas`}
            data-testid="palette-add"
            onClick={() => addBlockAtCenter(b.type)}
          >
            +
          </button>
          <button
            className={`icon-button info-button ${props.docsOpen ? 'on' : ''}`}
            title="Documentation"
            data-testid="palette-docs"
            onClick={props.onDocs}
          >
            i
          </button>
        </div>
        <div className="palette-item-desc">{b.shortDescription}</div>
        {line.versions.length > 1 ? (
          <select
            className="version-select"
            title="Block version"
            data-testid="palette-version"
            value={b.type}
            onChange={(e) => setPicked(e.target.value)}
            onClick={(e) => e.stopPropagation()}
            onDoubleClick={(e) => e.stopPropagation()}
          >
            {line.versions.map((v) => (
              <option key={v.type} value={v.type}>
                {v.version}
                {v === line.latest ? ' (latest)' : ''}
                {v.deprecated ? ' (deprecated)' : ''}
              </option>
            ))}
          </select>
        ) : (
          b.version && <span className="version-tag">{b.version}</span>
        )}
      </div>
      {props.docsOpen && <BlockDocs block={b} />}
    </div>
  );
}

export function Palette() {
  const s = useStore();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const [collapsed, setCollapsed] = useState<Record<string, boolean>>({});
  const groups = useMemo(() => (query.trim() ? [] : s.catalog.searchLines('')), [s.catalog, query]);
  // While searching: one list, most relevant first (a name match before a description match).
  const hits = useMemo(() => (query.trim() ? searchBlocks(s.catalog, query) : []), [s.catalog, query]);
  return (
    <aside className="palette" data-testid="palette">
      <input
        className="search"
        placeholder="Search blocks…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="palette-search"
      />
      <div className="palette-scroll">
        {!query && (
          <section className="palette-group">
            <h4>Inputs &amp; outputs</h4>
            <InputItem
              type="WorkflowImage"
              label="Image input"
              hint="An image given at run time"
              testid="palette-input-image"
            />
            <InputItem
              type="WorkflowParameter"
              label="Parameter"
              hint="A value given at run time, with a default"
              testid="palette-input-parameter"
            />
            <div
              className="palette-item palette-input"
              data-testid="palette-output"
              onClick={() => store.apply((d) => addOutput(d, '', freeCenterSpot(d.layout), 'output').doc)}
            >
              <div className="palette-item-name">Output</div>
              <div className="palette-item-desc">Returns a step output in the response</div>
            </div>
            <div
              className="palette-item palette-input palette-extra"
              data-testid="palette-note"
              onClick={() => store.apply((d) => addExtra(d, 'note', freeCenterSpot(d.layout)))}
            >
              <div className="palette-item-name">Sticky note</div>
              <div className="palette-item-desc">Text on the canvas (kept with the workflow, not in its JSON)</div>
            </div>
            <div
              className="palette-item palette-input palette-extra"
              data-testid="palette-group"
              onClick={() => store.apply((d) => addExtra(d, 'group', freeCenterSpot(d.layout)))}
            >
              <div className="palette-item-name">Group</div>
              <div className="palette-item-desc">A labelled frame to put nodes in</div>
            </div>
          </section>
        )}
        {s.catalogError && <div className="palette-error">Could not load blocks: {s.catalogError}</div>}
        {groups.map((g) => (
          <section className="palette-group" key={g.family} data-testid={`palette-group-${g.family}`}>
            <h4 onClick={() => setCollapsed((c) => ({ ...c, [g.family]: !c[g.family] }))}>
              <span>
                {collapsed[g.family] && !query ? '▸' : '▾'} {g.label}
              </span>
              <span className="count">{g.lines.length}</span>
            </h4>
            {(!collapsed[g.family] || query) &&
              g.lines.map((line) => (
                <BlockCard
                  key={line.key}
                  line={line}
                  docsOpen={open === line.key}
                  onDocs={() => setOpen(open === line.key ? null : line.key)}
                />
              ))}
          </section>
        ))}
        {hits.length > 0 && (
          <section className="palette-group" data-testid="palette-results">
            <h4>
              <span>Best matches</span>
              <span className="count">{hits.length}</span>
            </h4>
            {hits.map((hit) =>
              hit.recipe ? (
                <RecipeCard key={`${hit.line.key}#${hit.recipe.label}`} hit={hit} />
              ) : (
                <BlockCard
                  key={hit.line.key}
                  line={hit.line}
                  docsOpen={open === hit.line.key}
                  onDocs={() => setOpen(open === hit.line.key ? null : hit.line.key)}
                />
              ),
            )}
          </section>
        )}
        {hits.length === 0 && query.trim() && <div className="palette-empty">No block matches “{query}”.</div>}
      </div>
    </aside>
  );
}
