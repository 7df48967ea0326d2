// What the six Roboflow classification blocks (single-/multi-label, v1-v3) share: their properties and outputs,
// and the step logic (load the model through the model manager, classify the batch, attach lineage).
import { randomUUID } from 'node:crypto';
import {
  WorkflowEnvironmentConfigurationError,
  ModelInputError,
  imagesProperty,
  literalOrSelector,
  type Batch,
  type BlockManifest,
  type DecodeHint,
  type JsonSchema,
  type OutputDefinition,
  type Services,
  type StepContext,
  type StepDefinition,
  type StepOutputs,
  type WorkflowImage,
} from '../../../engine/index.ts';
import type { ModelManager } from '../manager.ts';
import { classify } from './classify.ts';
import { decodeHintFor } from '../preprocess.ts';
import { DEFAULT_CONFIDENCE, resolveConfidence, type ConfidenceSetting } from '../confidence.ts';

/** Threshold of v1/v2 steps and of v3 custom mode when none is given. */
export const DEFAULT_CLASSIFICATION_CONFIDENCE = DEFAULT_CONFIDENCE;

export const CLASSIFICATION_BASE_PROPERTIES: Record<string, JsonSchema> = {
  images: imagesProperty(),
  model_id: literalOrSelector({ type: 'string' }, ['roboflow_model_id'], {
    title: 'Model',
    description: 'Roboflow model identifier (`project/version`) or alias.',
    examples: ['my_project/3', '$inputs.model'],
  }),
};

const ACTIVE_LEARNING_PROPERTIES: Record<string, JsonSchema> = {
  disable_active_learning: literalOrSelector({ type: 'boolean' }, ['boolean'], {
    title: 'Disable Active Learning',
    description: 'Accepted for compatibility; Sightline does not collect active-learning data.',
    default: true,
  }),
  active_learning_target_dataset: literalOrSelector([{ type: 'string' }, { type: 'null' }], ['roboflow_project'], {
    title: 'Active Learning Target Dataset',
    description: 'Accepted for compatibility; Sightline does not collect active-learning data.',
    default: null,
  }),
};

/** v1 / v2: a single `confidence`. */
export const CONFIDENCE_PROPERTIES: Record<string, JsonSchema> = {
  confidence: literalOrSelector({ type: 'number', minimum: 0, maximum: 1 }, ['float_zero_to_one'], {
    title: 'Confidence',
    description: 'Threshold a class score must exceed to count as predicted (multi-label).',
    default: DEFAULT_CLASSIFICATION_CONFIDENCE,
  }),
  ...ACTIVE_LEARNING_PROPERTIES,
};

/** v3: `confidence_mode` (best / default / custom) with `custom_confidence`. */
export const CONFIDENCE_MODE_PROPERTIES: Record<string, JsonSchema> = {
  confidence_mode: literalOrSelector({ type: 'string', enum: ['best', 'default', 'custom'] }, ['string'], {
    title: 'Confidence Mode',
    description:
      "'custom' uses custom_confidence; 'default' the package's CONFIDENCE_THRESHOLD and 'best' its per-class " +
      'CLASS_CONFIDENCE_THRESHOLDS (environment.json), 0.4 when the package records none.',
    default: 'default',
  }),
  custom_confidence: literalOrSelector({ type: 'number', minimum: 0, maximum: 1 }, ['float_zero_to_one'], {
    title: 'Custom Confidence',
    description: "Threshold used when confidence_mode is 'custom'.",
    default: DEFAULT_CLASSIFICATION_CONFIDENCE,
  }),
  ...ACTIVE_LEARNING_PROPERTIES,
};

export const V1_OUTPUTS: OutputDefinition[] = [
  { name: 'predictions', kind: ['classification_prediction'] },
  { name: 'inference_id', kind: ['string'] },
];

export const V2_OUTPUTS: OutputDefinition[] = [
  { name: 'predictions', kind: ['classification_prediction'] },
  { name: 'inference_id', kind: ['inference_id'] },
  { name: 'model_id', kind: ['roboflow_model_id'] },
];

