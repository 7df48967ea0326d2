// Copy/paste of steps. Selectors between copied steps are rewritten to the pasted copies' new names
// (internal wiring survives); selectors to anything outside the selection keep pointing where they did.
import { nodeId } from './graph.ts';
import { uniqueName, takenNames } from './edit.ts';
import { mapStepSelectors, parseSelector, renameInSelector } from './selectors.ts';
import type { EditorDocument, LayoutMap, StepDef } from './types.ts';

export interface StepClipboard {
  kind: 'sightline-steps';
  steps: StepDef[];
  layout: LayoutMap;
}

export function copySteps(doc: EditorDocument, names: string[]): StepClipboard {
  const wanted = new Set(names);
  const steps = doc.definition.steps.filter((s) => wanted.has(s.name)).map((s) => structuredClone(s));
  const layout: LayoutMap = {};
  for (const s of steps) {
    const pos = doc.layout[nodeId('step', s.name)];
    if (pos) layout[s.name] = { ...pos };
  }
  return { kind: 'sightline-steps', steps, layout };
}

export function pasteSteps(
  doc: EditorDocument,
  clip: StepClipboard,
  offset = { x: 40, y: 40 },
): { doc: EditorDocument; names: string[] } {
  const taken = takenNames(doc.definition, 'step');
  const renames = new Map<string, string>();
  for (const s of clip.steps) {
    const fresh = uniqueName(taken, s.name);
    taken.add(fresh);
    renames.set(s.name, fresh);
  }
  const pasted = clip.steps.map((s) => {
    const rewired = mapStepSelectors(structuredClone(s), (sel) => {
      const p = parseSelector(sel);
      if (!p || p.ref === 'input' || !renames.has(p.name)) return sel;
      return renameInSelector(sel, 'step', p.name, renames.get(p.name)!);
    });
    return { ...rewired, name: renames.get(s.name)! } as StepDef;
  });
  const layout = { ...doc.layout };
  clip.steps.forEach((s, i) => {
    const pos = clip.layout[s.name] ?? { x: 320, y: 80 + i * 160 };
    layout[nodeId('step', renames.get(s.name)!)] = { x: pos.x + offset.x, y: pos.y + offset.y };
  });
  return {
    doc: { definition: { ...doc.definition, steps: [...doc.definition.steps, ...pasted] }, layout },
    names: pasted.map((s) => s.name),
  };
}

export function isStepClipboard(value: unknown): value is StepClipboard {
  return (
    !!value &&
    typeof value === 'object' &&
    (value as StepClipboard).kind === 'sightline-steps' &&
    Array.isArray((value as StepClipboard).steps)
  );
}
