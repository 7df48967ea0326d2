// Stage 10a: references, kinds, control-flow edges, cycle check and layers (spec §1.5, §2.2, §3.2).
import { Graph, alg } from '@dagrejs/graphlib';
import type { OutputDefinition } from '../block.ts';
import { ExecutionGraphStructureError, InvalidReferenceTargetError, ReferenceTypeError } from '../errors.ts';
import { kindsCompatible } from '../kinds.ts';
import type { ParsedDefinition, ParsedStep } from './parse.ts';
import type { CompiledStep, InputSpec, InputSubstitution, OutputSpec } from './plan.ts';
import { parseProperty, parseSelector, propertyReferences, referencesOf, type ParamSpec } from './selectors.ts';
import { echo } from './echo.ts';

const GRAPH_CONTEXT = 'workflow_compilation | execution_graph_construction';

/** Steps a definition may have (WORKFLOWS_MAX_STEPS); ordering is iterative, the cap bounds compile time. */
export const DEFAULT_MAX_WORKFLOW_STEPS = 10_000;

export interface GraphResult {
  steps: Map<string, CompiledStep>;
  /** Step names in topological order. */
  order: string[];
  layers: string[][];
  outputs: OutputSpec[];
  substitutions: InputSubstitution[];
}

function actualOutputs(step: ParsedStep): OutputDefinition[] {
  return step.block.manifest.actualOutputs?.(step.definition) ?? step.block.manifest.outputs;
}

function outputKinds(outputs: OutputDefinition[], name: string): string[] | undefined {
  return outputs.find((o) => o.name === name)?.kind;
}

/**
 * graphlib's topsort, without recursion: the same order (post-order from the sinks over predecessors), or null
 * when the graph has a cycle. graphlib's recursive one overflows the stack on chains of a few thousand steps.
 */
export function topsort(graph: Graph): string[] | null {
  const visited = new Set<string>();
  const onPath = new Set<string>();
  const results: string[] = [];
  for (const sink of graph.sinks()) {
    if (visited.has(sink)) continue;
    const stack = [{ node: sink, preds: graph.predecessors(sink) ?? [], next: 0 }];
    visited.add(sink);
    onPath.add(sink);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.next < top.preds.length) {
        const pred = top.preds[top.next++]!;
        if (onPath.has(pred)) return null;
        if (visited.has(pred)) continue;
        visited.add(pred);
        onPath.add(pred);
        stack.push({ node: pred, preds: graph.predecessors(pred) ?? [], next: 0 });
      } else {
        stack.pop();
        onPath.delete(top.node);
        results.push(top.node);
      }
    }
  }
  return visited.size === graph.nodeCount() ? results : null;
}

/** The cycles to name in the error; graphlib's Tarjan recurses, so a huge cycle is reported without the list. */
function findCycles(graph: Graph): string[][] {
  try {
    return alg.findCycles(graph);
  } catch (error) {
    if (error instanceof RangeError) return [];
    throw error;
  }
}

