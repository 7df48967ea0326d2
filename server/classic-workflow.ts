// The classic model endpoints (/infer/*, legacy /{dataset}/{version}, /doctr/ocr) are answered by building a
// small workflow on the fly: image input → the task's model block → JsonField outputs (+ visualization and
// image-size steps when those blocks are registered). One code path for models: the engine's.
import type { BlockRegistry } from '../engine/index.ts';
import type { ModelTask } from '../blocks/models/manager.ts';

/** Model block per task, most preferred first (v3 only takes over when a confidence mode is needed). */
const MODEL_BLOCKS: Record<ModelTask, string[]> = {
  'object-detection': [
    'roboflow_core/roboflow_object_detection_model@v2',
    'roboflow_core/roboflow_object_detection_model@v1',
  ],
  'instance-segmentation': [
    'roboflow_core/roboflow_instance_segmentation_model@v2',
    'roboflow_core/roboflow_instance_segmentation_model@v1',
  ],
  'keypoint-detection': [
    'roboflow_core/roboflow_keypoint_detection_model@v2',
    'roboflow_core/roboflow_keypoint_detection_model@v1',
  ],
  classification: ['roboflow_core/roboflow_classification_model@v2', 'roboflow_core/roboflow_classification_model@v1'],
  'multi-label-classification': [
    'roboflow_core/roboflow_multi_label_classification_model@v2',
    'roboflow_core/roboflow_multi_label_classification_model@v1',
  ],
};
const V3_BLOCKS: Record<ModelTask, string> = {
  'object-detection': 'roboflow_core/roboflow_object_detection_model@v3',
  'instance-segmentation': 'roboflow_core/roboflow_instance_segmentation_model@v3',
  'keypoint-detection': 'roboflow_core/roboflow_keypoint_detection_model@v3',
  classification: 'roboflow_core/roboflow_classification_model@v3',
  'multi-label-classification': 'roboflow_core/roboflow_multi_label_classification_model@v3',
};

/** Answers masks as COCO RLE (response_mask_format "rle"). */
const RLE_SEGMENTATION_BLOCK = 'roboflow_core/roboflow_instance_segmentation_model@v4';

const BOUNDING_BOX_BLOCK = 'roboflow_core/bounding_box_visualization@v1';
const LABEL_BLOCK = 'roboflow_core/label_visualization@v1';
const CLASSIFICATION_LABEL_BLOCK = 'roboflow_core/classification_label_visualization@v1';
/** Roboflow's classification visualization palette, indexed by class id (inference_models' draw_predictions). */
const ROBOFLOW_CLASSIFICATION_COLORS = [
  '#A351FB',
  '#FF4040',
  '#FFA1A0',
  '#FF7633',
  '#FFB633',
  '#D1D435',
  '#4CFB12',
  '#94CF1A',
  '#40DE8A',
  '#1B9640',
  '#00D6C1',
  '#2E9CAA',
  '#00C4FF',
  '#364797',
  '#6675FF',
  '#0019EF',
  '#863AFF',
  '#530087',
  '#CD3AFF',
  '#FF97CA',
  '#FF39C9',
];
const PROPERTY_BLOCK = 'roboflow_core/property_definition@v1';
const OCR_BLOCK = 'roboflow_core/ocr_model@v1';

export interface ClassicRequest {
  modelId: string;
  /** Request fields with Roboflow's names (confidence, iou_threshold, class_filter, mask_decode_mode...). */
  fields: Record<string, unknown>;
  visualize?: boolean;
  visualizationLabels?: boolean;
  strokeWidth?: number;
  /** Instance segmentation masks as polygon points (default) or COCO RLE. */
  maskFormat?: 'polygon' | 'rle';
}

type Step = Record<string, unknown> & { type: string; name: string };

/** Keep only the properties the block declares: request fields the block has no notion of are not errors. */
function declaredOnly(registry: BlockRegistry, step: Step): Step {
  const block = registry.get(step.type);
  if (!block) return step;
  const props = block.manifest.properties;
  const aliases = block.manifest.propertyAliases ?? {};
  const out: Step = { type: step.type, name: step.name };
  for (const [key, value] of Object.entries(step)) {
    if (key === 'type' || key === 'name' || value === undefined) continue;
    if (key in props || key in aliases) out[key] = value;
  }
  return out;
}

function pickBlock(registry: BlockRegistry, candidates: string[]): string {
  return candidates.find((type) => registry.get(type)) ?? candidates[0]!;
}

function imageSizeSteps(registry: BlockRegistry): Step[] {
  if (!registry.get(PROPERTY_BLOCK)) return [];
  return (['width', 'height'] as const).map((property) => ({
    type: PROPERTY_BLOCK,
    name: `image_${property}`,
    data: '$inputs.image',
    operations: [{ type: 'ExtractImageProperty', property_name: property }],
  }));
}

