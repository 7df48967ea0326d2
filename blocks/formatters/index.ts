import type { BlockDefinition } from '../../engine/index.ts';
import { propertyDefinitionV1 } from './property_definition_v1.ts';
import { expressionV1 } from './expression_v1.ts';
import { firstNonEmptyOrDefaultV1 } from './first_non_empty_or_default_v1.ts';

export const formatterBlocks: BlockDefinition<any>[] = [propertyDefinitionV1, expressionV1, firstNonEmptyOrDefaultV1];
