// Stage 10b: batch orientation, dimensionality and lineage of every step (docs/roboflow-compatibility.md#dimensionality-and-lineage), in topological order.
import {
  BlockInterfaceError,
  ControlFlowDefinitionError,
  ExecutionGraphStructureError,
  StepInputDimensionalityError,
  StepInputLineageError,
} from '../errors.ts';
import { lineageKey as key, type CompiledStep, type InputSpec } from './plan.ts';
import type { ParamSpec } from './selectors.ts';
import type { GraphResult } from './graph.ts';
import { echo } from './echo.ts';

const CONTEXT = 'workflow_compilation | execution_graph_construction';

function isPrefix(prefix: string[], of: string[]): boolean {
  return prefix.length <= of.length && prefix.every((p, i) => p === of[i]);
}

export function denoteLineage(graph: GraphResult, inputs: Map<string, InputSpec>): void {
  for (const name of graph.order) denoteStep(graph.steps.get(name)!, graph.steps, inputs);
}

/** What the checks of one step share: the step, the lineage of each property, which ones carry batches. */
interface StepLineage {
  step: CompiledStep;
  propLineage: Record<string, string[]>;
  /** Properties fed batch-oriented data. */
  batchProps: string[];
  offsets: Record<string, number>;
}

function blockErrors(step: CompiledStep, property: string | null, details: string) {
  return [
    { block_id: step.name, block_type: step.definition.type, property_name: property, property_details: details },
  ];
}

function dimensionErrors({ step, batchProps, propLineage }: StepLineage) {
  return batchProps.map((p) => blockErrors(step, p, `dimensionality ${propLineage[p]!.length}`)[0]!);
}

/** The named checks of one step, in order; each throws the error Roboflow raises for that mistake. */
function denoteStep(step: CompiledStep, steps: Map<string, CompiledStep>, inputs: Map<string, InputSpec>): void {
  const propLineage = lineageOfProperties(step, steps, inputs);
  const offsets = checkDimensionalityOffsets(step);
  const batchProps = Object.keys(propLineage).filter((p) => propLineage[p]!.length > 0);
  const scope: StepLineage = { step, propLineage, batchProps, offsets };
  const allDims = checkInputDimensionalities(scope);
  checkOutputOffset(scope);
  checkReferenceProperty(scope, allDims);
  const lineages = checkSameOrigin(scope);
  const controlLineage = checkControlFlowLineage(step, steps, lineages);
  assignExecutionLineage(scope, lineages, controlLineage);
}

/** Lineage of every property; refuses batches in scalar-only properties and marks auto-cast ones. */
function lineageOfProperties(
  step: CompiledStep,
  steps: Map<string, CompiledStep>,
  inputs: Map<string, InputSpec>,
): Record<string, string[]> {
  const manifest = step.block.manifest;
  const propLineage: Record<string, string[]> = {};
  for (const [property, spec] of Object.entries(step.params)) {
    const lineage = lineageOfSpec(step, steps, inputs, property, spec);
    propLineage[property] = lineage;
    step.paramDims[property] = lineage.length;
    if (step.batchMode && lineage.length > 0 && !step.batchParams.has(property)) {
      throw new ExecutionGraphStructureError(
        `Detected invalid reference plugged into property ${echo(property)} of step ${echo(step.name)} (${step.definition.type}) - the step property do not accept batch-oriented inputs, yet the input selector holds one.`,
        {
          context: CONTEXT,
          blocksErrors: blockErrors(step, property, 'this property accepts only scalar (non-batch) values'),
        },
      );
    }
    const castable =
      (manifest.batchParameters ?? []).includes(property) ||
      (manifest.autoBatchCastParameters ?? []).includes(property);
    if (castable && lineage.length === 0 && hasData(spec)) step.autoCastParams.add(property);
  }
  return propLineage;
}

/** Lineage of one property value; a list or dict must hold data of one origin. */
function lineageOfSpec(
  step: CompiledStep,
  steps: Map<string, CompiledStep>,
  inputs: Map<string, InputSpec>,
  property: string,
  spec: ParamSpec,
): string[] {
  if (spec.kind === 'literal') return [];
  if (spec.kind === 'ref') {
    if (spec.ref.type === 'input') return inputs.get(spec.ref.name)!.lineage;
    if (spec.ref.type === 'output') return steps.get(spec.ref.step)!.outputLineage;
    return [];
  }
  const parts = spec.kind === 'list' ? spec.items : spec.entries.map(([, s]) => s);
  const distinct = new Map<string, string[]>();
  for (const part of parts) {
    const l = lineageOfSpec(step, steps, inputs, property, part);
    if (l.length) distinct.set(key(l), l);
  }
  const lineages = [...distinct.values()];
  if (lineages.length > 1) {
    if (new Set(lineages.map((l) => l.length)).size > 1) {
      throw new StepInputDimensionalityError(
        `Step ${echo(step.name)} property ${echo(property)} mixes data of different dimensionalities in one list/dict`,
        { context: CONTEXT, blocksErrors: blockErrors(step, property, 'list/dict elements differ in dimensionality') },
      );
    }
    throw new StepInputLineageError(
      `Step ${echo(step.name)} property ${echo(property)} mixes batches of different origin (lineage) in one list/dict`,
      { context: CONTEXT, blocksErrors: blockErrors(step, property, 'list/dict elements come from different batches') },
    );
  }
  return lineages[0] ?? [];
}