export function buildModelWorkflow(
  registry: BlockRegistry,
  task: ModelTask,
  request: ClassicRequest,
): Record<string, unknown> {
  const fields = { ...request.fields };
  let blockType = pickBlock(registry, MODEL_BLOCKS[task]);
  const confidence = fields.confidence;
  if (confidence === 'best' || confidence === 'default') {
    delete fields.confidence;
    // "best"/"default" need v3's confidence_mode; without v3 the block's own default applies.
    if (registry.get(V3_BLOCKS[task])) {
      blockType = V3_BLOCKS[task];
      fields.confidence_mode = confidence;
    }
  } else if (confidence === null) {
    delete fields.confidence;
  }
  if (task === 'instance-segmentation' && request.maskFormat === 'rle' && registry.get(RLE_SEGMENTATION_BLOCK)) {
    blockType = RLE_SEGMENTATION_BLOCK;
    fields.mask_format = 'rle';
    // v4 takes thresholds through confidence_mode; a number becomes its custom threshold.
    if (typeof fields.confidence === 'number') {
      fields.confidence_mode = 'custom';
      fields.custom_confidence = fields.confidence;
      delete fields.confidence;
    }
  }
  for (const [key, value] of Object.entries(fields)) if (value === null) delete fields[key];
  const modelStep = declaredOnly(registry, {
    ...fields,
    type: blockType,
    name: 'model',
    images: '$inputs.image',
    model_id: request.modelId,
  });
  const steps: Step[] = [modelStep];
  const outputs: Array<Record<string, unknown>> = [
    { type: 'JsonField', name: 'predictions', selector: '$steps.model.predictions' },
    { type: 'JsonField', name: 'inference_id', selector: '$steps.model.inference_id' },
  ];
  const isDetection = task !== 'classification' && task !== 'multi-label-classification';
  if (request.visualize && isDetection && registry.get(BOUNDING_BOX_BLOCK)) {
    steps.push(
      declaredOnly(registry, {
        type: BOUNDING_BOX_BLOCK,
        name: 'boxes',
        image: '$inputs.image',
        predictions: '$steps.model.predictions',
        thickness: request.strokeWidth ?? 1,
      }),
    );
    let last = 'boxes';
    if (request.visualizationLabels && registry.get(LABEL_BLOCK)) {
      steps.push(
        declaredOnly(registry, {
          type: LABEL_BLOCK,
          name: 'labels',
          image: '$steps.boxes.image',
          predictions: '$steps.model.predictions',
        }),
      );
      last = 'labels';
    }
    outputs.push({ type: 'JsonField', name: 'visualization', selector: `$steps.${last}.image` });
  }
  if (request.visualize && !isDetection && registry.get(CLASSIFICATION_LABEL_BLOCK)) {
    // The predicted class(es) with confidence at the top left in Roboflow's class colours (multi-label: every
    // predicted class, stacked); drawn with our label renderer, so metrics differ from Pillow's default font.
    steps.push(
      declaredOnly(registry, {
        type: CLASSIFICATION_LABEL_BLOCK,
        name: 'labels',
        image: '$inputs.image',
        predictions: '$steps.model.predictions',
        text: 'Class and Confidence',
        text_position: 'TOP_LEFT',
        text_scale: 0.6,
        color_palette: 'CUSTOM',
        custom_colors: task === 'multi-label-classification' ? ['#4892EA'] : ROBOFLOW_CLASSIFICATION_COLORS,
      }),
    );
    outputs.push({ type: 'JsonField', name: 'visualization', selector: '$steps.labels.image' });
  }
  const sizeSteps = imageSizeSteps(registry);
  steps.push(...sizeSteps);
  for (const step of sizeSteps)
    outputs.push({ type: 'JsonField', name: step.name, selector: `$steps.${step.name}.output` });
  return { version: '1.0', inputs: [{ type: 'WorkflowImage', name: 'image' }], steps, outputs };
}

export function buildOcrWorkflow(registry: BlockRegistry): Record<string, unknown> {
  const sizeSteps = imageSizeSteps(registry);
  return {
    version: '1.0',
    inputs: [{ type: 'WorkflowImage', name: 'image' }],
    steps: [{ type: OCR_BLOCK, name: 'ocr', images: '$inputs.image' }, ...sizeSteps],
    outputs: [
      { type: 'JsonField', name: 'result', selector: '$steps.ocr.result' },
      { type: 'JsonField', name: 'predictions', selector: '$steps.ocr.predictions' },
      { type: 'JsonField', name: 'parent_id', selector: '$steps.ocr.parent_id' },
      ...sizeSteps.map((s) => ({ type: 'JsonField', name: s.name, selector: `$steps.${s.name}.output` })),
    ],
  };
}
