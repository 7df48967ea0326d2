// Shapes the editor works with: the workflow definition (kept as plain JSON so unknown fields survive) and
// the subset of `/workflows/blocks/describe` the editor reads (docs/roboflow-compatibility.md#workflow-definitions, #blocks-and-describe, #http-endpoints).
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface InputDef extends JsonObject {
  type: string;
  name: string;
}
export interface StepDef extends JsonObject {
  type: string;
  name: string;
}
export interface OutputDef extends JsonObject {
  type: string;
  name: string;
  selector: string;
}

export interface WorkflowDefinition {
  version: string;
  inputs: InputDef[];
  steps: StepDef[];
  outputs: OutputDef[];
  [extra: string]: Json | undefined;
}

export type SchemaNode = { [key: string]: unknown };

export interface KindRef {
  name: string;
  description?: string;
}

export interface BlockDescription {
  block_schema: SchemaNode;
  outputs_manifest: Array<{ name: string; kind: KindRef[] }>;
  human_friendly_block_name: string;
  manifest_type_identifier: string;
  manifest_type_identifier_aliases?: string[];
}

export interface BlocksDescription {
  blocks: BlockDescription[];
  declared_kinds?: KindRef[];
  universal_query_language_description?: { operations_description?: unknown[]; operators_descriptions?: unknown[] };
}

/** Node positions live beside the definition, never inside it. Keys: `input:x`, `step:x`, `output:x`. */
export type LayoutMap = Record<string, { x: number; y: number }>;

/** The whole editable document: the definition plus where its nodes sit on the canvas. */
export interface EditorDocument {
  definition: WorkflowDefinition;
  layout: LayoutMap;
}

export function emptyDefinition(): WorkflowDefinition {
  return { version: '1.0', inputs: [], steps: [], outputs: [] };
}
