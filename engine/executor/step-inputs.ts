// Builds the parameters a step receives at given batch indices (docs/roboflow-compatibility.md#execution): values at the step's execution
// dimensionality, nested Batches for data one level deeper, masks from flow control, empty-value elimination.
import { Batch, indexKey, type BatchIndex } from '../batch.ts';
import { StepExecutionError } from '../errors.ts';
import type { CompiledPlan, CompiledStep } from '../compiler/plan.ts';
import type { ParamSpec, Reference } from '../compiler/selectors.ts';
import type { RuntimeStore } from './store.ts';

/** A step property as the executor walks it; derived once per compiled step. */
interface PreparedParam {
  name: string;
  spec: ParamSpec;
  /** Dimensionality of the plugged data (0 = scalar). */
  dim: number;
  /** Scalar whose resolved value is the same object on every call within a run (literal or plain reference). */
  stable: boolean;
  /** Contains a `$steps.x.y` reference (only those make a scalar parameter "missing"). */
  refersToStepOutput: boolean;
}

const prepared = new WeakMap<CompiledStep, PreparedParam[]>();

function hasOutputRef(spec: ParamSpec): boolean {
  if (spec.kind === 'ref') return spec.ref.type === 'output';
  if (spec.kind === 'list') return spec.items.some(hasOutputRef);
  if (spec.kind === 'dict') return spec.entries.some(([, s]) => hasOutputRef(s));
  return false;
}

function prepare(step: CompiledStep): PreparedParam[] {
  let params = prepared.get(step);
  if (!params) {
    params = Object.entries(step.params).map(([name, spec]) => ({
      name,
      spec,
      dim: step.paramDims[name]!,
      // `$steps.x.*` resolves to a fresh copy per call, lists/dicts to fresh containers: not shared.
      stable:
        spec.kind === 'literal' || (spec.kind === 'ref' && !(spec.ref.type === 'output' && spec.ref.output === '*')),
      refersToStepOutput: hasOutputRef(spec),
    }));
    prepared.set(step, params);
  }
  return params;
}

/** True when a reference inside `spec` resolved to null (`value` is `spec` resolved). */
function missingIn(spec: ParamSpec, value: unknown, stepOutputsOnly: boolean): boolean {
  if (spec.kind === 'ref') {
    if (stepOutputsOnly && spec.ref.type !== 'output') return false;
    return spec.ref.type !== 'step' && value === null;
  }
  if (spec.kind === 'list') return spec.items.some((s, i) => missingIn(s, (value as unknown[])[i], stepOutputsOnly));
  if (spec.kind === 'dict')
    return spec.entries.some(([k, s]) => missingIn(s, (value as Record<string, unknown>)[k], stepOutputsOnly));
  return false;
}

export class StepInputs {
  readonly #params: PreparedParam[];
  /** Resolved stable scalar values, by parameter position (undefined = not resolved yet). */
  readonly #scalars: unknown[] = [];
  readonly #resolvedScalars: boolean[] = [];

  constructor(
    readonly plan: CompiledPlan,
    readonly store: RuntimeStore,
    readonly step: CompiledStep,
  ) {
    this.#params = prepare(step);
  }

