// Step output cache keys and step ancestry. A step's key hashes its definition (block type, parameters, model id,
// name) with the identity of everything it reads: workflow inputs by content, upstream steps and the flow-control
// steps gating it by their own keys. Equal keys therefore mean equal outputs, for deterministic blocks.
// A block that is stateful, has side effects or reads time/randomness declares `cacheable: false` in its manifest
// (sinks are never cached even without it); such a step gets no key, and neither does anything downstream of it.
import { createHash, type Hash } from 'node:crypto';
import type { CompiledPlan, CompiledStep } from '../compiler/plan.ts';
import type { ParamSpec } from '../compiler/selectors.ts';
import { canonicalHash } from '../compiler/cache.ts';
import { Detections } from '../detections.ts';
import { WorkflowImage } from '../image.ts';
import type { RuntimeStore } from './store.ts';

/** UQL operations whose result differs on every call; a step using one is not cacheable. */
const NON_DETERMINISTIC_OPERATIONS = ['"RandomNumber"'];

const definitionHashes = new WeakMap<CompiledStep, string>();
const imageHashes = new WeakMap<WorkflowImage, string>();
const dependencies = new WeakMap<CompiledStep, { inputs: string[]; steps: string[] }>();

export function isCacheable(step: CompiledStep): boolean {
  const manifest = step.block.manifest;
  const declared = typeof manifest.cacheable === 'function' ? manifest.cacheable(step.definition) : manifest.cacheable;
  if (declared === false || (declared === undefined && manifest.blockType === 'sink')) return false;
  const text = JSON.stringify(step.definition);
  return !NON_DETERMINISTIC_OPERATIONS.some((op) => text.includes(op));
}

function collect(spec: ParamSpec, inputs: Set<string>, steps: Set<string>): void {
  if (spec.kind === 'ref') {
    if (spec.ref.type === 'input') inputs.add(spec.ref.name);
    // `step` references (flow-control targets) point downstream, not at data this step reads.
    else if (spec.ref.type === 'output') steps.add(spec.ref.step);
  } else if (spec.kind === 'list') for (const item of spec.items) collect(item, inputs, steps);
  else if (spec.kind === 'dict') for (const [, item] of spec.entries) collect(item, inputs, steps);
}

/** Workflow inputs and steps a step reads from (data references and the flow-control steps gating it). */
export function dependenciesOf(step: CompiledStep): { inputs: string[]; steps: string[] } {
  let deps = dependencies.get(step);
  if (!deps) {
    const inputs = new Set<string>();
    const steps = new Set<string>();
    for (const spec of Object.values(step.params)) collect(spec, inputs, steps);
    for (const controller of step.controllers) steps.add(controller);
    deps = { inputs: [...inputs].sort(), steps: [...steps].sort() };
    dependencies.set(step, deps);
  }
  return deps;
}

/** The given steps and every step they depend on, transitively. Unknown names are ignored. */
export function ancestorsOf(plan: CompiledPlan, targets: readonly string[]): Set<string> {
  const out = new Set<string>();
  const stack = targets.filter((t) => plan.steps.has(t));
  while (stack.length) {
    const name = stack.pop()!;
    if (out.has(name)) continue;
    out.add(name);
    for (const dep of dependenciesOf(plan.steps.get(name)!).steps) stack.push(dep);
  }
  return out;
}

function imageHash(image: WorkflowImage): string {
  let hash = imageHashes.get(image);
  if (!hash) {
    hash = createHash('sha256')
      .update(`${image.width}x${image.height}\u0000`)
      .update(image.pixels)
      .update(JSON.stringify(image.lineage()))
      .digest('base64');
    imageHashes.set(image, hash);
  }
  return hash;
}

/** Feeds a runtime value's identity into a hash: content for images and typed arrays, structure for the rest. */
function feed(hash: Hash, value: unknown): void {
  if (value instanceof WorkflowImage) hash.update(`i${imageHash(value)}`);
  else if (ArrayBuffer.isView(value))
    hash.update(`b${value.byteLength}:`).update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else if (value instanceof Detections) {
    hash.update('d');
    for (const part of [value.xyxy, value.confidence, value.classId, value.trackerId, value.masks, value.data])
      feed(hash, part);
  } else if (Array.isArray(value)) {
    hash.update(`[${value.length}:`);
    for (const item of value) feed(hash, item);
    hash.update(']');
  } else if (value && typeof value === 'object') {
    hash.update('{');
    for (const key of Object.keys(value).sort()) {
      hash.update(JSON.stringify(key) + ':');
      feed(hash, (value as Record<string, unknown>)[key]);
    }
    hash.update('}');
  } else hash.update(value === undefined ? 'u' : `${JSON.stringify(value)};`);
}

function inputIdentity(plan: CompiledPlan, store: RuntimeStore, name: string): string {
  const hash = createHash('sha256');
  const spec = plan.inputsByName.get(name);
  if (spec?.isBatch) {
    for (const [index, value] of store.inputValues.get(name) ?? []) {
      hash.update(`@${index}:`);
      feed(hash, value);
    }
  } else feed(hash, store.params.get(name));
  return hash.digest('base64');
}

/**
 * Keys for every step of the plan (null: not cacheable, itself or upstream). Call after the inputs are assembled.
 */
export function stepKeys(plan: CompiledPlan, store: RuntimeStore): Map<string, string | null> {
  const inputs = new Map<string, string>();
  const keys = new Map<string, string | null>();
  for (const layer of plan.layers) {
    for (const name of layer) {
      const step = plan.steps.get(name)!;
      const deps = dependenciesOf(step);
      if (!isCacheable(step) || deps.steps.some((d) => keys.get(d) == null)) {
        keys.set(name, null);
        continue;
      }
      let definition = definitionHashes.get(step);
      if (!definition) definitionHashes.set(step, (definition = canonicalHash(step.definition)));
      const hash = createHash('sha256').update(definition);
      for (const input of deps.inputs) {
        let identity = inputs.get(input);
        if (!identity) inputs.set(input, (identity = inputIdentity(plan, store, input)));
        hash.update(`|in:${input}=${identity}`);
      }
      for (const dep of deps.steps) hash.update(`|step:${dep}=${keys.get(dep)}`);
      keys.set(name, hash.digest('base64'));
    }
  }
  return keys;
}
