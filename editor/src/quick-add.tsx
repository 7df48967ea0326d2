// The search-and-add popup: opened by double-clicking the canvas or by dropping a wire on empty canvas (then
// it lists only blocks that can take the wire and wires the new block in). Ranked results, arrow keys move,
// Enter adds the highlighted one; the popup is kept inside the window.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { addStep, connect } from '../model/edit.ts';
import { nodeId, parseNodeId } from '../model/graph.ts';
import { checkConnection } from '../model/kinds.ts';
import { hitName, searchBlocks, type SearchHit } from '../model/search.ts';
import { acceptingProperty, feedingOutput, fillRequired, wireFit, type LooseWire } from '../model/wire-in.ts';
import { store, useStore } from './store.ts';
import { canvasActions } from './Canvas.tsx';
import type { LayoutMap } from '../model/types.ts';

const SHOWN = 10;

/** Add the hit's block at `at` and, for a loose wire, connect it; returns the new step's name. */
export function addHit(hit: SearchHit, at: { x: number; y: number }, wire?: LooseWire | null): void {
  store.apply((d) => {
    // From a wire the new block goes next to where the wire starts (right of a source, left of a target),
    // in the first free place, wherever the wire was dropped.
    const anchor = wire ? d.layout[wire.from.node] : undefined;
    const spot = anchor ? { x: anchor.x + (wire!.from.type === 'source' ? 300 : -300), y: anchor.y } : at;
    const added = addStep(d, hit.block.type, freeSpotNear(d.layout, spot), hit.recipe?.name, hit.recipe?.properties);
    let doc = added.doc;
    const newNode = nodeId('step', added.name);
    if (wire?.kinds) {
      const ends =
        wire.from.type === 'source'
          ? {
              source: wire.from,
              target: { node: newNode, handle: acceptingProperty(hit.block, wire.kinds)?.name ?? '' },
            }
          : { source: { node: newNode, handle: feedingOutput(hit.block, wire.kinds) ?? '' }, target: wire.from };
      const verdict = checkConnection(doc.definition, store.catalog, ends.source, ends.target);
      if (verdict.ok) {
        doc = connect(doc, store.catalog, ends.source, ends.target);
        const from = parseNodeId(wire.from.node);
        const filled = fillRequired(doc, store.catalog, added.name, from.kind === 'step' ? from.name : null);
        doc = filled.doc;
        if (filled.wired.length) store.say(`Also wired ${filled.wired.join(', ')}.`);
      } else store.say(`Added ${hitName(hit)} but did not wire it: ${verdict.reason}`, 'error');
    }
    store.select([newNode]);
    return doc;
  });
  canvasActions.reveal(nodeId('step', store.doc.definition.steps.at(-1)?.name ?? ''));
}

/** `at`, or the nearest spot below/right of it where a new node does not cover another one. */
function freeSpotNear(layout: LayoutMap, at: { x: number; y: number }): { x: number; y: number } {
  const taken = Object.entries(layout)
    .filter(([k]) => /^(input|step|output):/.test(k))
    .map(([, p]) => p);
  const clear = (p: { x: number; y: number }) =>
    !taken.some((t) => p.x < t.x + 240 && t.x < p.x + 240 && p.y < t.y + 200 && t.y < p.y + 200);
  for (let ring = 0; ring < 8; ring++)
    for (const [dx, dy] of [
      [0, 1],
      [1, 0],
      [0, -1],
      [1, 1],
      [1, -1],
    ]) {
      const p = { x: at.x + dx! * ring * 60, y: at.y + dy! * ring * 60 };
      if (clear(p)) return p;
    }
  return at;
}

export function QuickAdd(props: {
  at: { x: number; y: number };
  flowAt: { x: number; y: number };
  wire?: LooseWire | null;
  onClose: () => void;
}) {
  const s = useStore();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const pointer = useRef<{ x: number; y: number } | null>(null);
  const [pos, setPos] = useState(props.at);
  const wire = props.wire ?? null;
  const hits = useMemo(() => {
    const found = searchBlocks(s.catalog, query, wire ? (b) => wireFit(b, wire) > 0 : undefined);
    // For a wire with nothing typed, blocks whose port names the kind come before those that take anything;
    // once something is typed, relevance decides and the fit only breaks ties.
    if (wire)
      found.sort((a, b) =>
        query.trim()
          ? b.score - a.score || wireFit(b.block, wire) - wireFit(a.block, wire)
          : wireFit(b.block, wire) - wireFit(a.block, wire) || b.score - a.score,
      );
    return found.slice(0, SHOWN);
  }, [s.catalog, query, wire]);
  // Keep the popup on screen (it opens where the pointer was).
  useLayoutEffect(() => {
    const r = box.current?.getBoundingClientRect();
    if (!r) return;
    const x = Math.max(8, Math.min(props.at.x, window.innerWidth - r.width - 8));
    const y = Math.max(8, Math.min(props.at.y, window.innerHeight - r.height - 8));
    if (x !== pos.x || y !== pos.y) setPos({ x, y });
  }, [props.at, hits.length]); // eslint-disable-line react-hooks/exhaustive-deps
  const add = (hit: SearchHit | undefined) => {
    if (!hit) return;
    addHit(hit, props.flowAt, wire);
    props.onClose();
  };
  const current = Math.min(active, Math.max(0, hits.length - 1));
  return (
    <div
      ref={box}
      className="quick-add"
      style={{ left: pos.x, top: pos.y }}
      data-testid="quick-add"
      onMouseDown={(e) => e.stopPropagation()}
    >
      {wire && (
        <div className="quick-add-hint muted" data-testid="quick-add-wire">
          Blocks that take [{wire.kinds?.join(', ')}]
        </div>
      )}
      <input
        autoFocus
        className="search"
        placeholder="Add a block…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') props.onClose();
          else if (e.key === 'ArrowDown') setActive((current + 1) % Math.max(1, hits.length));
          else if (e.key === 'ArrowUp') setActive((current - 1 + hits.length) % Math.max(1, hits.length));
          else if (e.key === 'Enter') add(hits[current]);
          else return;
          e.preventDefault();
        }}
        onBlur={() => setTimeout(props.onClose, 150)}
      />
      <div className="quick-add-list" role="listbox">
        {hits.map((hit, i) => (
          <div
            key={`${hit.line.key}#${hit.recipe?.label ?? ''}`}
            role="option"
            aria-selected={i === current}
            className={`quick-add-item ${i === current ? 'active' : ''}`}
            data-testid="quick-add-item"
            data-type={hit.block.type}
            onMouseMove={(e) => {
              // Only a pointer that really moves picks a row (a list appearing under a still pointer does not).
              const last = pointer.current;
              pointer.current = { x: e.clientX, y: e.clientY };
              if (last && (last.x !== e.clientX || last.y !== e.clientY)) setActive(i);
            }}
            onMouseDown={() => add(hit)}
          >
            <span>
              {hitName(hit)} {!hit.recipe && <span className="version-tag">{hit.block.version}</span>}
            </span>
            <span className="muted">{hit.recipe ? hit.line.name : hit.block.family.replace(/_/g, ' ')}</span>
          </div>
        ))}
        {hits.length === 0 && <div className="muted quick-add-none">No block matches.</div>}
      </div>
    </div>
  );
}