/** The block's declared input offsets: none negative, at most one apart. */
function checkDimensionalityOffsets(step: CompiledStep): Record<string, number> {
  const offsets = step.block.manifest.inputDimensionalityOffsets ?? {};
  const offsetValues = Object.values(offsets);
  if (
    offsetValues.some((o) => o < 0) ||
    (offsetValues.length && Math.max(...offsetValues, 0) - Math.min(...offsetValues, 0) > 1)
  ) {
    throw new BlockInterfaceError(
      `Block ${step.definition.type} declares invalid input dimensionality offsets ${JSON.stringify(offsets)}`,
      { context: CONTEXT },
    );
  }
  return offsets;
}

/** Inputs without an offset share one dimensionality, and all inputs are at most one level apart. */
function checkInputDimensionalities(scope: StepLineage): number[] {
  const { step, propLineage, batchProps, offsets } = scope;
  const dims = (props: string[]) => [...new Set(props.map((p) => propLineage[p]!.length))];
  const plainDims = dims(batchProps.filter((p) => !offsets[p]));
  if (plainDims.length > 1) {
    throw new StepInputDimensionalityError(
      `Step ${echo(step.name)}: attempted to plug input data that are in different dimensions (${batchProps.map((p) => `${p}: ${propLineage[p]!.length}`).join(', ')})`,
      { context: CONTEXT, blocksErrors: dimensionErrors(scope) },
    );
  }
  const allDims = dims(batchProps);
  if (allDims.length && Math.max(...allDims) - Math.min(...allDims) > 1) {
    throw new StepInputDimensionalityError(
      `Step ${echo(step.name)} has inputs differing in dimensionality more than 1`,
      { context: CONTEXT, blocksErrors: dimensionErrors(scope) },
    );
  }
  return allDims;
}

/** Output offset is -1, 0 or +1; decreasing needs batch inputs to decrease from. */
function checkOutputOffset({ step, batchProps }: StepLineage): void {
  const outOffset = step.outputOffset;
  if (![-1, 0, 1].includes(outOffset))
    throw new BlockInterfaceError(`Block ${step.definition.type} declares output dimensionality offset ${outOffset}`, {
      context: CONTEXT,
    });
  if (outOffset < 0 && batchProps.length === 0) {
    throw new StepInputDimensionalityError(
      `Step ${echo(step.name)} decreases dimensionality but receives only scalar (non-batch) inputs`,
      { context: CONTEXT, blocksErrors: blockErrors(step, null, 'needs batch-oriented inputs') },
    );
  }
}

/** With differing offsets, the reference property fixes every other input's dimensionality. */
function checkReferenceProperty(scope: StepLineage, allDims: number[]): void {
  const { step, propLineage, batchProps, offsets } = scope;
  const reference = step.block.manifest.dimensionalityReferenceProperty;
  const offsetsDiffer = new Set(Object.keys(step.params).map((p) => offsets[p] ?? 0)).size > 1;
  if (offsetsDiffer && (!reference || step.outputOffset !== 0)) {
    throw new BlockInterfaceError(
      `Block ${step.definition.type} declares differing input offsets, so it needs a dimensionality reference property and output offset 0`,
      { context: CONTEXT },
    );
  }
  if (reference && batchProps.length) {
    if (!batchProps.includes(reference)) {
      throw new StepInputDimensionalityError(
        `Step ${echo(step.name)}: dimensionality reference property ${echo(reference)} must receive batch-oriented data`,
        { context: CONTEXT, blocksErrors: blockErrors(step, reference, 'expected a batch-oriented input') },
      );
    }
    const refDim = propLineage[reference]!.length;
    for (const p of batchProps) {
      const expected = (offsets[p] ?? 0) - (offsets[reference] ?? 0) + refDim;
      const actual = propLineage[p]!.length;
      if (expected !== actual) {
        throw new StepInputDimensionalityError(
          `Step ${echo(step.name)} property ${echo(p)}: expected dimensionality ${expected}, but received dimensionality ${actual}`,
          {
            context: CONTEXT,
            blocksErrors: blockErrors(
              step,
              p,
              `Expected dimensionality ${expected}, but received dimensionality ${actual}`,
            ),
          },
        );
      }
    }
  } else if (allDims.length > 1) {
    throw new StepInputDimensionalityError(
      `Step ${echo(step.name)}: all batch-oriented inputs must have the same dimensionality`,
      { context: CONTEXT, blocksErrors: dimensionErrors(scope) },
    );
  }
}