export function buildGraph(parsed: ParsedDefinition, inputs: ReadonlyMap<string, InputSpec>): GraphResult {
  const parsedSteps = new Map(parsed.steps.map((s) => [s.definition.name, s]));
  const outputsOf = new Map(parsed.steps.map((s) => [s.definition.name, actualOutputs(s)]));
  const graph = new Graph({ directed: true });
  const steps = new Map<string, CompiledStep>();
  const substitutions: InputSubstitution[] = [];
  for (const name of parsedSteps.keys()) graph.setNode(name);

  for (const { definition, block } of parsed.steps) {
    const manifest = block.manifest;
    const stepName = definition.name;
    const blockError = (property: string, details: string) => ({
      block_id: stepName,
      block_type: definition.type,
      property_name: property,
      property_details: details,
    });
    const stepSelectorExpected = (property: string, selector: string) =>
      new ExecutionGraphStructureError(
        `Step ${echo(stepName)} property ${echo(property)} expects a step selector ($steps.<name>), got ${echo(selector)}`,
        { context: GRAPH_CONTEXT, blocksErrors: [blockError(property, 'expected a step selector')] },
      );
    const params: Record<string, ParamSpec> = {};
    const branchOfTarget = new Map<string, string>();
    for (const [property, schema] of Object.entries(manifest.properties)) {
      const refs = propertyReferences(schema);
      const spec = parseProperty(definition[property], refs);
      params[property] = spec;
      if (spec.kind === 'ref' && spec.ref.type === 'input' && inputs.get(spec.ref.name)?.type === 'WorkflowParameter') {
        substitutions.push({ input: spec.ref.name, step: stepName, property });
      }
      for (const { ref, allowed, key } of referencesOf(spec)) {
        const stepOnly = allowed.every((a) => a.selectedElement === 'step');
        if (ref.type === 'input') {
          const input = inputs.get(ref.name);
          if (!input) {
            throw new InvalidReferenceTargetError(
              `Workflow references ${echo(ref.selector)} which points to a non-existent input parameter (step ${echo(stepName)}, property ${echo(property)}).`,
              {
                context: GRAPH_CONTEXT,
                blocksErrors: [blockError(property, `input ${echo(ref.name)} is not declared`)],
              },
            );
          }
          if (stepOnly) {
            throw stepSelectorExpected(property, ref.selector);
          }
          checkKinds(
            stepName,
            property,
            ref.selector,
            allowed.flatMap((a) => a.kinds),
            input.kinds,
          );
          continue;
        }
        if (!parsedSteps.has(ref.step)) {
          throw new InvalidReferenceTargetError(
            `Workflow references ${echo(ref.selector)} which points to a non-existent block (step ${echo(stepName)}, property ${echo(property)}).`,
            { context: GRAPH_CONTEXT, blocksErrors: [blockError(property, `step ${echo(ref.step)} does not exist`)] },
          );
        }
        if (ref.type === 'step') {
          if (!allowed.some((a) => a.selectedElement === 'step')) {
            throw new ExecutionGraphStructureError(
              `Step ${echo(stepName)} uses step selector ${echo(ref.selector)} in property ${echo(property)}, but the manifest of ${definition.type} does not define any properties of type \`StepSelector\` there (expected a step output selector like $steps.x.output).`,
              {
                context: GRAPH_CONTEXT,
                blocksErrors: [blockError(property, 'step selectors are not accepted in this property')],
              },
            );
          }
          const branch =
            key === undefined
              ? `Branch[${'$steps.' + stepName} -> ${property}]`
              : `Branch[$steps.${stepName} -> ${property}[${key}]]`;
          if (branchOfTarget.has(ref.step)) {
            throw new ExecutionGraphStructureError(
              `Step ${echo(stepName)} selects step ${echo(ref.step)} more than once (property ${echo(property)})`,
              {
                context: GRAPH_CONTEXT,
                blocksErrors: [blockError(property, `${echo(ref.selector)} is referenced twice`)],
              },
            );
          }
          branchOfTarget.set(ref.step, branch);
          graph.setEdge(stepName, ref.step);
          continue;
        }
        if (stepOnly) {
          throw stepSelectorExpected(property, ref.selector);
        }
        const producerOutputs = outputsOf.get(ref.step)!;
        const actual = outputKinds(producerOutputs, ref.output);
        if (!actual) {
          throw new ExecutionGraphStructureError(
            `Found reference to non-existing property ${echo(ref.output)} of step ${echo(ref.step)} (selector ${echo(ref.selector)} used by step ${echo(stepName)}, property ${echo(property)}). Available outputs: ${producerOutputs.map((o) => o.name).join(', ')}`,
            {
              context: GRAPH_CONTEXT,
              blocksErrors: [blockError(property, `step ${echo(ref.step)} has no output ${echo(ref.output)}`)],
            },
          );
        }
        checkKinds(
          stepName,
          property,
          ref.selector,
          allowed.flatMap((a) => a.kinds),
          actual,
        );
        graph.setEdge(ref.step, stepName);
      }
    }
    steps.set(stepName, {
      name: stepName,
      selector: `$steps.${stepName}`,
      block,
      definition,
      params,
      outputs: outputsOf.get(stepName)!,
      batchMode: !!(manifest.batchParameters?.length || manifest.batchOrScalarParameters?.length),
      acceptsEmptyValues: !!manifest.acceptsEmptyValues,
      batchParams: new Set([
        ...(manifest.batchParameters ?? []),
        ...(manifest.batchOrScalarParameters ?? []),
        ...(manifest.autoBatchCastParameters ?? []),
      ]),
      autoCastParams: new Set(),
      paramDims: {},
      executionDim: 0,
      executionLineage: [],
      outputLineage: [],
      outputOffset: manifest.outputDimensionalityOffset ?? 0,
      simd: false,
      controllers: [],
      branchOfTarget,
      layer: 0,
    });
  }
  for (const step of steps.values())
    for (const target of step.branchOfTarget.keys()) steps.get(target)!.controllers.push(step.name);

  const order = topsort(graph);
  if (!order) {
    const cycles = findCycles(graph);
    throw new ExecutionGraphStructureError(
      `Detected cycle in execution graph: ${cycles.map((c) => c.join(' -> ')).join('; ')}`,
      {
        context: GRAPH_CONTEXT,
        blocksErrors: (cycles[0] ?? []).map((name) => ({
          block_id: name,
          block_type: steps.get(name)?.definition.type ?? null,
        })),
      },
    );
  }
  const layerOf = new Map<string, number>();
  for (const name of order) {
    const preds = graph.predecessors(name) ?? [];
    const layer = preds.length ? Math.max(...preds.map((p) => layerOf.get(p)! + 1)) : 0;
    layerOf.set(name, layer);
    steps.get(name)!.layer = layer;
  }
  const layers: string[][] = [];
  for (const name of order) (layers[layerOf.get(name)!] ??= []).push(name);

  const outputs = parsed.outputs.map((o): OutputSpec => {
    const ref = parseSelector(o.selector);
    if (!ref || ref.type === 'step') {
      throw new InvalidReferenceTargetError(
        `Output ${echo(o.name)} has selector ${echo(o.selector)} which is neither $inputs.<name> nor $steps.<step>.<output>`,
        {
          context: GRAPH_CONTEXT,
          blocksErrors: [{ block_id: o.name, property_name: 'selector', property_details: 'invalid selector' }],
        },
      );
    }
    if (ref.type === 'input') {
      const input = inputs.get(ref.name);
      if (!input) {
        throw new InvalidReferenceTargetError(
          `Workflow references ${echo(o.selector)} which points to a non-existent input parameter (output ${echo(o.name)}).`,
          {
            context: GRAPH_CONTEXT,
            blocksErrors: [
              {
                block_id: o.name,
                property_name: 'selector',
                property_details: `input ${echo(ref.name)} is not declared`,
              },
            ],
          },
        );
      }
      return { name: o.name, selector: o.selector, ref, coordinatesSystem: o.coordinatesSystem, kinds: input.kinds };
    }
    const producer = outputsOf.get(ref.step);
    if (!producer) {
      throw new InvalidReferenceTargetError(
        `Workflow references ${echo(o.selector)} which points to a non-existent block (output ${echo(o.name)}).`,
        {
          context: GRAPH_CONTEXT,
          blocksErrors: [
            { block_id: o.name, property_name: 'selector', property_details: `step ${echo(ref.step)} does not exist` },
          ],
        },
      );
    }
    let kinds: string[] | Record<string, string[]> | undefined;
    if (ref.output === '*' && !producer.some((p) => p.name === '*'))
      kinds = Object.fromEntries(producer.map((p) => [p.name, p.kind]));
    else kinds = outputKinds(producer, ref.output);
    if (!kinds) {
      throw new InvalidReferenceTargetError(
        `Workflow references ${echo(o.selector)} which points to a non-existent block property (output ${echo(o.name)}). Available outputs of ${echo(ref.step)}: ${producer.map((p) => p.name).join(', ')}`,
        {
          context: GRAPH_CONTEXT,
          blocksErrors: [
            {
              block_id: o.name,
              property_name: 'selector',
              property_details: `step ${echo(ref.step)} has no output ${echo(ref.output)}`,
            },
          ],
        },
      );
    }
    return { name: o.name, selector: o.selector, ref, coordinatesSystem: o.coordinatesSystem, kinds };
  });
  return { steps, order, layers, outputs, substitutions };
}

function checkKinds(stepName: string, property: string, selector: string, expected: string[], actual: string[]): void {
  if (expected.length === 0 || kindsCompatible(expected, actual)) return;
  throw new ReferenceTypeError(
    `Failed to validate reference ${echo(selector)} of step ${echo(stepName)}, property ${echo(property)}: the property accepts kinds [${expected.join(', ')}], but the referred data has kinds [${actual.join(', ')}].`,
    {
      context: GRAPH_CONTEXT,
      blocksErrors: [
        {
          block_id: stepName,
          property_name: property,
          property_details: `expected kinds [${expected.join(', ')}], got [${actual.join(', ')}]`,
        },
      ],
    },
  );
}
