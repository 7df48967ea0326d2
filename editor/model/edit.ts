// Edits on the document. Each returns a new EditorDocument (inputs are never mutated) so history can keep
// snapshots. Renames and deletions keep every selector pointing at the right place.
import { stepKeyFor, type BlockCatalog } from './catalog.ts';
import { FLOW_SOURCE, nodeId, parseNodeId, type GraphEdge } from './graph.ts';
import {
  inputSelector,
  mapStepSelectors,
  parseSelector,
  renameInSelector,
  stepOutputSelector,
  stepSelector,
} from './selectors.ts';
import type {
  EditorDocument,
  InputDef,
  Json,
  JsonObject,
  LayoutMap,
  OutputDef,
  StepDef,
  WorkflowDefinition,
} from './types.ts';

const NAME_PATTERN = /^[A-Za-z_0-9-]+$/;

export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

export function takenNames(def: WorkflowDefinition, kind: 'input' | 'step' | 'output'): Set<string> {
  const list = kind === 'input' ? def.inputs : kind === 'step' ? def.steps : def.outputs;
  return new Set(list.map((x) => x.name));
}

/** `base`, or `base_2`, `base_3`... whichever is free. */
export function uniqueName(taken: Set<string>, base: string): string {
  const clean = base.replace(/[^A-Za-z_0-9-]+/g, '_').replace(/^_+|_+$/g, '') || 'node';
  if (!taken.has(clean)) return clean;
  const stem = clean.replace(/_\d+$/, '');
  for (let i = 2; ; i++) if (!taken.has(`${stem}_${i}`)) return `${stem}_${i}`;
}

