// Manifest and property helpers shared by the classical computer-vision and image-transform blocks.
import {
  literalOrSelector,
  selector,
  type BlockFamily,
  type BlockManifest,
  type JsonSchema,
  type OutputDefinition,
} from '../../engine/index.ts';

export interface CvSpec {
  type: string;
  /** False for blocks that keep state across frames (see BlockManifest.cacheable). */
  cacheable?: boolean;
  aliases?: string[];
  humanName: string;
  version?: string;
  shortDescription: string;
  longDescription?: string;
  blockType?: BlockFamily;
  icon?: string;
  properties: Record<string, JsonSchema>;
  required?: string[];
  outputs: OutputDefinition[];
  batchParameters?: string[];
  outputDimensionalityOffset?: -1 | 0 | 1;
  propertyAliases?: Record<string, string>;
}

export function cvManifest(spec: CvSpec): BlockManifest {
  const family = spec.blockType ?? 'classical_computer_vision';
  return {
    type: spec.type,
    aliases: spec.aliases,
    humanName: spec.humanName,
    version: spec.version ?? 'v1',
    blockType: family,
    ...(spec.cacheable === false ? { cacheable: false } : {}),
    shortDescription: spec.shortDescription,
    longDescription: spec.longDescription ?? spec.shortDescription,
    ui: {
      section: family === 'transformation' ? 'transformation' : 'classical_cv',
      icon: spec.icon ?? 'far fa-image',
      blockPriority: 5,
      opencv: family !== 'transformation',
    },
    properties: spec.properties,
    required: spec.required,
    outputs: spec.outputs,
    batchParameters: spec.batchParameters,
    outputDimensionalityOffset: spec.outputDimensionalityOffset,
    propertyAliases: spec.propertyAliases,
  };
}

export function inputImage(description = 'The input image for this step.'): JsonSchema {
  return selector(['image'], {
    title: 'Input Image',
    description,
    examples: ['$inputs.image', '$steps.cropping.crops'],
  });
}

export function intParam(
  title: string,
  description: string,
  defaultValue: number | undefined,
  extra: JsonSchema = {},
): JsonSchema {
  return literalOrSelector({ type: 'integer', ...extra }, ['integer'], {
    title,
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    examples: [defaultValue ?? 1, '$inputs.value'],
  });
}

export function floatParam(
  title: string,
  description: string,
  defaultValue: number | undefined,
  kinds = ['float'],
  extra: JsonSchema = {},
): JsonSchema {
  return literalOrSelector({ type: 'number', ...extra }, kinds, {
    title,
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    examples: [defaultValue ?? 0.5, '$inputs.value'],
  });
}

export function enumParam(
  title: string,
  description: string,
  values: readonly string[],
  defaultValue: string | undefined,
): JsonSchema {
  return literalOrSelector({ type: 'string', enum: [...values] }, ['string'], {
    title,
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    examples: [defaultValue ?? values[0], '$inputs.value'],
  });
}

export const IMAGE_OUTPUT: OutputDefinition = { name: 'image', kind: ['image'] };
