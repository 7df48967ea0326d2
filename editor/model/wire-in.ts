// Dropping a wire on empty canvas: which blocks could take it, and which port of the new block it goes to.
// A port that names the kind exactly is preferred over one that takes anything (`*`).
import type { BlockCatalog, BlockInfo, PropertyInfo } from './catalog.ts';
import { connect } from './edit.ts';
import { nodeId, selectorSource } from './graph.ts';
import { checkConnection, inputKinds, kindsCompatible } from './kinds.ts';
import { inputSelector } from './selectors.ts';
import type { EditorDocument } from './types.ts';

export interface LooseWire {
  /** Where the drag started. */
  from: { node: string; handle: string; type: 'source' | 'target' };
  /** Kinds carried (source side) or accepted (target side); null for a flow-control handle. */
  kinds: string[] | null;
}

function exactness(offered: string[], accepted: string[]): number {
  if (accepted.includes('*') || offered.includes('*')) return 1;
  return offered.some((k) => accepted.includes(k)) ? 2 : 0;
}

/** The new block's data property that best takes a source of these kinds (null when none). */
export function acceptingProperty(block: BlockInfo, kinds: string[]): PropertyInfo | null {
  let best: PropertyInfo | null = null;
  let bestScore = 0;
  for (const p of block.properties) {
    const sel = p.selector;
    if (!sel || sel.selectedElement === 'step' || sel.container === 'dict') continue;
    const score = exactness(kinds, sel.kinds) * 2 + (p.required ? 1 : 0);
    if (exactness(kinds, sel.kinds) > 0 && score > bestScore) {
      best = p;
      bestScore = score;
    }
  }
  return best;
}

/** The new block's output that best feeds a property accepting these kinds. */
export function feedingOutput(block: BlockInfo, accepted: string[]): string | null {
  let best: string | null = null;
  let bestScore = 0;
  for (const o of block.outputs) {
    const score = exactness(o.kinds, accepted);
    if (score > bestScore && kindsCompatible(o.kinds, accepted)) {
      best = o.name;
      bestScore = score;
    }
  }
  return best;
}

/** How well a block fits the loose end: 2 a port names the kind, 1 only an any-kind (`*`) port, 0 not at all. */
export function wireFit(block: BlockInfo, wire: LooseWire): number {
  const kinds = wire.kinds;
  if (kinds === null) return 0;
  if (wire.from.type === 'source') {
    const p = acceptingProperty(block, kinds);
    return p ? exactness(kinds, p.selector!.kinds) : 0;
  }
  const out = feedingOutput(block, kinds);
  return out ? exactness(block.outputs.find((o) => o.name === out)!.kinds, kinds) : 0;
}

/**
 * After a block was added from a wire, its other required single-value ports are filled the way a person
 * would: from what feeds the same-named port of the step the wire came from (a label drawn after boxes
 * takes the boxes' predictions), else an image port from the workflow's only image input. Only
 * kind-compatible wiring is made; returns the document and what was wired.
 */
export function fillRequired(
  doc: EditorDocument,
  catalog: BlockCatalog,
  stepName: string,
  fromStep: string | null,
): { doc: EditorDocument; wired: string[] } {
  const step = doc.definition.steps.find((s) => s.name === stepName);
  const block = step ? catalog.get(step.type) : undefined;
  if (!step || !block) return { doc, wired: [] };
  const source = fromStep ? doc.definition.steps.find((s) => s.name === fromStep) : undefined;
  const images = doc.definition.inputs.filter((i) => inputKinds(i).includes('image'));
  const wired: string[] = [];
  for (const p of block.properties) {
    const sel = p.selector;
    if (!p.required || !sel || sel.selectedElement === 'step' || sel.container === 'dict') continue;
    if (step[p.name] !== undefined) continue;
    const candidates: string[] = [];
    const same = source?.[p.name];
    if (typeof same === 'string' && same.startsWith('$')) candidates.push(same);
    if (Array.isArray(same) && typeof same[0] === 'string') candidates.push(same[0]);
    if (sel.kinds.includes('image') && images.length === 1) candidates.push(inputSelector(images[0]!.name));
    for (const selector of candidates) {
      const from = selectorSource(doc.definition, selector);
      if (!from || from.control) continue;
      const target = { node: nodeId('step', stepName), handle: p.name };
      if (!checkConnection(doc.definition, catalog, from, target).ok) continue;
      doc = connect(doc, catalog, from, target);
      wired.push(`${p.name} ← ${selector}`);
      break;
    }
  }
  return { doc, wired };
}
