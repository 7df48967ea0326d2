// What all visualization blocks share: the base manifest fields (image, predictions, copy_image and the colour
// settings), and a run wrapper that draws on a private copy of the image and returns it with the input's lineage.
import {
  DETECTION_KINDS_WITH_RLE,
  defineBlock,
  literal,
  literalOrSelector,
  selector,
  type BlockDefinition,
  type BlockManifest,
  type Detections,
  type JsonSchema,
  type StepContext,
  type WorkflowImage,
} from '../../engine/index.ts';
import {
  buildPalette,
  colorIndex,
  paletteColor,
  PALETTE_NAMES,
  COLOR_AXES,
  type ColorAxis,
  type Rgb,
} from '../common/color.ts';
import { Canvas } from '../common/draw/index.ts';

export const MASK_PREDICTION_KINDS = ['instance_segmentation_prediction', 'rle_instance_segmentation_prediction'];

const COPY_IMAGE_WARNING = {
  property: 'copy_image',
  value: false,
  message:
    'This setting will mutate its input image. If the input is used by other blocks, it may cause unexpected behavior.',
};

export function imageProperty(): JsonSchema {
  return selector(['image'], {
    title: 'Input Image',
    description: 'The image to visualize on.',
    examples: ['$inputs.image', '$steps.cropping.crops'],
  });
}

export function copyImageProperty(): JsonSchema {
  return literalOrSelector({ type: 'boolean' }, ['boolean'], {
    title: 'Copy Image',
    description:
      'Enable this option to create a copy of the input image for visualization, preserving the original. ' +
      'Sightline always draws on a copy because images are shared between steps.',
    default: true,
    examples: [true, false],
  });
}

export function predictionsProperty(kinds: string[] = [...DETECTION_KINDS_WITH_RLE]): JsonSchema {
  return selector(kinds, {
    title: 'Predictions',
    description: 'Model predictions to visualize.',
    examples: ['$steps.object_detection_model.predictions'],
  });
}

export function colorProperties(): Record<string, JsonSchema> {
  return {
    color_palette: literalOrSelector({ type: 'string', enum: [...PALETTE_NAMES] }, ['string'], {
      title: 'Color Palette',
      description: 'Select a color palette for the visualised elements.',
      default: 'DEFAULT',
      examples: ['DEFAULT', '$inputs.color_palette'],
    }),
    palette_size: literalOrSelector({ type: 'integer' }, ['integer'], {
      title: 'Palette Size',
      description: 'Specify the number of colors in the palette (for matplotlib palettes).',
      default: 10,
      examples: [10, '$inputs.palette_size'],
    }),
    custom_colors: literalOrSelector({ type: 'array', items: { type: 'string' } }, ['list_of_values'], {
      title: 'Custom Colors',
      description: 'Define a list of custom colors for bounding boxes in HEX format (used with CUSTOM palette).',
      default: [],
      examples: [['#FF0000', '#00FF00', '#0000FF'], '$inputs.custom_colors'],
    }),
    color_axis: literalOrSelector({ type: 'string', enum: [...COLOR_AXES] }, ['string'], {
      title: 'Color Axis',
      description: 'Choose how bounding box colors are assigned: by class id, by detection index or by tracker id.',
      default: 'CLASS',
      examples: ['CLASS', '$inputs.color_axis'],
    }),
  };
}

export interface VisualizationSpec {
  type: string;
  /** False for visualizations that keep state across frames (see BlockManifest.cacheable). */
  cacheable?: boolean;
  aliases?: string[];
  humanName: string;
  version?: string;
  shortDescription: string;
  longDescription?: string;
  icon?: string;
  blockPriority?: number;
  /** Kinds accepted as `predictions`; null for blocks that draw something else (zones, paths, text). */
  predictionKinds?: string[] | null;
  /** Adds color_palette / palette_size / custom_colors / color_axis. */
  colorable?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  executionEngineCompatibility?: string;
  searchKeywords?: string[];
}

