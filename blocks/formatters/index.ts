import type { BlockDefinition } from '../../engine/index.ts';
import { propertyDefinitionV1 } from './property_definition_v1.ts';
import { expressionV1 } from './expression_v1.ts';
import { firstNonEmptyOrDefaultV1 } from './first_non_empty_or_default_v1.ts';
import { stringTemplateV1 } from './string_template_v1.ts';
import { jsonParserV1 } from './json_parser_v1.ts';
import { currentTimeV1 } from './current_time_v1.ts';
import { csvFormatterV1 } from './csv_formatter_v1.ts';
import { vlmAsClassifierV1, vlmAsClassifierV2 } from './vlm_as_classifier.ts';
import { vlmAsDetectorV1, vlmAsDetectorV2 } from './vlm_as_detector.ts';

export const formatterBlocks: BlockDefinition<any>[] = [
  propertyDefinitionV1,
  expressionV1,
  firstNonEmptyOrDefaultV1,
  stringTemplateV1,
  jsonParserV1,
  currentTimeV1,
  csvFormatterV1,
  vlmAsClassifierV1,
  vlmAsClassifierV2,
  vlmAsDetectorV1,
  vlmAsDetectorV2,
];
