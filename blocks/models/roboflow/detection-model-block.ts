// Shared manifest and run for the Roboflow detection-family model blocks (object detection, instance
// segmentation, keypoint detection; versions v1–v3). Each block file states its identity and calls this.
import {
  Batch,
  Detections,
  ModelInputError,
  RLE_MASK_COLUMN,
  encodeRle,
  defineBlock,
  imagesProperty,
  literalOrSelector,
  type BlockDefinition,
  type JsonSchema,
  type OutputDefinition,
  type StepContext,
  type WorkflowImage,
} from '../../../engine/index.ts';
import type { ModelManager, ModelTask } from '../manager.ts';
import { inferDetections, DEFAULT_CONFIDENCE, type DetectionParams } from '../yolo/infer.ts';
import type { MaskDecodeMode } from '../yolo/masks.ts';

export type DetectionTask = 'object-detection' | 'instance-segmentation' | 'keypoint-detection';
export type BlockVersion = 'v1' | 'v2' | 'v3' | 'v4';
export type MaskFormat = 'polygon' | 'rle';

/** v3 and later choose thresholds with confidence_mode (best / default / custom). */
const hasConfidenceMode = (identity: DetectionBlockIdentity) => identity.version === 'v3' || identity.version === 'v4';
/** Instance segmentation v4 can hand masks on as COCO RLE. */
const hasMaskFormat = (identity: DetectionBlockIdentity) =>
  identity.task === 'instance-segmentation' && identity.version === 'v4';

const PREDICTION_KINDS: Record<DetectionTask, string> = {
  'object-detection': 'object_detection_prediction',
  'instance-segmentation': 'instance_segmentation_prediction',
  'keypoint-detection': 'keypoint_detection_prediction',
};

const HUMAN_NAMES: Record<DetectionTask, string> = {
  'object-detection': 'Object Detection Model',
  'instance-segmentation': 'Instance Segmentation Model',
  'keypoint-detection': 'Keypoint Detection Model',
};

const DESCRIPTIONS: Record<DetectionTask, string> = {
  'object-detection': 'Predict the location of objects with bounding boxes.',
  'instance-segmentation': 'Predict the shape, size, and location of objects.',
  'keypoint-detection': 'Predict skeletons on objects.',
};

export interface DetectionBlockIdentity {
  task: DetectionTask;
  version: BlockVersion;
  /** e.g. `roboflow_core/roboflow_object_detection_model@v2` */
  type: string;
  aliases?: string[];
}

const f01 = (meta: { title?: string; description?: string; default?: unknown; examples?: unknown[] }) =>
  literalOrSelector({ type: 'number', minimum: 0, maximum: 1 }, ['float_zero_to_one'], meta);

