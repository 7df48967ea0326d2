// Stage 10a: references, kinds, control-flow edges, cycle check and layers (docs/roboflow-compatibility.md#selectors-and-literals, #graph-and-kinds, #execution).
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

/** What every per-step check needs: the graph being built, the steps' outputs and the declared inputs. */
interface GraphContext {
  graph: Graph;
  inputs: ReadonlyMap<string, InputSpec>;
  parsedSteps: ReadonlyMap<string, ParsedStep>;
  outputsOf: ReadonlyMap<string, OutputDefinition[]>;
  substitutions: InputSubstitution[];
}

/** The step being connected, and how its errors name it. */
interface StepScope {
  name: string;
  type: string;
  /** Control-flow branches of this step by target step name. */
  branchOfTarget: Map<string, string>;
}

/**
 * The execution graph, as a list of named checks: connect every step (its references checked one by one), link
 * controllers, order the steps (refusing cycles), group them into layers, then resolve the workflow outputs.
 */
export function buildGraph(parsed: ParsedDefinition, inputs: ReadonlyMap<string, InputSpec>): GraphResult {
  const ctx: GraphContext = {
    graph: new Graph({ directed: true }),
    inputs,
    parsedSteps: new Map(parsed.steps.map((s) => [s.definition.name, s])),
    outputsOf: new Map(parsed.steps.map((s) => [s.definition.name, actualOutputs(s)])),
    substitutions: [],
  };
  for (const name of ctx.parsedSteps.keys()) ctx.graph.setNode(name);
  const steps = new Map<string, CompiledStep>();
  for (const step of parsed.steps) steps.set(step.definition.name, connectStep(ctx, step));
  linkControllers(steps);
  const order = orderSteps(ctx.graph, steps);
  const layers = assignLayers(ctx.graph, order, steps);
  const outputs = parsed.outputs.map((o) => resolveOutput(o, ctx));
  return { steps, order, layers, outputs, substitutions: ctx.substitutions };
}

function blockError(scope: StepScope, property: string, details: string) {
  return { block_id: scope.name, block_type: scope.type, property_name: property, property_details: details };
}

/** Parses every property of a step, checks each reference it makes and adds its edges to the graph. */
function connectStep(ctx: GraphContext, { definition, block }: ParsedStep): CompiledStep {
  const scope: StepScope = { name: definition.name, type: definition.type, branchOfTarget: new Map() };
  const params: Record<string, ParamSpec> = {};
  for (const [property, schema] of Object.entries(block.manifest.properties)) {
    const spec = parseProperty(definition[property], propertyReferences(schema));
    params[property] = spec;
    if (
      spec.kind === 'ref' &&
      spec.ref.type === 'input' &&
      ctx.inputs.get(spec.ref.name)?.type === 'WorkflowParameter'
    ) {
      ctx.substitutions.push({ input: spec.ref.name, step: scope.name, property });
    }
    for (const reference of referencesOf(spec)) checkReference(ctx, scope, property, reference);
  }
  return compiledStep({ definition, block }, params, ctx.outputsOf.get(scope.name)!, scope.branchOfTarget);
}

type Reference = ReturnType<typeof referencesOf>[number];

function checkReference(ctx: GraphContext, scope: StepScope, property: string, { ref, allowed, key }: Reference): void {
  const stepOnly = allowed.every((a) => a.selectedElement === 'step');
  const expected = allowed.flatMap((a) => a.kinds);
  if (ref.type === 'input') {
    const input = ctx.inputs.get(ref.name);
    if (!input) {
      throw new InvalidReferenceTargetError(
        `Workflow references ${echo(ref.selector)} which points to a non-existent input parameter (step ${echo(scope.name)}, property ${echo(property)}).`,
        {
          context: GRAPH_CONTEXT,
          blocksErrors: [blockError(scope, property, `input ${echo(ref.name)} is not declared`)],
        },
      );
    }
    if (stepOnly) throw stepSelectorExpected(scope, property, ref.selector);
    checkKinds(scope.name, property, ref.selector, expected, input.kinds);
    return;
  }
  if (!ctx.parsedSteps.has(ref.step)) {
    throw new InvalidReferenceTargetError(
      `Workflow references ${echo(ref.selector)} which points to a non-existent block (step ${echo(scope.name)}, property ${echo(property)}).`,
      { context: GRAPH_CONTEXT, blocksErrors: [blockError(scope, property, `step ${echo(ref.step)} does not exist`)] },
    );
  }
  if (ref.type === 'step') {
    addControlFlowEdge(ctx, scope, property, ref, allowed, key);
    return;
  }
  if (stepOnly) throw stepSelectorExpected(scope, property, ref.selector);
  const producerOutputs = ctx.outputsOf.get(ref.step)!;
  const actual = outputKinds(producerOutputs, ref.output);
  if (!actual) {
    throw new ExecutionGraphStructureError(
      `Found reference to non-existing property ${echo(ref.output)} of step ${echo(ref.step)} (selector ${echo(ref.selector)} used by step ${echo(scope.name)}, property ${echo(property)}). Available outputs: ${producerOutputs.map((o) => o.name).join(', ')}`,
      {
        context: GRAPH_CONTEXT,
        blocksErrors: [blockError(scope, property, `step ${echo(ref.step)} has no output ${echo(ref.output)}`)],
      },
    );
  }
  checkKinds(scope.name, property, ref.selector, expected, actual);
  ctx.graph.setEdge(ref.step, scope.name);
}