/** Batch inputs come from one origin: one lineage per level, a deeper one nested in the shallower one. */
function checkSameOrigin({ step, propLineage, batchProps }: StepLineage): string[][] {
  const distinct = new Map<string, string[]>();
  for (const p of batchProps) distinct.set(key(propLineage[p]!), propLineage[p]!);
  const lineages = [...distinct.values()];
  const byLength = new Map<number, string[][]>();
  for (const l of lineages) byLength.set(l.length, [...(byLength.get(l.length) ?? []), l]);
  const lineageError = (detail: string) =>
    new StepInputLineageError(
      `Step ${echo(step.name)} receives batches of different origin: ${detail}. Inputs of one step must come from the same input batch (e.g. crops from one crop step).`,
      {
        context: CONTEXT,
        blocksErrors: batchProps.map((p) => blockErrors(step, p, `lineage ${propLineage[p]!.join(' > ')}`)[0]!),
      },
    );
  if (byLength.size > 2) throw lineageError('more than two dimensionality levels');
  for (const group of byLength.values())
    if (group.length > 1) throw lineageError(group.map((l) => l.join(' > ')).join(' vs '));
  if (byLength.size === 2) {
    const [shorter, longer] = [...byLength.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g[0]!);
    if (!isPrefix(shorter!, longer!) || longer!.length !== shorter!.length + 1)
      throw lineageError(`${shorter!.join(' > ')} is not the parent of ${longer!.join(' > ')}`);
  }
  return lineages;
}

/**
 * Flow-control steps gating this one must work on a batch its inputs descend from (else it could never run);
 * a step without batch inputs takes its lineage from the deepest controller.
 */
function checkControlFlowLineage(step: CompiledStep, steps: Map<string, CompiledStep>, lineages: string[][]): string[] {
  const controlLineages = step.controllers.map((c) => steps.get(c)!.outputLineage).filter((l) => l.length > 0);
  if (lineages.length) {
    for (const cl of controlLineages) {
      if (!lineages.some((l) => isPrefix(cl, l))) {
        throw new ControlFlowDefinitionError(
          `Step ${echo(step.name)} is controlled by a flow-control step operating on batch ${cl.join(' > ')} unrelated to the step's inputs - this would cause the step to never execute`,
          {
            context: CONTEXT,
            blocksErrors: blockErrors(step, null, 'flow control lineage does not match the step inputs'),
          },
        );
      }
    }
    return [];
  }
  if (!controlLineages.length) return [];
  const deepest = Math.max(...controlLineages.map((l) => l.length));
  const candidates = new Map(controlLineages.filter((l) => l.length === deepest).map((l) => [key(l), l]));
  if (candidates.size > 1) {
    throw new ControlFlowDefinitionError(
      `Step ${echo(step.name)} is controlled by flow-control steps working on unrelated batches`,
      { context: CONTEXT, blocksErrors: blockErrors(step, null, 'conflicting control flow lineages') },
    );
  }
  return [...candidates.values()][0]!;
}

/** Where the step runs (execution lineage and dimension) and what lineage its outputs carry. */
function assignExecutionLineage(
  { step, propLineage }: StepLineage,
  lineages: string[][],
  controlLineage: string[],
): void {
  const outOffset = step.outputOffset;
  const reference = step.block.manifest.dimensionalityReferenceProperty;
  let base: string[] | null = null;
  if (lineages.length === 1) base = lineages[0]!;
  else if (lineages.length > 1)
    base = reference ? propLineage[reference]! : lineages.sort((a, b) => a.length - b.length)[0]!;
  else if (controlLineage.length) base = controlLineage;
  if (base === null) {
    step.outputLineage = outOffset > 0 ? [step.selector] : [];
    step.executionLineage = [];
    step.executionDim = 0;
    step.simd = false;
    return;
  }
  step.outputLineage = outOffset < 0 ? base.slice(0, -1) : outOffset > 0 ? [...base, step.selector] : base;
  const smallest = lineages.length ? lineages.reduce((a, b) => (a.length <= b.length ? a : b)) : controlLineage;
  step.executionDim = smallest.length - (outOffset < 0 ? 1 : 0);
  step.executionLineage = smallest.slice(0, step.executionDim);
  step.simd = true;
}

function hasData(spec: ParamSpec): boolean {
  return !(spec.kind === 'literal' && spec.value === undefined);
}