// Long on purpose: the manifest's property table (one JSON Schema per property).
function properties(identity: DetectionBlockIdentity): Record<string, JsonSchema> {
  const props: Record<string, JsonSchema> = {
    images: imagesProperty(),
    model_id: literalOrSelector({ type: 'string' }, ['roboflow_model_id'], {
      title: 'Model',
      description: 'Roboflow model identifier.',
      examples: ['my_project/3', '$inputs.model'],
    }),
  };
  if (hasConfidenceMode(identity)) {
    props.confidence_mode = literalOrSelector({ type: 'string', enum: ['best', 'default', 'custom'] }, ['string'], {
      title: 'Confidence Mode',
      description:
        "'best' uses the package's per-class CLASS_CONFIDENCE_THRESHOLDS, 'default' its CONFIDENCE_THRESHOLD (environment.json; 0.4 when absent), 'custom' the value of custom_confidence.",
      default: 'default',
    });
    props.custom_confidence = f01({
      title: 'Custom Confidence',
      description: 'Confidence threshold used when confidence_mode is custom.',
      default: DEFAULT_CONFIDENCE,
      examples: [0.3],
    });
  } else {
    props.confidence = f01({
      title: 'Confidence',
      description: 'Confidence threshold for predictions.',
      default: DEFAULT_CONFIDENCE,
      examples: [0.3, '$inputs.confidence_threshold'],
    });
  }
  if (identity.task === 'keypoint-detection') {
    props.keypoint_confidence = f01({
      title: 'Keypoint Confidence',
      description: 'Confidence threshold for keypoints; keypoints below it are dropped.',
      default: 0.0,
      examples: [0.3],
    });
  }
  Object.assign(props, {
    class_filter: literalOrSelector(
      [{ type: 'array', items: { type: 'string' } }, { type: 'null' }],
      ['list_of_values'],
      {
        title: 'Class Filter',
        description: 'List of accepted classes (all when empty).',
        default: null,
        examples: [['a', 'b', 'c'], '$inputs.class_filter'],
      },
    ),
    iou_threshold: f01({
      title: 'Iou Threshold',
      description: 'Intersection over union threshold used by non-maximum suppression.',
      default: 0.3,
      examples: [0.4],
    }),
    max_detections: literalOrSelector({ type: 'integer', exclusiveMinimum: 0 }, ['integer'], {
      title: 'Max Detections',
      description: 'Maximum number of detections to return.',
      default: 300,
      examples: [300],
    }),
    class_agnostic_nms: literalOrSelector([{ type: 'boolean' }, { type: 'null' }], ['boolean'], {
      title: 'Class Agnostic Nms',
      description: 'Run non-maximum suppression across classes.',
      default: false,
      examples: [true],
    }),
    max_candidates: literalOrSelector({ type: 'integer', exclusiveMinimum: 0 }, ['integer'], {
      title: 'Max Candidates',
      description: 'Maximum number of candidates kept before non-maximum suppression.',
      default: 3000,
      examples: [3000],
    }),
  });
  if (identity.task === 'instance-segmentation') {
    props.mask_decode_mode = literalOrSelector({ type: 'string', enum: ['accurate', 'tradeoff', 'fast'] }, ['string'], {
      title: 'Mask Decode Mode',
      description:
        'accurate: upsample then threshold; fast: threshold at prototype resolution; tradeoff: in between (tradeoff_factor).',
      default: 'accurate',
    });
    props.tradeoff_factor = f01({
      title: 'Tradeoff Factor',
      description: 'For tradeoff mode: 0 is fastest, 1 most accurate.',
      default: 0.0,
      examples: [0.3],
    });
  }
  if (hasMaskFormat(identity)) {
    props.mask_format = literalOrSelector({ type: 'string', enum: ['rle', 'polygon'] }, ['string'], {
      title: 'Mask Format',
      description: 'rle: masks serialized as COCO RLE (`rle_mask: {size, counts}`); polygon: as polygon points.',
      default: 'rle',
    });
  }
  props.disable_active_learning = literalOrSelector({ type: 'boolean' }, ['boolean'], {
    title: 'Disable Active Learning',
    description: 'Active learning is not available in Sightline; accepted for compatibility.',
    default: true,
    examples: [true],
  });
  props.active_learning_target_dataset = literalOrSelector(
    [{ type: 'string' }, { type: 'null' }],
    ['roboflow_project'],
    {
      title: 'Active Learning Target Dataset',
      description: 'Accepted for compatibility.',
      default: null,
      examples: ['my_project'],
    },
  );
  return props;
}

function outputs(identity: DetectionBlockIdentity): OutputDefinition[] {
  const kinds = hasMaskFormat(identity)
    ? ['rle_instance_segmentation_prediction', PREDICTION_KINDS[identity.task]]
    : [PREDICTION_KINDS[identity.task]];
  const predictions = { name: 'predictions', kind: kinds };
  if (identity.version === 'v1') return [{ name: 'inference_id', kind: ['string'] }, predictions];
  return [
    { name: 'inference_id', kind: ['inference_id'] },
    predictions,
    { name: 'model_id', kind: ['roboflow_model_id'] },
  ];
}

type Params = Record<string, unknown> & { images: Batch<WorkflowImage>; model_id: string };

function numberParam(params: Params, name: string, fallback: number, stepName: string): number {
  const value = params[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ModelInputError(`Step ${stepName}: ${name} must be a number, got ${JSON.stringify(value)}`);
  }
  return value;
}

function confidenceOf(
  identity: DetectionBlockIdentity,
  params: Params,
  stepName: string,
): DetectionParams['confidence'] {
  if (!hasConfidenceMode(identity)) return numberParam(params, 'confidence', DEFAULT_CONFIDENCE, stepName);
  const mode = params.confidence_mode ?? 'default';
  if (mode === 'custom') return numberParam(params, 'custom_confidence', DEFAULT_CONFIDENCE, stepName);
  if (mode === 'best' || mode === 'default') return mode;
  throw new ModelInputError(
    `Step ${stepName}: confidence_mode must be best, default or custom, got ${JSON.stringify(mode)}`,
  );
}