export function visualizationManifest(spec: VisualizationSpec): BlockManifest {
  const predictionKinds = spec.predictionKinds === undefined ? [...DETECTION_KINDS_WITH_RLE] : spec.predictionKinds;
  const properties: Record<string, JsonSchema> = {
    image: imageProperty(),
    copy_image: copyImageProperty(),
    ...(predictionKinds ? { predictions: predictionsProperty(predictionKinds) } : {}),
    ...(spec.colorable ? colorProperties() : {}),
    ...spec.properties,
  };
  return {
    type: spec.type,
    aliases: spec.aliases,
    humanName: spec.humanName,
    version: spec.version ?? 'v1',
    blockType: 'visualization',
    ...(spec.cacheable === false ? { cacheable: false } : {}),
    shortDescription: spec.shortDescription,
    longDescription: spec.longDescription ?? spec.shortDescription,
    searchKeywords: spec.searchKeywords,
    ui: {
      section: 'visualization',
      icon: spec.icon ?? 'far fa-palette',
      blockPriority: spec.blockPriority ?? 5,
      supervision: true,
      warnings: [COPY_IMAGE_WARNING],
    },
    properties,
    required: ['image', ...(predictionKinds ? ['predictions'] : []), ...(spec.required ?? [])],
    outputs: [{ name: 'image', kind: ['image'] }],
    executionEngineCompatibility: spec.executionEngineCompatibility,
  };
}

/** Params every visualization receives (the block's own ones come on top). */
export interface VisualizationParams {
  image: WorkflowImage;
  copy_image?: boolean;
  predictions?: Detections;
  color_palette?: string;
  palette_size?: number;
  custom_colors?: unknown[];
  color_axis?: string;
  [key: string]: unknown;
}

/** Picks each detection's colour from the step's palette settings. */
export function detectionColors(params: VisualizationParams, detections: Detections, stepName: string): Rgb[] {
  const palette = buildPalette(
    params.color_palette ?? 'DEFAULT',
    Number(params.palette_size ?? 10),
    params.custom_colors,
    stepName,
  );
  const axis = (params.color_axis ?? 'CLASS') as ColorAxis;
  const out: Rgb[] = [];
  for (let i = 0; i < detections.length; i++) out.push(paletteColor(palette, colorIndex(detections, i, axis)));
  return out;
}

export type DrawFunction = (canvas: Canvas, params: VisualizationParams, context: StepContext) => void | Promise<void>;

/** A visualization block: copies the image, lets `draw` paint on the copy, returns `{ image }`. */
export function defineVisualization(spec: VisualizationSpec, draw: DrawFunction): BlockDefinition<VisualizationParams> {
  return defineBlock<VisualizationParams>({
    manifest: visualizationManifest(spec),
    async run(params, context) {
      const canvas = Canvas.copyOf(params.image);
      await draw(canvas, params, context);
      return { image: canvas.toImage(params.image) };
    },
  });
}

export function intProperty(
  title: string,
  description: string,
  defaultValue: number,
  extra: JsonSchema = {},
): JsonSchema {
  return literalOrSelector({ type: 'integer', ...extra }, ['integer'], {
    title,
    description,
    default: defaultValue,
    examples: [defaultValue, '$inputs.value'],
  });
}

export function floatProperty(
  title: string,
  description: string,
  defaultValue: number,
  kinds = ['float'],
  extra: JsonSchema = {},
): JsonSchema {
  return literalOrSelector({ type: 'number', ...extra }, kinds, {
    title,
    description,
    default: defaultValue,
    examples: [defaultValue, '$inputs.value'],
  });
}

export function colorProperty(title: string, description: string, defaultValue: string): JsonSchema {
  return literalOrSelector({ type: 'string' }, ['string'], {
    title,
    description,
    default: defaultValue,
    examples: [defaultValue, '#FFFFFF', '$inputs.color'],
  });
}

export function enumProperty(
  title: string,
  description: string,
  values: readonly string[],
  defaultValue: string,
): JsonSchema {
  return literalOrSelector({ type: 'string', enum: [...values] }, ['string'], {
    title,
    description,
    default: defaultValue,
    examples: [defaultValue, '$inputs.value'],
  });
}

export { literal };