/** Manifest fields every classification block has. */
export function classificationManifest(
  fields: Pick<BlockManifest, 'type' | 'version' | 'humanName' | 'shortDescription' | 'outputs'> &
    Partial<Pick<BlockManifest, 'aliases' | 'longDescription'>> & { properties: Record<string, JsonSchema> },
): BlockManifest {
  return {
    ...fields,
    blockType: 'model',
    searchKeywords: ['classification', 'classifier', 'roboflow'],
    ui: { section: 'model', icon: 'far fa-chart-network', inference: true },
    properties: { ...CLASSIFICATION_BASE_PROPERTIES, ...fields.properties },
    required: ['images', 'model_id'],
    propertyAliases: { image: 'images' },
    batchParameters: ['images'],
    decodeHint: classifierDecodeHint,
  };
}

/** A classifier reads its images at the model's input size (decode-to-size), when the model id is a literal. */
async function classifierDecodeHint(
  step: StepDefinition,
  services: Services,
  request: { apiKey?: string },
): Promise<DecodeHint | null> {
  const models = services.models as ModelManager | undefined;
  if (!models || typeof step.model_id !== 'string' || step.model_id.startsWith('$')) return null;
  const model = await models.get(step.model_id, { apiKey: request.apiKey });
  if (model.task !== 'classification' && model.task !== 'multi-label-classification') return null;
  return decodeHintFor(model);
}

export interface ClassificationStepParams {
  images: Batch<WorkflowImage>;
  model_id: string;
  confidence?: number;
  confidence_mode?: string;
  custom_confidence?: number;
}

/** The threshold a step asks for: v3's mode (best / default resolved by the package), else v1/v2's `confidence`. */
export function stepConfidence(params: ClassificationStepParams, stepName = 'classification'): ConfidenceSetting {
  const mode = params.confidence_mode;
  if (mode === undefined) return Number(params.confidence ?? DEFAULT_CLASSIFICATION_CONFIDENCE);
  if (mode === 'custom') return Number(params.custom_confidence ?? DEFAULT_CLASSIFICATION_CONFIDENCE);
  if (mode === 'best' || mode === 'default') return mode;
  throw new ModelInputError(
    `Step ${stepName}: confidence_mode must be best, default or custom, got ${JSON.stringify(mode)}`,
  );
}

export async function runClassificationStep(
  params: ClassificationStepParams,
  context: StepContext,
  options: { multiLabel: boolean; withModelId: boolean },
): Promise<Array<StepOutputs | null>> {
  const models = context.services.models as ModelManager | undefined;
  if (!models) {
    throw new WorkflowEnvironmentConfigurationError(
      `Step ${context.stepName} (${context.stepType}) needs a model manager in the engine services (services.models)`,
    );
  }
  if (typeof params.model_id !== 'string' || params.model_id === '') {
    throw new ModelInputError(
      `Step ${context.stepName}: model_id must be a non-empty string, got ${JSON.stringify(params.model_id)}`,
    );
  }
  const model = await models.get(params.model_id, {
    apiKey: context.request.apiKey,
    task: options.multiLabel ? 'multi-label-classification' : 'classification',
  });
  if (model.task !== 'classification' && model.task !== 'multi-label-classification') {
    throw new ModelInputError(
      `Step ${context.stepName}: model ${params.model_id} is a ${model.task} model, not a classification model`,
    );
  }
  const present = params.images.values.filter((image): image is WorkflowImage => image !== null);
  const confidence = resolveConfidence(stepConfidence(params, context.stepName), model);
  const responses = await classify(model, present, {
    multiLabel: options.multiLabel,
    confidence,
    signal: context.signal,
  });
  let next = 0;
  return params.images.values.map((image) => {
    if (!image) return null;
    const response = responses[next++]!;
    const inferenceId = randomUUID();
    const predictions = {
      inference_id: inferenceId,
      ...response,
      prediction_type: 'classification',
      parent_id: image.parentId,
      root_parent_id: image.rootParentId,
    };
    const outputs: StepOutputs = { predictions, inference_id: inferenceId };
    if (options.withModelId) outputs.model_id = params.model_id;
    return outputs;
  });
}
