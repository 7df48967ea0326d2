// Shapes the engine's public API returns (docs/roboflow-compatibility.md#profiling, #blocks-and-describe, #http-endpoints).
import type { JsonSchema, OutputDefinition } from './block.ts';
import type { Kind } from './kinds.ts';
import type { PixelSemaphore } from './image-guard.ts';
import type { RunObserver } from './executor/events.ts';

export const EXECUTION_ENGINE_VERSION = '1.15.0';

export interface TraceEvent {
  name: string;
  ph: 'B' | 'E' | 'X' | 'I';
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  cat?: string;
  args?: Record<string, unknown>;
}

export interface ImageInputOptions {
  /** Accept `{"type":"url"}` images at all (default true). */
  allowUrlInput?: boolean;
  /** Allow URLs resolving to private, loopback and link-local addresses (default false). */
  allowPrivateNetworks?: boolean;
  /** Hostnames (or IPs) allowed even when they resolve to private addresses. */
  urlAllowList?: string[];
  maxUrlBytes?: number;
  maxRedirects?: number;
  urlTimeoutMs?: number;
  /** Images above this pixel count are refused before being decoded in full. */
  maxPixels?: number;
  /** Accept SVG images (rasterised by librsvg); off by default. */
  allowSvg?: boolean;
  /** Time limit of one image decode. */
  decodeTimeoutMs?: number;
  /** Caps pixels decoding at once across requests (server-wide); a process-wide default when absent. */
  pixelBudget?: PixelSemaphore;
  /** The run's abort signal, set by the executor (URL fetches stop when the request is gone). */
  signal?: AbortSignal;
  /** Told the encoded size of each input image decoded (the server's metrics). */
  onDecoded?: (encodedBytes: number) => void;
  /** Decode-to-size per input name (set from RunOptions.decodeHints by the executor). */
  decodeHints?: Record<string, DecodeHint>;
}

/**
 * "Every consumer of this input reads it at about this size": the image is decoded straight to at least
 * width x height (aspect kept, never enlarged), with JPEG shrink-on-load. The image remembers its source size.
 */
export interface DecodeHint {
  width: number;
  height: number;
  /** Every consumer stretches the image to exactly width x height: a JPEG is decoded to that size (aspect not kept). */
  stretch?: boolean;
}

export interface RunOptions {
  excludedFields?: string[];
  enableProfiling?: boolean;
  apiKey?: string;
  disableSinks?: boolean;
  /** Serialize outputs for the wire (default true). False keeps WorkflowImage/Detections objects. */
  serialize?: boolean;
  /**
   * Aborts the run (client disconnected, time limit): no further step starts, steps see it as context.signal.
   * The run rejects with the signal's reason.
   */
  signal?: AbortSignal;
  /** Stop the run after this long with RunTimeLimitError naming the running step (0/absent = no limit). */
  timeoutMs?: number;
  /** The limit the error names, when part of it was spent before the run (the request's whole limit). */
  timeLimitMs?: number;
  /** Told about every step as the run goes (engine/executor/events.ts). */
  observer?: RunObserver;
  /** Serve unchanged steps from the engine's step output cache and keep this run's outputs in it. */
  reuseOutputs?: boolean;
  /** "Run up to here": run only these steps and the steps they depend on; the others are skipped. */
  runTo?: string[];
  /**
   * Decode these image inputs small (DecodeHint). Only for callers that know every consumer of the input needs
   * no more (the classic classification route); coordinates-producing steps must not be given a hinted input.
   */
  decodeHints?: Record<string, DecodeHint>;
}

export interface RunResult {
  outputs: Array<Record<string, unknown>>;
  profiler_trace: TraceEvent[];
}

export interface InterfaceDescription {
  inputs: Record<string, string[]>;
  outputs: Record<string, string[] | Record<string, string[]>>;
  typing_hints: Record<string, string>;
  kinds_schemas: Record<string, unknown>;
}

export interface BlockDescription {
  block_schema: JsonSchema;
  outputs_manifest: Array<{ name: string; kind: Kind[] }>;
  block_source: string;
  fully_qualified_block_class_name: string;
  human_friendly_block_name: string;
  manifest_type_identifier: string;
  manifest_type_identifier_aliases: string[];
  execution_engine_compatibility: string | null;
  restrictions: unknown[];
  input_dimensionality_offsets: Record<string, number>;
  dimensionality_reference_property: string | null;
  output_dimensionality_offset: number;
}

export interface WorkflowsBlocksDescription {
  blocks: BlockDescription[];
  declared_kinds: Kind[];
  kinds_connections: Record<string, unknown[]>;
  primitives_connections: unknown[];
  universal_query_language_description: { operations_description: unknown[]; operators_descriptions: unknown[] };
  dynamic_block_definition_schema: JsonSchema;
}

export type { OutputDefinition };
