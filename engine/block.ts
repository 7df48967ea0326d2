// The contract between the engine and a block. A block is one file exporting a BlockDefinition: its manifest
// (a JSON Schema whose selector-capable properties carry kinds, plus its outputs with kinds and its batch /
// dimensionality declarations — docs/roboflow-compatibility.md#blocks-and-describe) and its `run`.
import { kindObject } from './kinds.ts';
import type { Batch } from './batch.ts';
import { registerPredictionColumns } from './serialize.ts';
import type { FlowControl } from './flow-control.ts';
import type { DecodeHint } from './api-types.ts';

export type JsonSchema = Record<string, unknown>;

export type BlockFamily =
  | 'model'
  | 'transformation'
  | 'visualization'
  | 'classical_computer_vision'
  | 'sink'
  | 'fusion'
  | 'analytics'
  | 'formatter'
  | 'flow_control'
  | 'video'
  | 'math'
  | 'secrets_provider';

export interface OutputDefinition {
  name: string;
  /** Kind names; ['*'] when anything. */
  kind: string[];
}

/** A step as written in a workflow definition (type, name and block properties). */
export type StepDefinition = { type: string; name: string } & Record<string, unknown>;

export interface BlockManifest {
  /** Canonical identifier, e.g. `roboflow_core/dynamic_crop@v1`. */
  type: string;
  /** Legacy identifiers accepted in `type` (e.g. `Crop`, `DynamicCrop`). */
  aliases?: string[];
  /** Human name shown in describe (`name` in Roboflow's block_schema). */
  humanName: string;
  /** `v1`, `v2`, ... */
  version: string;
  blockType: BlockFamily;
  shortDescription: string;
  longDescription?: string;
  license?: string;
  searchKeywords?: string[];
  /** Roboflow's ui_manifest (section, icon, blockPriority, ...). */
  ui?: Record<string, unknown>;
  deprecated?: boolean;
  /** Block properties (without `type` and `name`), each a JSON Schema built with the helpers below. */
  properties: Record<string, JsonSchema>;
  required?: string[];
  /** Accepted alternative property names: `{ image: 'images' }` lets a step write `image` for `images`. */
  propertyAliases?: Record<string, string>;
  outputs: OutputDefinition[];
  /** Outputs that depend on the step's configuration (declared outputs then hold a single `*`). */
  actualOutputs?: (step: StepDefinition) => OutputDefinition[];
  /** get_parameters_accepting_batches(): delivered as Batch; the block runs once per batch (batch mode). */
  batchParameters?: string[];
  /** get_parameters_accepting_batches_and_scalars() */
  batchOrScalarParameters?: string[];
  /** get_parameters_enforcing_auto_batch_casting() */
  autoBatchCastParameters?: string[];
  /**
   * Properties that must not be empty when they come from a step output: the step fails naming the selector
   * instead of being skipped silently (e.g. an SMTP password from a secret that is not set).
   */
  requiredValues?: string[];
  /** accepts_empty_values(): receive nulls for masked elements instead of having them filtered out. */
  acceptsEmptyValues?: boolean;
  inputDimensionalityOffsets?: Record<string, number>;
  dimensionalityReferenceProperty?: string;
  outputDimensionalityOffset?: -1 | 0 | 1;
  /** PEP 440 specifier, e.g. `>=1.3.0,<2.0.0`. */
  executionEngineCompatibility?: string;
  /** Per-detection data columns this block adds that serialized predictions carry (e.g. `speed`, `time_in_zone`). */
  detectionColumns?: string[];
  /**
   * False when the block's outputs must never be reused from the step output cache: it keeps state between runs
   * (trackers, counters, buffers), has side effects (sinks) or reads time or randomness. Default true, except
   * for `sink` blocks. A function decides per step (state used only with some settings).
   */
  cacheable?: boolean | ((step: StepDefinition) => boolean);
  /**
   * Decode-to-size: the size this step reads an input image at (a model's input size), or null for full resolution.
   * A workflow image input whose every consumer answers a size, and that no output returns, is decoded that small
   * (engine/executor/decode-hints.ts). Absent = full resolution.
   */
  decodeHint?: (step: StepDefinition, services: Services, request: { apiKey?: string }) => Promise<DecodeHint | null>;
}

/** What the engine was given to share with blocks (model manager, ...). Opaque to the engine. */
export interface Services {
  [name: string]: unknown;
}

export interface StepContext {
  stepName: string;
  stepType: string;
  services: Services;
  /** Per-request values: api key and whether sinks are disabled. */
  request: { apiKey?: string; disableSinks?: boolean };
  /** State that lives as long as the compiled workflow (stateful video blocks keep per-video state here). */
  state: Map<string, unknown>;
  /** Aborted when the request is gone or past its time limit: long work should stop (models drop queued runs). */
  signal?: AbortSignal;
}

/** One set of outputs: exactly the declared output names. */
export type StepOutputs = Record<string, unknown>;

/**
 * What `run` returns:
 * - element mode (no batch parameters): StepOutputs, or StepOutputs[] for output offset +1, or a FlowControl;
 * - batch mode: an array aligned with the input batch indices, each element as in element mode.
 */
export type StepResult = StepOutputs | FlowControl | Array<StepOutputs | FlowControl | StepOutputs[] | null>;

