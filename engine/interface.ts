// `/workflows/describe_interface` (docs/roboflow-compatibility.md#http-endpoints): kinds of inputs and outputs, typing hints, kinds' schemas.
import type { InterfaceDescription } from './api-types.ts';
import { WorkflowDefinitionError } from './errors.ts';
import { kindObject } from './kinds.ts';
import { KINDS_SCHEMAS } from './kinds-schemas.ts';
import type { CompiledPlan } from './compiler/plan.ts';
import { referencesOf } from './compiler/selectors.ts';

const CONTEXT = 'describe_workflow_interface';

export function describeInterface(plan: CompiledPlan): InterfaceDescription {
  const required = new Map<string, string[][]>();
  for (const step of plan.steps.values()) {
    for (const spec of Object.values(step.params)) {
      for (const { ref, allowed } of referencesOf(spec)) {
        if (ref.type !== 'input') continue;
        const kinds = [...new Set(allowed.flatMap((a) => a.kinds))];
        required.set(ref.name, [...(required.get(ref.name) ?? []), kinds]);
      }
    }
  }
  const inputs: Record<string, string[]> = {};
  for (const input of plan.inputs) {
    const sets = required.get(input.name);
    if (!sets) {
      inputs[input.name] = ['*'];
      continue;
    }
    const specific = sets.filter((s) => !s.includes('*'));
    for (let i = 0; i < specific.length; i++) {
      for (let j = i + 1; j < specific.length; j++) {
        if (!specific[i]!.some((k) => specific[j]!.includes(k))) {
          throw new WorkflowDefinitionError(
            `Input '${input.name}' is used by steps that require disjoint kinds: [${specific[i]!.join(', ')}] and [${specific[j]!.join(', ')}]`,
            { context: CONTEXT },
          );
        }
      }
    }
    const union = [...new Set(specific.flat())];
    const kinds = union.length ? union : ['*'];
    if (!input.kinds.includes('*') && !kinds.includes('*') && !kinds.some((k) => input.kinds.includes(k))) {
      throw new WorkflowDefinitionError(
        `Input '${input.name}' declares kinds [${input.kinds.join(', ')}] but is used where [${kinds.join(', ')}] is required`,
        { context: CONTEXT },
      );
    }
    inputs[input.name] = kinds;
  }
  const outputs: InterfaceDescription['outputs'] = {};
  for (const output of plan.outputs) {
    if (output.ref.type !== 'output') {
      throw new WorkflowDefinitionError(
        `Workflow output '${output.name}' does not contain step selector (got '${output.selector}')`,
        { context: CONTEXT },
      );
    }
    const ref = output.ref;
    const described = plan.steps.get(ref.step)!.block.manifest.outputs;
    if (ref.output === '*') {
      outputs[output.name] = Object.fromEntries(described.map((o) => [o.name, o.kind]));
    } else {
      outputs[output.name] =
        described.find((o) => o.name === ref.output)?.kind ??
        (typeof output.kinds === 'object' && Array.isArray(output.kinds) ? output.kinds : ['*']);
    }
  }
  const used = new Set<string>([...Object.values(inputs).flat()]);
  for (const value of Object.values(outputs))
    for (const k of Array.isArray(value) ? value : Object.values(value).flat()) used.add(k);
  const typingHints: Record<string, string> = {};
  const kindsSchemas: Record<string, unknown> = {};
  for (const kind of used) {
    typingHints[kind] = kindObject(kind).serialised_data_type;
    if (KINDS_SCHEMAS[kind]) kindsSchemas[kind] = KINDS_SCHEMAS[kind];
  }
  return { inputs, outputs, typing_hints: typingHints, kinds_schemas: kindsSchemas };
}