  #lineageOf(ref: Reference): string[] {
    if (ref.type === 'input') return this.plan.inputsByName.get(ref.name)!.lineage;
    if (ref.type === 'output') return this.plan.steps.get(ref.step)!.outputLineage;
    return [];
  }

  #valueAt(ref: Reference, index: BatchIndex): unknown {
    if (ref.type === 'input') {
      const input = this.plan.inputsByName.get(ref.name)!;
      if (!input.isBatch) return this.store.params.get(ref.name) ?? null;
      return this.store.inputValues.get(ref.name)?.get(indexKey(index.slice(0, input.lineage.length))) ?? null;
    }
    if (ref.type === 'step') return ref.selector;
    const producer = this.plan.steps.get(ref.step)!;
    const byIndex = this.store.stepOutputs.get(ref.step);
    if (!byIndex) return null;
    const outputs = byIndex.get(
      producer.outputLineage.length === 0 ? '' : indexKey(index.slice(0, producer.outputLineage.length)),
    );
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
        return new Batch(
          children.map((c) => this.#valueAt(spec.ref, c)),
          children,
        );
      }
    }
  }

  /** A scalar parameter's value; stable ones are resolved once per step run. */
  #scalar(position: number): unknown {
    const param = this.#params[position]!;
    if (!param.stable) return this.resolve(param.spec, []);
    if (!this.#resolvedScalars[position]) {
      this.#scalars[position] = this.resolve(param.spec, []);
      this.#resolvedScalars[position] = true;
    }
    return this.#scalars[position];
  }

  /** True when flow control lets this index run. */
  allowed(index: BatchIndex): boolean {
    for (const controller of this.step.controllers) {
      const source = this.plan.steps.get(controller)!;
      const branch = source.branchOfTarget.get(this.step.name)!;
      const choices = this.store.flowChoices
        .get(controller)
        ?.get(indexKey(index.slice(0, source.outputLineage.length)));
      if (!choices || !choices.has(branch)) return false;
    }
    return true;
  }

  /**
   * True when a scalar step-output parameter is missing (the step then receives nothing). A property the block
   * lists in `requiredValues` (an e-mail password from a secret) fails the step instead, naming the selector.
   */
  missingScalarStepOutput(): boolean {
    for (let p = 0; p < this.#params.length; p++) {
      const param = this.#params[p]!;
      if (param.dim > 0 || !param.refersToStepOutput) continue;
      if (!missingIn(param.spec, this.#scalar(p), true)) continue;
      if (this.step.block.manifest.requiredValues?.includes(param.name)) throw this.#missingRequired(param);
      return true;
    }
    return false;
  }

  #missingRequired(param: PreparedParam): StepExecutionError {
    const selector = param.spec.kind === 'ref' ? param.spec.ref.selector : `\`${param.name}\``;
    const reason =
      `property '${param.name}' has no value: ${selector} is empty` +
      ' (when it is a secret: the environment variable it names is not set on the server)';
    return new StepExecutionError(
      `Error in execution of step ${this.step.selector}: ${reason}`,
      this.step.name,
      this.step.definition.type,
      {
        context: 'workflow_execution | step_execution',
        innerError: Object.assign(new Error(reason), { name: 'MissingRequiredValueError' }),
        blocksErrors: [
          {
            block_id: this.step.name,
            block_type: this.step.definition.type,
            property_name: param.name,
            property_details: reason,
          },
        ],
      },
    );
  }

  /** Values of one index, or null when the index is eliminated (missing data / masked). */
  valuesAt(index: BatchIndex): Record<string, unknown> | null {
    const acceptsEmpty = this.step.acceptsEmptyValues;
    const masked = this.step.controllers.length > 0 && !this.allowed(index);
    if (masked && !acceptsEmpty) return null;
    const values: Record<string, unknown> = {};
    for (let p = 0; p < this.#params.length; p++) {
      const param = this.#params[p]!;
      if (param.dim === 0) {
        values[param.name] = this.#scalar(p);
        continue;
      }
      let value = masked ? null : this.resolve(param.spec, index);
      if (!acceptsEmpty) {
        if (value instanceof Batch) {
          const keep = value.values.map((v, i) => (v === null ? -1 : i)).filter((i) => i >= 0);
          const batch: Batch = value;
          value =
            keep.length === batch.length
              ? batch
              : new Batch(
                  keep.map((i) => batch.values[i]),
                  keep.map((i) => batch.indices[i]!),
                );
        } else if (missingIn(param.spec, value, false)) {
          return null;
        }
      }
      values[param.name] = value;
    }
    return values;
  }
}