export function detectionParamsOf(identity: DetectionBlockIdentity, params: Params, stepName: string): DetectionParams {
  const classFilter = params.class_filter;
  if (classFilter !== null && classFilter !== undefined && !Array.isArray(classFilter)) {
    throw new ModelInputError(`Step ${stepName}: class_filter must be a list of class names or null`);
  }
  const mode = (params.mask_decode_mode ?? 'accurate') as MaskDecodeMode;
  if (!['accurate', 'fast', 'tradeoff'].includes(mode)) {
    throw new ModelInputError(
      `Step ${stepName}: mask_decode_mode must be accurate, fast or tradeoff, got ${JSON.stringify(mode)}`,
    );
  }
  return {
    confidence: confidenceOf(identity, params, stepName),
    iouThreshold: numberParam(params, 'iou_threshold', 0.3, stepName),
    classAgnosticNms: params.class_agnostic_nms === true,
    maxDetections: numberParam(params, 'max_detections', 300, stepName),
    maxCandidates: numberParam(params, 'max_candidates', 3000, stepName),
    classFilter: classFilter && (classFilter as unknown[]).length > 0 ? (classFilter as unknown[]).map(String) : null,
    keypointConfidence:
      identity.task === 'keypoint-detection' ? numberParam(params, 'keypoint_confidence', 0, stepName) : undefined,
    maskDecodeMode: mode,
    tradeoffFactor:
      identity.task === 'instance-segmentation' ? numberParam(params, 'tradeoff_factor', 0, stepName) : undefined,
  };
}

function maskFormatOf(params: Params, stepName: string): MaskFormat {
  const format = params.mask_format ?? 'rle';
  if (format !== 'rle' && format !== 'polygon')
    throw new ModelInputError(`Step ${stepName}: mask_format must be rle or polygon, got ${JSON.stringify(format)}`);
  return format;
}

/** Detections with each mask also as COCO RLE in the rle_mask column (dense masks stay for downstream blocks). */
export function withRleMasks(detections: Detections): Detections {
  const shape = detections.maskShape;
  const rle =
    detections.masks && shape
      ? detections.masks.map((mask) => encodeRle(mask, shape[0], shape[1]))
      : Array.from({ length: detections.length }, () => null);
  return new Detections(
    detections.xyxy,
    detections.confidence,
    detections.classId,
    { ...detections.data, [RLE_MASK_COLUMN]: rle },
    detections.masks,
    detections.maskShape,
    detections.trackerId,
  );
}

const DETECTION_TASKS: readonly ModelTask[] = ['object-detection', 'instance-segmentation', 'keypoint-detection'];

export function modelManagerOf(context: StepContext): ModelManager {
  const models = context.services.models as ModelManager | undefined;
  if (!models || typeof models.get !== 'function') {
    throw new ModelInputError(`Step ${context.stepName}: no model manager is configured (services.models)`);
  }
  return models;
}

export function detectionModelBlock(identity: DetectionBlockIdentity): BlockDefinition<Params> {
  return defineBlock<Params>({
    initParameters: { model_manager: 'models' },
    manifest: {
      type: identity.type,
      aliases: identity.aliases,
      humanName: HUMAN_NAMES[identity.task],
      version: identity.version,
      blockType: 'model',
      shortDescription: DESCRIPTIONS[identity.task],
      longDescription: `Run inference on a ${identity.task.replace('-', ' ')} model hosted on or uploaded to Roboflow, or installed in the local model cache.`,
      searchKeywords: ['model', 'roboflow', 'yolo', identity.task],
      ui: {
        section: 'model',
        icon: 'far fa-chart-network',
        blockPriority: 0,
        inference: true,
        popular: identity.task === 'object-detection',
      },
      properties: properties(identity),
      required: ['images', 'model_id'],
      propertyAliases: { image: 'images' },
      outputs: outputs(identity),
      batchParameters: ['images'],
    },
    async run(params, context) {
      const models = modelManagerOf(context);
      const model = await models.get(params.model_id, { apiKey: context.request.apiKey, task: identity.task });
      if (!DETECTION_TASKS.includes(model.task)) {
        throw new ModelInputError(
          `Step ${context.stepName}: model ${params.model_id} is a ${model.task} model; this block expects a ${identity.task} model`,
        );
      }
      const detectionParams = detectionParamsOf(identity, params, context.stepName);
      const maskFormat = hasMaskFormat(identity) ? maskFormatOf(params, context.stepName) : 'polygon';
      // Masks only when the block outputs instance segmentation; keypoints stay (they are data columns).
      const withMasks = identity.task === 'instance-segmentation';
      return Promise.all(
        params.images.values.map(async (image) => {
          if (!image) return null;
          const { detections, inferenceId } = await inferDetections(
            model,
            image,
            { ...detectionParams, skipMasks: !withMasks },
            { signal: context.signal },
          );
          const out: Record<string, unknown> = {
            inference_id: inferenceId,
            predictions: maskFormat === 'rle' ? withRleMasks(detections) : detections,
          };
          if (identity.version !== 'v1') out.model_id = params.model_id;
          return out;
        }),
      );
    },
  });
}
