// Builds the parameters a step receives at given batch indices (spec §3.4): values at the step's execution
// dimensionality, nested Batches for data one level deeper, masks from flow control, empty-value elimination.
import { Batch, type BatchIndex } from '../batch.ts';
import type { CompiledPlan, CompiledStep } from '../compiler/plan.ts';
import type { ParamSpec, Reference } from '../compiler/selectors.ts';
import { indexKeyOf, type RuntimeStore } from './store.ts';

export class StepInputs {
  constructor(readonly plan: CompiledPlan, readonly store: RuntimeStore, readonly step: CompiledStep) {}

  #lineageOf(ref: Reference): string[] {
    if (ref.type === 'input') return this.plan.inputsByName.get(ref.name)!.lineage;
    if (ref.type === 'output') return this.plan.steps.get(ref.step)!.outputLineage;
    return [];
  }

  #valueAt(ref: Reference, index: BatchIndex): unknown {
    if (ref.type === 'input') {
      const input = this.plan.inputsByName.get(ref.name)!;
      if (!input.isBatch) return this.store.params.get(ref.name) ?? null;
      return this.store.inputValues.get(ref.name)?.get(indexKeyOf(index.slice(0, input.lineage.length))) ?? null;
    }
    if (ref.type === 'step') return ref.selector;
    const producer = this.plan.steps.get(ref.step)!;
    const outputs = this.store.stepOutputs.get(ref.step)?.get(indexKeyOf(index.slice(0, producer.outputLineage.length)));
    if (!outputs) return null;
    if (ref.output === '*' && !producer.outputs.some((o) => o.name === '*')) return { ...outputs };
    return outputs[ref.output] ?? null;
  }

  /** Value of a parsed property at an execution index (nested Batch for data one level deeper). */
  resolve(spec: ParamSpec, index: BatchIndex): unknown {
    switch (spec.kind) {
      case 'literal':
        return spec.value;
      case 'list':
        return spec.items.map((s) => this.resolve(s, index));
      case 'dict':
        return Object.fromEntries(spec.entries.map(([k, s]) => [k, this.resolve(s, index)]));
      case 'ref': {
        const lineage = this.#lineageOf(spec.ref);
        if (lineage.length <= index.length) return this.#valueAt(spec.ref, index);
        const children = this.store.children(lineage, index.slice(0, lineage.length - 1));
        if (children.length === 0) return null;
        return new Batch(children.map((c) => this.#valueAt(spec.ref, c)), children);
      }
    }
  }

  /** True when flow control lets this index run. */
  allowed(index: BatchIndex): boolean {
    for (const controller of this.step.controllers) {
      const source = this.plan.steps.get(controller)!;
      const branch = source.branchOfTarget.get(this.step.name)!;
      const choices = this.store.flowChoices.get(controller)?.get(indexKeyOf(index.slice(0, source.outputLineage.length)));
      if (!choices || !choices.has(branch)) return false;
    }
    return true;
  }

  /** True when a scalar step-output parameter is missing (the step then receives nothing). */
  missingScalarStepOutput(): boolean {
    for (const [property, spec] of Object.entries(this.step.params)) {
      if (this.step.paramDims[property]! > 0) continue;
      if (this.#hasMissingRef(spec, [], true)) return true;
    }
    return false;
  }

  #hasMissingRef(spec: ParamSpec, index: BatchIndex, stepOutputsOnly: boolean): boolean {
    if (spec.kind === 'ref') {
      if (stepOutputsOnly && spec.ref.type !== 'output') return false;
      return spec.ref.type !== 'step' && this.resolve(spec, index) === null;
    }
    if (spec.kind === 'list') return spec.items.some((s) => this.#hasMissingRef(s, index, stepOutputsOnly));
    if (spec.kind === 'dict') return spec.entries.some(([, s]) => this.#hasMissingRef(s, index, stepOutputsOnly));
    return false;
  }

  /** Values of one index, or null when the index is eliminated (missing data / masked). */
  valuesAt(index: BatchIndex): Record<string, unknown> | null {
    const acceptsEmpty = this.step.acceptsEmptyValues;
    const masked = !this.allowed(index);
    if (masked && !acceptsEmpty) return null;
    const values: Record<string, unknown> = {};
    for (const [property, spec] of Object.entries(this.step.params)) {
      const isBatchData = this.step.paramDims[property]! > 0;
      if (!isBatchData) {
        values[property] = this.resolve(spec, []);
        continue;
      }
      let value = masked ? null : this.resolve(spec, index);
      if (!acceptsEmpty) {
        if (value instanceof Batch) {
          const keep = value.values.map((v, i) => (v === null ? -1 : i)).filter((i) => i >= 0);
          const batch: Batch = value;
          value = keep.length === batch.length ? batch : new Batch(keep.map((i) => batch.values[i]), keep.map((i) => batch.indices[i]!));
        } else if (this.#hasMissingRef(spec, index, false)) {
          return null;
        }
      }
      values[property] = value;
    }
    return values;
  }
}

