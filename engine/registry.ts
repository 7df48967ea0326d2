// STUB (contract): the engine owner replaces the bodies; keep the signatures.
import type { BlockDefinition, JsonSchema, OutputDefinition, StepDefinition } from './block.ts';
import type { WorkflowsBlocksDescription } from './api-types.ts';

/** All blocks known to an engine, by canonical type and by alias. */
export class BlockRegistry {
  constructor(readonly blocks: readonly BlockDefinition<any>[]) {}
  get(type: string): BlockDefinition<any> | undefined {
    return this.blocks.find((b) => b.manifest.type === type || b.manifest.aliases?.includes(type));
  }
  /** `/workflows/blocks/describe` body. */
  describeBlocks(_options: { executionEngineVersion?: string } = {}): WorkflowsBlocksDescription {
    throw new Error('not implemented');
  }
  /** `/workflows/definition/schema` body's `schema`. */
  definitionSchema(): JsonSchema {
    throw new Error('not implemented');
  }
  /** `/workflows/blocks/dynamic_outputs`: the actual outputs of one step manifest. */
  dynamicOutputs(_step: StepDefinition): OutputDefinition[] {
    throw new Error('not implemented');
  }
}
