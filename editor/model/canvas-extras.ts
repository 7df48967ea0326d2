// Editor-only things kept in the saved workflow's layout (editor metadata), never in the Roboflow
// definition: sticky notes (`note:N`), groups (`group:N`, a labelled frame behind nodes), and per-step
// `collapsed` / `bypass` flags on the step's own layout entry. A bypassed step is left out of what the editor
// validates, runs and exports; whatever used its outputs is wired to the step's own input of a matching kind.
import type { BlockCatalog } from './catalog.ts';
import { nodeId, selectorSource } from './graph.ts';
import { kindsCompatible, sourceKinds } from './kinds.ts';
import { findSelectors, mapStepSelectors, parseSelector } from './selectors.ts';
import type { EditorDocument, LayoutMap, WorkflowDefinition } from './types.ts';

export type ExtraKind = 'note' | 'group';

export interface ExtraMeta {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Note text or group label. */
  text: string;
}

export interface StepFlags {
  collapsed?: boolean;
  bypass?: boolean;
}

export const isExtraId = (id: string) => id.startsWith('note:') || id.startsWith('group:');

export function canvasExtras(layout: LayoutMap): Array<{ id: string; kind: ExtraKind; meta: ExtraMeta }> {
  return Object.entries(layout)
    .filter(([id]) => isExtraId(id))
    .map(([id, value]) => ({
      id,
      kind: id.startsWith('note:') ? ('note' as const) : ('group' as const),
      meta: { width: 220, height: 120, text: '', ...(value as Partial<ExtraMeta>) } as ExtraMeta,
    }));
}

export function addExtra(doc: EditorDocument, kind: ExtraKind, at: { x: number; y: number }): EditorDocument {
  let n = 1;
  while (`${kind}:${n}` in doc.layout) n++;
  const meta: ExtraMeta =
    kind === 'note' ? { ...at, width: 220, height: 120, text: '' } : { ...at, width: 520, height: 320, text: 'Group' };
  return { ...doc, layout: { ...doc.layout, [`${kind}:${n}`]: meta } };
}

/** Change a note/group or a step's flags (merged into its layout entry). */
export function patchLayoutEntry(
  doc: EditorDocument,
  id: string,
  patch: Partial<ExtraMeta> & StepFlags,
): EditorDocument {
  const current = (doc.layout[id] ?? { x: 0, y: 0 }) as Record<string, unknown>;
  return { ...doc, layout: { ...doc.layout, [id]: { ...current, ...patch } as LayoutMap[string] } };
}

export function stepFlags(layout: LayoutMap, stepName: string): StepFlags {
  const entry = layout[nodeId('step', stepName)] as (StepFlags & { x: number }) | undefined;
  return { collapsed: entry?.collapsed === true, bypass: entry?.bypass === true };
}

/** The definition without bypassed steps, consumers rewired through them where kinds allow. */
export function effectiveDefinition(
  def: WorkflowDefinition,
  layout: LayoutMap,
  catalog: BlockCatalog,
): WorkflowDefinition {
  const bypassed = def.steps.filter((s) => stepFlags(layout, s.name).bypass).map((s) => s.name);
  if (!bypassed.length) return def;
  let current = def;
  for (const name of bypassed) current = bypassOne(current, name, catalog);
  return current;
}

function bypassOne(def: WorkflowDefinition, name: string, catalog: BlockCatalog): WorkflowDefinition {
  const step = def.steps.find((s) => s.name === name);
  if (!step) return def;
  // What feeds the bypassed step, with the kinds it carries.
  const feeds = findSelectors(step, catalog)
    .map((f) => ({ selector: f.selector, from: selectorSource(def, f.selector) }))
    .filter((f) => f.from && !f.from.control)
    .map((f) => ({ selector: f.selector, kinds: sourceKinds(def, catalog, f.from!.node, f.from!.handle) ?? ['*'] }));
  const through = (selector: string): string | null => {
    const p = parseSelector(selector);
    if (!p || p.ref === 'input' || p.name !== name) return selector;
    if (p.ref === 'step') return null;
    const out = catalog.get(step.type)?.outputs.find((o) => o.name === p.output)?.kinds ?? ['*'];
    const exact = feeds.find((f) => !f.kinds.includes('*') && kindsCompatible(f.kinds, out));
    return (exact ?? feeds.find((f) => kindsCompatible(f.kinds, out)))?.selector ?? null;
  };
  return {
    ...def,
    steps: def.steps.filter((s) => s.name !== name).map((s) => mapStepSelectors(s, through)),
    outputs: def.outputs.flatMap((o) => {
      const sel = through(o.selector);
      return sel === null ? [] : [sel === o.selector ? o : { ...o, selector: sel }];
    }),
  };
}
