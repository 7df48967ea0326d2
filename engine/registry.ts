// All blocks known to an engine, with the schemas and descriptions derived from their manifests.
import type { BlockDefinition, JsonSchema, OutputDefinition, StepDefinition } from './block.ts';
import { EXECUTION_ENGINE_VERSION, type WorkflowsBlocksDescription } from './api-types.ts';
import { PluginLoadingError, WorkflowExecutionEngineVersionError, WorkflowSyntaxError } from './errors.ts';
import { definitionSchema } from './block-schema.ts';
import {
  declaredKinds,
  describeBlock,
  DYNAMIC_BLOCK_DEFINITION_SCHEMA,
  kindsConnections,
  primitivesConnections,
} from './describe-blocks.ts';
import { parseVersion, satisfies } from './compiler/pep440.ts';
import { validateStep } from './compiler/step-validation.ts';
import { innerWorkflowBlock } from './compiler/inner.ts';

export interface UqlDescription {
  operations_description: unknown[];
  operators_descriptions: unknown[];
}

export interface BlockRegistryOptions {
  /** Lists for `universal_query_language_description` (the UQL module provides them). */
  uqlDescription?: UqlDescription;
}

/** All blocks known to an engine, by canonical type and by alias. */
export class BlockRegistry {
  readonly #byType = new Map<string, BlockDefinition<any>>();
  #schema: JsonSchema | undefined;
  uqlDescription: UqlDescription;

  readonly blocks: readonly BlockDefinition<any>[];

  constructor(blocks: readonly BlockDefinition<any>[], options: BlockRegistryOptions = {}) {
    // The inner-workflow step is the engine's own (inlined by the compiler); listed so schemas and describe show it.
    this.blocks = blocks.some((b) => b.manifest.type === innerWorkflowBlock.manifest.type)
      ? blocks
      : [...blocks, innerWorkflowBlock];
    for (const block of this.blocks) {
      for (const id of [block.manifest.type, ...(block.manifest.aliases ?? [])]) {
        if (this.#byType.has(id))
          throw new PluginLoadingError(`Block type identifier '${id}' is declared by more than one block`);
        this.#byType.set(id, block);
      }
    }
    this.uqlDescription = options.uqlDescription ?? { operations_description: [], operators_descriptions: [] };
  }

  get(type: string): BlockDefinition<any> | undefined {
    return this.#byType.get(type);
  }

  /** Blocks compatible with an engine version (all of them when none is given). */
  compatibleBlocks(executionEngineVersion?: string): BlockDefinition<any>[] {
    if (!executionEngineVersion) return [...this.blocks];
    const version = parseVersion(executionEngineVersion);
    if (!version)
      throw new WorkflowExecutionEngineVersionError(
        `Could not parse execution engine version '${executionEngineVersion}'`,
      );
    return this.blocks.filter((b) => {
      const spec = b.manifest.executionEngineCompatibility;
      if (!spec) return true;
      try {
        return satisfies(version, spec);
      } catch {
        return false;
      }
    });
  }

  /** `/workflows/blocks/describe` body. */
  describeBlocks(options: { executionEngineVersion?: string } = {}): WorkflowsBlocksDescription {
    const blocks = this.compatibleBlocks(options.executionEngineVersion);
    return {
      blocks: blocks.map(describeBlock),
      declared_kinds: declaredKinds(blocks),
      kinds_connections: kindsConnections(blocks),
      primitives_connections: primitivesConnections(blocks),
      universal_query_language_description: this.uqlDescription,
      dynamic_block_definition_schema: DYNAMIC_BLOCK_DEFINITION_SCHEMA,
    };
  }

  /** `/workflows/definition/schema` body's `schema`. */
  definitionSchema(): JsonSchema {
    this.#schema ??= definitionSchema(this.compatibleBlocks(EXECUTION_ENGINE_VERSION).map((b) => b.manifest));
    return this.#schema;
  }

  /** `/workflows/blocks/dynamic_outputs`: the actual outputs of one step manifest. */
  dynamicOutputs(step: StepDefinition): OutputDefinition[] {
    const block = step && typeof step.type === 'string' ? this.get(step.type) : undefined;
    if (!block) {
      throw new WorkflowSyntaxError(`Unknown block type '${String(step?.type)}'`, {
        context: 'workflow_compilation | workflow_definition_parsing',
        blocksErrors: [
          {
            block_id: String(step?.name ?? 'unknown'),
            block_type: String(step?.type ?? ''),
            property_name: 'type',
            property_details: 'unknown block type',
          },
        ],
      });
    }
    const normalized = validateStep(step, block);
    return block.manifest.actualOutputs?.(normalized) ?? block.manifest.outputs;
  }
}
