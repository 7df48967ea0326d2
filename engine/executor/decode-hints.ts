// Decode-to-size for workflows: an image input whose only consumers are steps that read it at some size (their
// manifest's decodeHint, e.g. a classifier's input size) and that no output returns is decoded straight to about
// that size (JPEG shrink-on-load, WorkflowImage.sourceSize keeps the source's size). One consumer wanting full
// resolution (a crop, a detector, a visualization, anything without a hint) keeps the full decode.
import type { DecodeHint, RunOptions } from '../api-types.ts';
import type { Services } from '../block.ts';
import type { CompiledPlan, CompiledStep } from '../compiler/plan.ts';
import type { ParamSpec } from '../compiler/selectors.ts';

function refersTo(spec: ParamSpec, input: string): boolean {
  switch (spec.kind) {
    case 'ref':
      return spec.ref.type === 'input' && spec.ref.name === input;
    case 'list':
      return spec.items.some((item) => refersTo(item, input));
    case 'dict':
      return spec.entries.some(([, value]) => refersTo(value, input));
    default:
      return false;
  }
}

/** Consumers of each image input, or null when an output returns the input itself (cached per plan). */
const consumersByPlan = new WeakMap<CompiledPlan, Map<string, CompiledStep[] | null>>();

function consumersOf(plan: CompiledPlan): Map<string, CompiledStep[] | null> {
  let consumers = consumersByPlan.get(plan);
  if (consumers) return consumers;
  consumers = new Map();
  for (const input of plan.inputs) {
    if (input.type !== 'WorkflowImage') continue;
    const returned = plan.outputs.some((o) => o.ref.type === 'input' && o.ref.name === input.name);
    const steps = [...plan.steps.values()].filter((step) =>
      Object.values(step.params).some((spec) => refersTo(spec, input.name)),
    );
    consumers.set(input.name, returned || steps.length === 0 ? null : steps);
  }
  consumersByPlan.set(plan, consumers);
  return consumers;
}

/** The decode hints of a run's image inputs; undefined when none can be decoded small. */
export async function workflowDecodeHints(
  plan: CompiledPlan,
  services: Services,
  options: RunOptions,
): Promise<Record<string, DecodeHint> | undefined> {
  let hints: Record<string, DecodeHint> | undefined;
  for (const [input, steps] of consumersOf(plan)) {
    if (!steps || !steps.every((step) => step.block.manifest.decodeHint)) continue;
    const sizes = await Promise.all(
      steps.map((step) =>
        step.block.manifest.decodeHint!(step.definition, services, { apiKey: options.apiKey }).catch(() => null),
      ),
    );
    if (sizes.some((size) => !size)) continue;
    hints ??= {};
    const wanted = sizes as DecodeHint[];
    const [first] = wanted;
    // Decoded to the exact size only when every consumer stretches to that same size.
    const stretch = wanted.every((s) => s.stretch && s.width === first!.width && s.height === first!.height);
    hints[input] = {
      width: Math.max(...wanted.map((size) => size.width)),
      height: Math.max(...wanted.map((size) => size.height)),
      ...(stretch ? { stretch } : {}),
    };
  }
  return hints;
}
