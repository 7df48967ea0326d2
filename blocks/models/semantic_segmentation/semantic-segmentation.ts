// roboflow_core/roboflow_semantic_segmentation_model@v1/@v2 and what /infer/semantic_segmentation shares with
// them. Roboflow runs DeepLabV3+ packages (weights.onnx, class_names.txt, inference_config.json); no package
// installable here ships such a model (see docs: no npm package carries a small semantic-segmentation ONNX
// model), so the blocks are registered with Roboflow's manifests and validation, and running one fails with a
// clear "model package required" error instead of a stand-in model.
import {
  PlatformError,
  defineBlock,
  imagesProperty,
  literalOrSelector,
  type Batch,
  type BlockDefinition,
  type JsonSchema,
  type StepContext,
  type WorkflowImage,
} from '../../../engine/index.ts';

/** A task whose model package this server cannot load (answered 501: the request is fine, the server lacks it). */
export class ModelPackageRequiredError extends PlatformError {
  override readonly blame = 'client' as const;
}

export function semanticSegmentationUnavailable(modelId: unknown): ModelPackageRequiredError {
  return new ModelPackageRequiredError(
    `Semantic segmentation with model ${JSON.stringify(modelId)} needs a semantic-segmentation model package ` +
      '(DeepLabV3+ ONNX: weights.onnx, class_names.txt with a background class, inference_config.json), which this ' +
      'server cannot load: model package required. Instance segmentation models (/infer/instance_segmentation) run locally.',
    { model_id: typeof modelId === 'string' ? modelId : null, task: 'semantic-segmentation' },
  );
}

interface Params {
  images: Batch<WorkflowImage>;
  model_id: string;
  confidence_mode?: string;
  custom_confidence?: number | null;
}

const BASE: Record<string, JsonSchema> = {
  images: imagesProperty(),
  model_id: literalOrSelector({ type: 'string' }, ['roboflow_model_id'], {
    title: 'Model',
    description: 'Roboflow model identifier (`project/version`) or alias, e.g. deep-lab-v3-plus/2.',
    examples: ['deep-lab-v3-plus/2', '$inputs.model'],
  }),
};

const V2_PROPERTIES: Record<string, JsonSchema> = {
  confidence_mode: literalOrSelector({ type: 'string', enum: ['best', 'default', 'custom'] }, ['string'], {
    title: 'Confidence Mode',
    description: "'best': the model's per-class thresholds; 'default': its default; 'custom': custom_confidence.",
    default: 'best',
  }),
  custom_confidence: literalOrSelector(
    [{ type: 'number', minimum: 0, maximum: 1 }, { type: 'null' }],
    ['float_zero_to_one'],
    { title: 'Custom Confidence', description: "Threshold when confidence_mode is 'custom'.", default: 0.4 },
  ),
};

export function semanticSegmentationBlock(version: 'v1' | 'v2'): BlockDefinition<Params> {
  return defineBlock<Params>({
    initParameters: { model_manager: 'models' },
    manifest: {
      type: `roboflow_core/roboflow_semantic_segmentation_model@${version}`,
      humanName: 'Semantic Segmentation Model',
      version,
      blockType: 'model',
      shortDescription: 'Label every pixel of an image with a class.',
      longDescription:
        'Runs a Roboflow semantic-segmentation model (DeepLabV3+) and returns one detection per class present, ' +
        'with its pixels as an RLE mask. Needs a semantic-segmentation model package, which this server cannot ' +
        'load yet: running the block fails with "model package required".',
      searchKeywords: ['segmentation', 'semantic', 'deeplab', 'roboflow'],
      ui: { section: 'model', icon: 'far fa-chart-network', inference: true },
      properties: version === 'v2' ? { ...BASE, ...V2_PROPERTIES } : BASE,
      required: ['images', 'model_id'],
      propertyAliases: { image: 'images' },
      batchParameters: ['images'],
      outputs: [
        { name: 'inference_id', kind: ['inference_id'] },
        { name: 'predictions', kind: ['semantic_segmentation_prediction'] },
        { name: 'model_id', kind: ['roboflow_model_id'] },
      ],
    },
    validateDefinition(step) {
      if (version === 'v2' && step.confidence_mode === 'custom' && step.custom_confidence === null) {
        return {
          property: 'custom_confidence',
          message: "custom_confidence is required when confidence_mode is 'custom'",
        };
      }
      return null;
    },
    run(params: Params, _context: StepContext) {
      throw semanticSegmentationUnavailable(params.model_id);
    },
  });
}
