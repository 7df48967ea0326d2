// What a run accumulates: input values, step outputs per batch index, indices per lineage, flow-control choices.
import { indexKey, type BatchIndex } from '../batch.ts';
import type { StepOutputs } from '../block.ts';
import { lineageKey } from '../compiler/plan.ts';

export class RuntimeStore {
  /** Batch inputs: name → index key → value. */
  readonly inputValues = new Map<string, Map<string, unknown>>();
  /** Scalar parameters. */
  readonly params = new Map<string, unknown>();
  /** Step → index key ('' for scalar steps) → outputs. */
  readonly stepOutputs = new Map<string, Map<string, StepOutputs>>();
  /** Flow-control step → index key → selected branch names. */
  readonly flowChoices = new Map<string, Map<string, Set<string>>>();
  readonly #indices = new Map<string, BatchIndex[]>();
  /** lineage key → parent index key → children, so fan-in lookups stay linear. */
  readonly #children = new Map<string, Map<string, BatchIndex[]>>();

  ensureLineage(lineage: readonly string[]): BatchIndex[] {
    const key = lineageKey(lineage);
    let list = this.#indices.get(key);
    if (!list) {
      list = [];
      this.#indices.set(key, list);
    }
    return list;
  }

  registerIndex(lineage: readonly string[], index: BatchIndex): void {
    this.ensureLineage(lineage).push(index);
    const key = lineageKey(lineage);
    let byParent = this.#children.get(key);
    if (!byParent) this.#children.set(key, (byParent = new Map()));
    const parent = indexKey(index.slice(0, -1));
    const list = byParent.get(parent);
    if (list) list.push(index);
    else byParent.set(parent, [index]);
  }

  indices(lineage: readonly string[]): BatchIndex[] {
    if (lineage.length === 0) return [[]];
    return this.#indices.get(lineageKey(lineage)) ?? [];
  }

  /** Indices of `lineage` under a parent index (children grouped by prefix). */
  children(lineage: readonly string[], parent: BatchIndex): BatchIndex[] {
    if (lineage.length !== parent.length + 1) return [];
    return this.#children.get(lineageKey(lineage))?.get(indexKey(parent)) ?? [];
  }

  outputsOf(step: string): Map<string, StepOutputs> {
    let map = this.stepOutputs.get(step);
    if (!map) {
      map = new Map();
      this.stepOutputs.set(step, map);
    }
    return map;
  }
}