/** A short default step name from a block type: `roboflow_core/bounding_box_visualization@v1` → `bounding_box_visualization`. */
export function defaultStepName(type: string): string {
  return type
    .replace(/^.*\//, '')
    .replace(/@.*$/, '')
    .replace(/^roboflow_/, '');
}

function withDef(doc: EditorDocument, definition: WorkflowDefinition, layout: LayoutMap = doc.layout): EditorDocument {
  return { definition, layout };
}

function moveKey(layout: LayoutMap, from: string, to: string): LayoutMap {
  if (!(from in layout) || from === to) return layout;
  const out: LayoutMap = {};
  for (const [k, v] of Object.entries(layout)) out[k === from ? to : k] = v;
  return out;
}

function dropKeys(layout: LayoutMap, ids: string[]): LayoutMap {
  return Object.fromEntries(Object.entries(layout).filter(([k]) => !ids.includes(k)));
}

export function addStep(
  doc: EditorDocument,
  type: string,
  position: { x: number; y: number },
  name?: string,
  properties: JsonObject = {},
): { doc: EditorDocument; name: string } {
  const stepName = uniqueName(takenNames(doc.definition, 'step'), name ?? defaultStepName(type));
  const step: StepDef = { type, name: stepName, ...structuredClone(properties) };
  return {
    doc: withDef(
      doc,
      { ...doc.definition, steps: [...doc.definition.steps, step] },
      { ...doc.layout, [nodeId('step', stepName)]: position },
    ),
    name: stepName,
  };
}

export function addInput(
  doc: EditorDocument,
  type: string,
  position: { x: number; y: number },
  name?: string,
): { doc: EditorDocument; name: string } {
  const base = name ?? (type === 'WorkflowImage' ? 'image' : 'parameter');
  const inputName = uniqueName(takenNames(doc.definition, 'input'), base);
  const input: InputDef = { type, name: inputName };
  if (type === 'WorkflowParameter') input.default_value = null;
  return {
    doc: withDef(
      doc,
      { ...doc.definition, inputs: [...doc.definition.inputs, input] },
      { ...doc.layout, [nodeId('input', inputName)]: position },
    ),
    name: inputName,
  };
}

export function addOutput(
  doc: EditorDocument,
  selector: string,
  position: { x: number; y: number },
  name?: string,
): { doc: EditorDocument; name: string } {
  const parsed = parseSelector(selector);
  const base =
    name ??
    (parsed?.ref === 'step-output'
      ? parsed.output === '*' || parsed.output === 'output'
        ? parsed.name
        : parsed.output
      : (parsed?.name ?? 'output'));
  const outputName = uniqueName(takenNames(doc.definition, 'output'), base);
  const output: OutputDef = { type: 'JsonField', name: outputName, selector };
  return {
    doc: withDef(
      doc,
      { ...doc.definition, outputs: [...doc.definition.outputs, output] },
      { ...doc.layout, [nodeId('output', outputName)]: position },
    ),
    name: outputName,
  };
}

/** Set (or with `undefined`, remove) one property of a step. */
export function setStepProperty(
  doc: EditorDocument,
  stepName: string,
  property: string,
  value: Json | undefined,
): EditorDocument {
  const steps = doc.definition.steps.map((s) => {
    if (s.name !== stepName) return s;
    const next: JsonObject = { ...s };
    if (value === undefined) delete next[property];
    else next[property] = value;
    return next as StepDef;
  });
  return withDef(doc, { ...doc.definition, steps });
}

/** Replace an input or output object wholesale (its fields other than the name). */
export function updateInput(doc: EditorDocument, name: string, input: InputDef): EditorDocument {
  let next = input.name !== name ? renameInput(doc, name, input.name) : doc;
  const inputs = next.definition.inputs.map((i) => (i.name === input.name ? input : i));
  return withDef(next, { ...next.definition, inputs });
}

export function updateOutput(doc: EditorDocument, name: string, output: OutputDef): EditorDocument {
  if (output.name !== name && takenNames(doc.definition, 'output').has(output.name))
    throw new Error(`An output named '${output.name}' already exists.`);
  const outputs = doc.definition.outputs.map((o) => (o.name === name ? output : o));
  return withDef(
    doc,
    { ...doc.definition, outputs },
    moveKey(doc.layout, nodeId('output', name), nodeId('output', output.name)),
  );
}

function mapAllSelectors(def: WorkflowDefinition, map: (s: string) => string | null): WorkflowDefinition {
  return {
    ...def,
    steps: def.steps.map((s) => mapStepSelectors(s, map)),
    outputs: def.outputs.flatMap((o) => {
      const sel = map(o.selector);
      return sel === null ? [] : [sel === o.selector ? o : { ...o, selector: sel }];
    }),
  };
}

export function renameStep(doc: EditorDocument, from: string, to: string): EditorDocument {
  if (from === to) return doc;
  if (!isValidName(to)) throw new Error(`Step name '${to}' must match [A-Za-z_0-9-]+.`);
  if (takenNames(doc.definition, 'step').has(to)) throw new Error(`A step named '${to}' already exists.`);
  const renamed = mapAllSelectors(doc.definition, (s) => renameInSelector(s, 'step', from, to));
  const steps = renamed.steps.map((s) => (s.name === from ? ({ ...s, name: to } as StepDef) : s));
  return withDef(doc, { ...renamed, steps }, moveKey(doc.layout, nodeId('step', from), nodeId('step', to)));
}

export function renameInput(doc: EditorDocument, from: string, to: string): EditorDocument {
  if (from === to) return doc;
  if (!isValidName(to)) throw new Error(`Input name '${to}' must match [A-Za-z_0-9-]+.`);
  if (takenNames(doc.definition, 'input').has(to)) throw new Error(`An input named '${to}' already exists.`);
  const renamed = mapAllSelectors(doc.definition, (s) => renameInSelector(s, 'input', from, to));
  const inputs = renamed.inputs.map((i) => (i.name === from ? ({ ...i, name: to } as InputDef) : i));
  return withDef(doc, { ...renamed, inputs }, moveKey(doc.layout, nodeId('input', from), nodeId('input', to)));
}

/** Delete nodes; selectors pointing at deleted inputs/steps are removed (outputs using them go too). */
export function removeNodes(doc: EditorDocument, ids: string[]): EditorDocument {
  const gone = ids.map(parseNodeId);
  const inputs = new Set(gone.filter((g) => g.kind === 'input').map((g) => g.name));
  const steps = new Set(gone.filter((g) => g.kind === 'step').map((g) => g.name));
  const outputs = new Set(gone.filter((g) => g.kind === 'output').map((g) => g.name));
  const base: WorkflowDefinition = {
    ...doc.definition,
    inputs: doc.definition.inputs.filter((i) => !inputs.has(i.name)),
    steps: doc.definition.steps.filter((s) => !steps.has(s.name)),
    outputs: doc.definition.outputs.filter((o) => !outputs.has(o.name)),
  };
  const cleaned = mapAllSelectors(base, (sel) => {
    const p = parseSelector(sel);
    if (!p) return sel;
    if (p.ref === 'input' ? inputs.has(p.name) : steps.has(p.name)) return null;
    return sel;
  });
  const removedOutputs = base.outputs.filter((o) => !cleaned.outputs.includes(o)).map((o) => nodeId('output', o.name));
  return withDef(doc, cleaned, dropKeys(doc.layout, [...ids, ...removedOutputs]));
}

/** The selector a source handle stands for. */
export function selectorFor(source: { node: string; handle: string }): string {
  const { kind, name } = parseNodeId(source.node);
  if (kind === 'input') return inputSelector(name);
  if (source.handle === FLOW_SOURCE) return stepSelector(name);
  return stepOutputSelector(name, source.handle);
}

/**
 * Wire a source handle into a target: a step property (scalar: replaced; list: appended; dict: added under
 * the source's name), a flow-control edge (the source step's step-selector list gets the target), or an
 * output node's selector. Compatibility is checked by the caller (kinds.ts).
 */
export function connect(
  doc: EditorDocument,
  catalog: BlockCatalog | null,
  source: { node: string; handle: string },
  target: { node: string; handle: string },
): EditorDocument {
  const targetNode = parseNodeId(target.node);
  if (targetNode.kind === 'output') {
    const output = doc.definition.outputs.find((o) => o.name === targetNode.name);
    if (!output) return doc;
    return updateOutput(doc, output.name, { ...output, selector: selectorFor(source) });
  }
  if (source.handle === FLOW_SOURCE || target.handle === '__flow__') {
    // Flow control: the *source* step lists the target step in its step-selector property.
    const from = parseNodeId(source.node).name;
    const step = doc.definition.steps.find((s) => s.name === from);
    const prop = catalog?.get(step?.type ?? '')?.properties.find((p) => p.selector?.selectedElement === 'step');
    if (!step || !prop) return doc;
    const sel = stepSelector(targetNode.name);
    const current = step[prop.name];
    if (prop.selector!.container === 'list') {
      const list = Array.isArray(current) ? current : [];
      return list.includes(sel) ? doc : setStepProperty(doc, from, prop.name, [...list, sel]);
    }
    return setStepProperty(doc, from, prop.name, sel);
  }
  const step = doc.definition.steps.find((s) => s.name === targetNode.name);
  if (!step) return doc;
  const sel = selectorFor(source);
  const block = catalog?.get(step.type);
  const container = block?.properties.find((p) => p.name === target.handle)?.selector?.container ?? 'scalar';
  const key = stepKeyFor(step, block, target.handle);
  const current = step[key];
  if (container === 'list') {
    const list = Array.isArray(current) ? current : [];
    return list.includes(sel) ? doc : setStepProperty(doc, step.name, key, [...list, sel]);
  }
  if (container === 'dict') {
    const dict = current && typeof current === 'object' && !Array.isArray(current) ? current : {};
    const entry = uniqueName(new Set(Object.keys(dict)), parseNodeId(source.node).name);
    return setStepProperty(doc, step.name, key, { ...dict, [entry]: sel });
  }
  return setStepProperty(doc, step.name, key, sel);
}

/** Remove the selector an edge stands for (the list element, dict entry, property or output selector). */
export function disconnect(doc: EditorDocument, edge: GraphEdge): EditorDocument {
  const holder = edge.control ? parseNodeId(edge.source) : parseNodeId(edge.target);
  if (holder.kind === 'output') {
    const output = doc.definition.outputs.find((o) => o.name === holder.name);
    return output ? updateOutput(doc, output.name, { ...output, selector: '' }) : doc;
  }
  const step = doc.definition.steps.find((s) => s.name === holder.name);
  const value = step?.[edge.property];
  if (!step || value === undefined) return doc;
  if (Array.isArray(value)) {
    return setStepProperty(
      doc,
      step.name,
      edge.property,
      value.filter((v, i) => !(i === edge.key && v === edge.selector)),
    );
  }
  if (value && typeof value === 'object') {
    const dict = { ...value };
    if (typeof edge.key === 'string' && dict[edge.key] === edge.selector) delete dict[edge.key];
    return setStepProperty(doc, step.name, edge.property, dict);
  }
  return value === edge.selector ? setStepProperty(doc, step.name, edge.property, undefined) : doc;
}

/** New positions; whatever else a layout entry holds (note text, collapsed/bypass flags) is kept. */
export function moveNodes(doc: EditorDocument, positions: LayoutMap): EditorDocument {
  const layout = { ...doc.layout };
  for (const [id, p] of Object.entries(positions)) layout[id] = { ...layout[id], ...p };
  return { definition: doc.definition, layout };
}