export interface BlockDefinition<Params = Record<string, unknown>> {
  manifest: BlockManifest;
  /**
   * Params hold every declared property (defaults applied, aliases resolved): literals as given, selectors
   * resolved to their values, and Batch objects for batch parameters in batch mode.
   */
  run(params: Params, context: StepContext): StepResult | Promise<StepResult>;
  /**
   * Rules across properties that a JSON Schema cannot state (Roboflow's manifest model validators), checked after
   * the schema at parse time: the offending property and why, or null. Failures are WorkflowSyntaxErrors.
   */
  validateDefinition?(step: StepDefinition): { property: string; message: string } | null;
  /**
   * Roboflow's init parameters the block cannot run without, mapped to the engine service that provides each
   * (e.g. `{ model_manager: 'models' }`). An engine given services refuses, at compile time, a step whose
   * service is missing (BlockInitParameterNotProvidedError).
   */
  initParameters?: Record<string, string>;
}

export type { Batch, FlowControl };

// ---------- helpers that build Roboflow-shaped property schemas (docs/roboflow-compatibility.md#blocks-and-describe) ----------

export const INPUT_SELECTOR_PATTERN = '^\\$inputs.[A-Za-z_0-9\\-]+$';
export const STEP_OUTPUT_SELECTOR_PATTERN = '^\\$steps\\.[A-Za-z_\\-0-9]+\\.[A-Za-z_*0-9\\-]+$';
export const SELECTOR_PATTERN = `(${STEP_OUTPUT_SELECTOR_PATTERN})|(${INPUT_SELECTOR_PATTERN})`;
export const STEP_SELECTOR_PATTERN = '^\\$steps\\.[A-Za-z_0-9\\-]+';

export interface PropertyMeta {
  title?: string;
  description?: string;
  default?: unknown;
  examples?: unknown[];
}

function withMeta(schema: JsonSchema, meta: PropertyMeta = {}): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (meta.title !== undefined) out.title = meta.title;
  if (meta.description !== undefined) out.description = meta.description;
  if (meta.default !== undefined) out.default = meta.default;
  if (meta.examples !== undefined) out.examples = meta.examples;
  return out;
}

export type SelectedElement =
  | 'any_data'
  | 'workflow_image'
  | 'step_output_image'
  | 'workflow_video_metadata'
  | 'workflow_parameter'
  | 'step_output';

/** A property that only takes a selector (`$inputs.x` / `$steps.s.out`) of the given kinds. */
export function selector(
  kinds: string[],
  meta: PropertyMeta = {},
  options: { selectedElement?: SelectedElement; pointsToBatch?: boolean | 'dynamic' } = {},
): JsonSchema {
  return withMeta(
    {
      type: 'string',
      pattern: SELECTOR_PATTERN,
      reference: true,
      selected_element: options.selectedElement ?? 'any_data',
      kind: kinds.map(kindObject),
      selector_points_to_batch: options.pointsToBatch ?? 'dynamic',
    },
    meta,
  );
}

/** A property that takes a literal matching `literal` or a selector of the given kinds. */
export function literalOrSelector(
  literal: JsonSchema | JsonSchema[],
  kinds: string[],
  meta: PropertyMeta = {},
): JsonSchema {
  const literals = Array.isArray(literal) ? literal : [literal];
  return withMeta({ anyOf: [...literals, selector(kinds)] }, meta);
}

/** A plain literal property (no selectors). */
export function literal(schema: JsonSchema, meta: PropertyMeta = {}): JsonSchema {
  return withMeta(schema, meta);
}

/** A list whose elements are selectors of the given kinds (or literals, when `itemLiteral` is given). */
export function selectorList(kinds: string[], meta: PropertyMeta = {}, itemLiteral?: JsonSchema): JsonSchema {
  const item = itemLiteral ? { anyOf: [itemLiteral, selector(kinds)] } : selector(kinds);
  return withMeta({ type: 'array', items: item }, meta);
}

/** A dict whose values are selectors of the given kinds or literals (e.g. `evaluation_parameters`). */
export function selectorDict(
  kinds: string[],
  meta: PropertyMeta = {},
  valueLiteral: JsonSchema | null = {},
): JsonSchema {
  const values = valueLiteral ? { anyOf: [selector(kinds), valueLiteral] } : selector(kinds);
  return withMeta({ type: 'object', additionalProperties: values }, meta);
}

/** A single step selector (`$steps.x`) for flow control. */
export function stepSelector(meta: PropertyMeta = {}): JsonSchema {
  return withMeta({ type: 'string', pattern: STEP_SELECTOR_PATTERN, reference: true, selected_element: 'step' }, meta);
}

/** A list of step selectors (`next_steps`). */
export function stepSelectorList(meta: PropertyMeta = {}): JsonSchema {
  return withMeta({ type: 'array', items: stepSelector() }, meta);
}

/** The usual `images` property of model blocks (also accepted as `image`). */
export function imagesProperty(description = 'The image to infer on.'): JsonSchema {
  return selector(['image'], { title: 'Image', description, examples: ['$inputs.image', '$steps.cropping.crops'] });
}

/** What a block declares unless its manifest says otherwise (Roboflow's core blocks: Apache-2.0, engine 1.3+). */
export const DEFAULT_BLOCK_LICENSE = 'Apache-2.0';
export const DEFAULT_EXECUTION_ENGINE_COMPATIBILITY = '>=1.3.0,<2.0.0';

/** Declares a block; fills the manifest defaults every block would otherwise repeat. */
export function defineBlock<P = Record<string, unknown>>(block: BlockDefinition<P>): BlockDefinition<P> {
  block.manifest.license ??= DEFAULT_BLOCK_LICENSE;
  block.manifest.executionEngineCompatibility ??= DEFAULT_EXECUTION_ENGINE_COMPATIBILITY;
  if (block.manifest.detectionColumns) registerPredictionColumns(block.manifest.detectionColumns);
  return block;
}
