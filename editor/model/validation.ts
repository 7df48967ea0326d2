// Places a `/workflows/validate` (or run) error on the nodes and fields it names: `blocks_errors[].block_id`
// is a step (or input/output) name, `property_name` a field (docs/roboflow-compatibility.md#error-responses). What names nothing goes to the bar.
import { nodeId } from './graph.ts';
import type { WorkflowDefinition } from './types.ts';

export interface FieldError {
  property: string | null;
  message: string;
}

export interface PlacedErrors {
  /** Keyed by graph node id. */
  nodes: Record<string, FieldError[]>;
  /** Messages that belong to no node (shown in the message bar). */
  general: string[];
}

export const NO_ERRORS: PlacedErrors = { nodes: {}, general: [] };

interface BlockError {
  block_id?: unknown;
  block_type?: unknown;
  property_name?: unknown;
  property_details?: unknown;
}

/**
 * The node a block error names. Inputs, steps and outputs may share a name (an output called `image`), so
 * the error's own hints come first: a block type means a step; no block type with property `selector`
 * means an output (that is the field outputs have).
 */
function nodeFor(def: WorkflowDefinition, id: string, hint: BlockError = {}): string | null {
  const has = { step: def.steps.some((s) => s.name === id), output: def.outputs.some((o) => o.name === id) };
  if (typeof hint.block_type === 'string' && has.step) return nodeId('step', id);
  if ((hint.block_type === null || hint.block_type === undefined) && hint.property_name === 'selector' && has.output)
    return nodeId('output', id);
  if (has.step) return nodeId('step', id);
  if (def.inputs.some((i) => i.name === id)) return nodeId('input', id);
  if (def.outputs.some((o) => o.name === id)) return nodeId('output', id);
  return null;
}

/** Step names mentioned in a message like "... points to a non-existent ... '$steps.det.x'". */
function stepsMentioned(def: WorkflowDefinition, message: string): string[] {
  return def.steps
    .filter((s) => message.includes(`$steps.${s.name}`) || message.includes(`'${s.name}'`))
    .map((s) => s.name);
}

export function placeErrors(def: WorkflowDefinition, body: unknown, status = 400): PlacedErrors {
  if (!body || typeof body !== 'object') return { nodes: {}, general: [`Validation failed (HTTP ${status}).`] };
  const b = body as { message?: unknown; error_type?: unknown; blocks_errors?: unknown; detail?: unknown };
  const message =
    typeof b.message === 'string' ? b.message : Array.isArray(b.detail) ? JSON.stringify(b.detail) : `HTTP ${status}`;
  const headline = typeof b.error_type === 'string' ? `${b.error_type}: ${message}` : message;
  const placed: PlacedErrors = { nodes: {}, general: [] };
  const add = (node: string, error: FieldError) => (placed.nodes[node] ??= []).push(error);
  const blockErrors = Array.isArray(b.blocks_errors) ? (b.blocks_errors as BlockError[]) : [];
  for (const be of blockErrors) {
    const node = typeof be.block_id === 'string' ? nodeFor(def, be.block_id, be) : null;
    const property = typeof be.property_name === 'string' ? be.property_name : null;
    const details = typeof be.property_details === 'string' && be.property_details ? be.property_details : message;
    if (node) add(node, { property, message: details });
    else placed.general.push(headline);
  }
  if (blockErrors.length === 0) {
    // "… of step 'viz', property 'image': …" names the step at fault; other steps it mentions are only context.
    const exact = /step '([^']+)',? property '([^']+)'/.exec(message);
    const named = stepsMentioned(def, message);
    if (exact && def.steps.some((s) => s.name === exact[1]))
      add(nodeId('step', exact[1]!), { property: exact[2]!, message: headline });
    else if (named.length) add(nodeId('step', named[0]!), { property: null, message: headline });
    else placed.general.push(headline);
  }
  placed.general = [...new Set(placed.general)];
  return placed;
}