function stepSelectorExpected(scope: StepScope, property: string, selector: string): ExecutionGraphStructureError {
  return new ExecutionGraphStructureError(
    `Step ${echo(scope.name)} property ${echo(property)} expects a step selector ($steps.<name>), got ${echo(selector)}`,
    { context: GRAPH_CONTEXT, blocksErrors: [blockError(scope, property, 'expected a step selector')] },
  );
}

/** `$steps.<name>` in a flow-control property: this step decides whether <name> runs (one branch per target). */
function addControlFlowEdge(
  ctx: GraphContext,
  scope: StepScope,
  property: string,
  ref: Reference['ref'] & { type: 'step' },
  allowed: Reference['allowed'],
  key: Reference['key'],
): void {
  if (!allowed.some((a) => a.selectedElement === 'step')) {
    throw new ExecutionGraphStructureError(
      `Step ${echo(scope.name)} uses step selector ${echo(ref.selector)} in property ${echo(property)}, but the manifest of ${scope.type} does not define any properties of type \`StepSelector\` there (expected a step output selector like $steps.x.output).`,
      {
        context: GRAPH_CONTEXT,
        blocksErrors: [blockError(scope, property, 'step selectors are not accepted in this property')],
      },
    );
  }
  const branch =
    key === undefined
      ? `Branch[${'$steps.' + scope.name} -> ${property}]`
      : `Branch[$steps.${scope.name} -> ${property}[${key}]]`;
  if (scope.branchOfTarget.has(ref.step)) {
    throw new ExecutionGraphStructureError(
      `Step ${echo(scope.name)} selects step ${echo(ref.step)} more than once (property ${echo(property)})`,
      {
        context: GRAPH_CONTEXT,
        blocksErrors: [blockError(scope, property, `${echo(ref.selector)} is referenced twice`)],
      },
    );
  }
  scope.branchOfTarget.set(ref.step, branch);
  ctx.graph.setEdge(scope.name, ref.step);
}

/** The plan entry of a connected step; dimensionality and lineage fields are filled later by denoteLineage. */
function compiledStep(
  { definition, block }: ParsedStep,
  params: Record<string, ParamSpec>,
  outputs: OutputDefinition[],
  branchOfTarget: Map<string, string>,
): CompiledStep {
  const manifest = block.manifest;
  return {
    name: definition.name,
    selector: `$steps.${definition.name}`,
    block,
    definition,
    params,
    outputs,
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
  };
}

/** Each step learns which flow-control steps decide whether it runs. */
function linkControllers(steps: Map<string, CompiledStep>): void {
  for (const step of steps.values())
    for (const target of step.branchOfTarget.keys()) steps.get(target)!.controllers.push(step.name);
}

/** Topological order; a cycle is refused naming its steps. */
function orderSteps(graph: Graph, steps: ReadonlyMap<string, CompiledStep>): string[] {
  const order = topsort(graph);
  if (order) return order;
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

/** Layer = longest path from a source: every step of a layer can run once the layers before it are done. */
function assignLayers(graph: Graph, order: string[], steps: Map<string, CompiledStep>): string[][] {
  const layerOf = new Map<string, number>();
  for (const name of order) {
    const preds = graph.predecessors(name) ?? [];
    const layer = preds.length ? Math.max(...preds.map((p) => layerOf.get(p)! + 1)) : 0;
    layerOf.set(name, layer);
    steps.get(name)!.layer = layer;
  }
  const layers: string[][] = [];
  for (const name of order) (layers[layerOf.get(name)!] ??= []).push(name);
  return layers;
}

function outputError(output: ParsedDefinition['outputs'][number], details: string) {
  return { block_id: output.name, property_name: 'selector', property_details: details };
}

/** A workflow output: its selector must name a declared input or an existing output of a step. */
function resolveOutput(o: ParsedDefinition['outputs'][number], ctx: GraphContext): OutputSpec {
  const ref = parseSelector(o.selector);
  if (!ref || ref.type === 'step') {
    throw new InvalidReferenceTargetError(
      `Output ${echo(o.name)} has selector ${echo(o.selector)} which is neither $inputs.<name> nor $steps.<step>.<output>`,
      { context: GRAPH_CONTEXT, blocksErrors: [outputError(o, 'invalid selector')] },
    );
  }
  if (ref.type === 'input') {
    const input = ctx.inputs.get(ref.name);
    if (!input) {
      throw new InvalidReferenceTargetError(
        `Workflow references ${echo(o.selector)} which points to a non-existent input parameter (output ${echo(o.name)}).`,
        { context: GRAPH_CONTEXT, blocksErrors: [outputError(o, `input ${echo(ref.name)} is not declared`)] },
      );
    }
    return { name: o.name, selector: o.selector, ref, coordinatesSystem: o.coordinatesSystem, kinds: input.kinds };
  }
  const producer = ctx.outputsOf.get(ref.step);
  if (!producer) {
    throw new InvalidReferenceTargetError(
      `Workflow references ${echo(o.selector)} which points to a non-existent block (output ${echo(o.name)}).`,
      { context: GRAPH_CONTEXT, blocksErrors: [outputError(o, `step ${echo(ref.step)} does not exist`)] },
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
        blocksErrors: [outputError(o, `step ${echo(ref.step)} has no output ${echo(ref.output)}`)],
      },
    );
  }
  return { name: o.name, selector: o.selector, ref, coordinatesSystem: o.coordinatesSystem, kinds };
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
