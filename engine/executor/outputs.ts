// Output construction (docs/roboflow-compatibility.md#outputs): one dict per input item, nested lists for deeper outputs, null / [] for
// missing data, scalars copied into every dict, emergent batches attached to every dict.
import { indexKey, type BatchIndex } from '../batch.ts';
import type { CompiledPlan, OutputSpec } from '../compiler/plan.ts';
import { WORKFLOW_INPUT_LINEAGE } from '../compiler/plan.ts';
import { serializeOutput } from '../serialize.ts';
import { toRootCoordinates } from './coordinates.ts';
import type { RuntimeStore } from './store.ts';

function lineageOf(plan: CompiledPlan, output: OutputSpec): string[] {
  return output.ref.type === 'input'
    ? plan.inputsByName.get(output.ref.name)!.lineage
    : plan.steps.get(output.ref.step)!.outputLineage;
}

function valueAt(plan: CompiledPlan, store: RuntimeStore, output: OutputSpec, index: BatchIndex): unknown {
  const ref = output.ref;
  if (ref.type === 'input') {
    const input = plan.inputsByName.get(ref.name)!;
    if (!input.isBatch) return store.params.get(ref.name) ?? null;
    return store.inputValues.get(ref.name)?.get(indexKey(index)) ?? null;
  }
  const outputs = store.stepOutputs.get(ref.step)?.get(indexKey(index));
  if (!outputs) return null;
  if (ref.output === '*' && typeof output.kinds === 'object' && !Array.isArray(output.kinds)) return { ...outputs };
  return outputs[ref.output] ?? null;
}

/** `[]` nested `depth` levels deep: `[]` for 1, `[[]]` for 2. */
function emptyNested(depth: number): unknown[] {
  return depth <= 1 ? [] : [emptyNested(depth - 1)];
}

/** Nested lists below `prefix`, down to the output's dimensionality. */
function nested(
  plan: CompiledPlan,
  store: RuntimeStore,
  output: OutputSpec,
  lineage: string[],
  prefix: BatchIndex,
): unknown {
  if (prefix.length === lineage.length) return valueAt(plan, store, output, prefix);
  const children = store.children(lineage.slice(0, prefix.length + 1), prefix);
  // Roboflow's output construction (docs/roboflow-compatibility.md#outputs): an element without children keeps the output's shape (dim 3 → [[]]); the emergent root
  // (empty prefix) stays a flat [].
  if (children.length === 0 && prefix.length > 0) return emptyNested(lineage.length - prefix.length);
  return children.map((child) => nested(plan, store, output, lineage, child));
}

export async function buildOutputs(
  plan: CompiledPlan,
  store: RuntimeStore,
  serialize: boolean,
): Promise<Array<Record<string, unknown>>> {
  const lineages = new Map(plan.outputs.map((o) => [o.name, lineageOf(plan, o)]));
  const inputRooted = plan.outputs.some((o) => lineages.get(o.name)![0] === WORKFLOW_INPUT_LINEAGE);
  const size = inputRooted ? store.indices([WORKFLOW_INPUT_LINEAGE]).length : 1;
  const results: Array<Record<string, unknown>> = Array.from({ length: size }, () => ({}));
  for (const output of plan.outputs) {
    const lineage = lineages.get(output.name)!;
    const finish = async (value: unknown) => {
      const converted = output.coordinatesSystem === 'parent' ? toRootCoordinates(value) : value;
      return serialize ? serializeOutput(converted, output.kinds) : converted;
    };
    if (lineage.length === 0) {
      const value = await finish(valueAt(plan, store, output, []));
      for (const r of results) r[output.name] = value;
    } else if (lineage[0] === WORKFLOW_INPUT_LINEAGE) {
      await Promise.all(
        results.map(async (r, i) => {
          r[output.name] = await finish(nested(plan, store, output, lineage, [i]));
        }),
      );
    } else {
      const value = await finish(nested(plan, store, output, lineage, []));
      for (const r of results) r[output.name] = value;
    }
  }
  return results;
}
