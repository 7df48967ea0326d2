// Inference for Roboflow classification packages: PREPROCESSING (static crop, contrast, grayscale, resize),
// then (x/255 - 0.5) / 0.5 like Roboflow's classifiers, then class scores turned into Roboflow's response dicts
// (docs/roboflow-compatibility.md#serialization, #model-endpoints): multi-class sorted predictions with top/confidence, or multi-label per-class scores with
// the classes above the threshold.
//
// environment.json may override the normalization with
// `"NORMALIZATION": {"mean": [r, g, b], "std": [r, g, b], "channel_order": "rgb" | "bgr"}` (values on the 0-1
// scale, listed in the tensor's channel order), for models trained with other statistics.
import { Tensor } from 'onnxruntime-node';
import type { WorkflowImage } from '../../../engine/index.ts';
import type { LoadedModel } from '../manager.ts';
import { preprocessImage } from '../preprocess.ts';
import { returnTensor } from '../tensor-pool.ts';
import type { RunRequest } from '../scheduler.ts';

export interface MultiClassPrediction {
  class: string;
  class_id: number;
  confidence: number;
}

export interface MultiClassResponse {
  inference_id?: string;
  time: number;
  image: { width: number; height: number };
  predictions: MultiClassPrediction[];
  top: string;
  confidence: number;
}

export interface MultiLabelResponse {
  inference_id?: string;
  time: number;
  image: { width: number; height: number };
  predictions: Record<string, { confidence: number; class_id: number }>;
  predicted_classes: string[];
}

export type ClassificationResponse = MultiClassResponse | MultiLabelResponse;

export interface Normalization {
  mean: [number, number, number];
  std: [number, number, number];
  bgr: boolean;
}

const ROBOFLOW_CLASSIFIER_NORMALIZATION: Normalization = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], bgr: false };

/** Largest batch sent to a model whose batch dimension is dynamic. */
const MAX_BATCH = 16;

/** Whether a model answers with multi-label responses (MULTICLASS packages). */
export function isMultiLabelModel(model: LoadedModel): boolean {
  return model.task === 'multi-label-classification' || model.environment.MULTICLASS === true;
}

export function normalizationOf(environment: Record<string, unknown>): Normalization {
  const custom = environment.NORMALIZATION as Record<string, unknown> | undefined;
  if (!custom || typeof custom !== 'object') return ROBOFLOW_CLASSIFIER_NORMALIZATION;
  const triple = (value: unknown, fallback: [number, number, number]): [number, number, number] =>
    Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'number')
      ? (value as [number, number, number])
      : fallback;
  return {
    mean: triple(custom.mean, ROBOFLOW_CLASSIFIER_NORMALIZATION.mean),
    std: triple(custom.std, ROBOFLOW_CLASSIFIER_NORMALIZATION.std),
    bgr: String(custom.channel_order ?? 'rgb').toLowerCase() === 'bgr',
  };
}

/** Preprocessed input of one image: planes in the model's channel order, normalized. */
async function inputTensor(model: LoadedModel, image: WorkflowImage, norm: Normalization): Promise<Float32Array> {
  const { tensor } = await preprocessImage(image, model.environment, {
    width: model.inputWidth,
    height: model.inputHeight,
  });
  const plane = tensor.length / 3;
  if (norm.bgr) {
    const red = tensor.slice(0, plane);
    tensor.copyWithin(0, 2 * plane, 3 * plane);
    tensor.set(red, 2 * plane);
  }
  for (let c = 0; c < 3; c++) {
    const mean = norm.mean[c]!;
    const scale = 1 / norm.std[c]!;
    for (let i = c * plane, end = (c + 1) * plane; i < end; i++) tensor[i] = (tensor[i]! - mean) * scale;
  }
  return tensor;
}

export interface ClassifyRun extends RunRequest {
  /** Most images per session.run for a dynamic batch axis (default 16, never above MODEL_MAX_BATCH_SIZE; 1 = one run
   *  per image). */
  maxBatch?: number;
}

/** Raw class scores (one row per image). Chunks of the batch run concurrently through the model's scheduler. */
export async function classScores(
  model: LoadedModel,
  images: readonly WorkflowImage[],
  run: ClassifyRun = {},
): Promise<Float32Array[]> {
  const norm = normalizationOf(model.environment);
  const chunk =
    model.batchSize === null || model.batchSize === undefined
      ? Math.max(1, Math.min(run.maxBatch ?? MAX_BATCH, model.scheduler.settings.maxBatchSize))
      : Math.max(1, model.batchSize);
  const request: RunRequest = { signal: run.signal, owner: run.owner ?? {} };
  const starts = Array.from({ length: Math.ceil(images.length / chunk) }, (_, i) => i * chunk);
  const chunks = await Promise.all(
    starts.map((start) => chunkScores(model, images.slice(start, start + chunk), norm, request)),
  );
  return chunks.flat();
}

async function chunkScores(
  model: LoadedModel,
  group: readonly WorkflowImage[],
  norm: Normalization,
  request: RunRequest,
): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  const inputs = await Promise.all(group.map((image) => inputTensor(model, image, norm)));
  const size = inputs[0]!.length;
  // A static batch size larger than the group is filled with copies of the last image.
  const batch = model.batchSize && model.batchSize > group.length ? model.batchSize : group.length;
  const data = new Float32Array(batch * size);
  for (let i = 0; i < batch; i++) data.set(inputs[Math.min(i, inputs.length - 1)]!, i * size);
  for (const tensor of inputs) returnTensor(tensor);
  const input = new Tensor('float32', data, [batch, 3, model.inputHeight, model.inputWidth]);
  const outputs = await model.scheduler.run({ [model.session.inputNames[0]!]: input }, request);
  const output = outputs[model.session.outputNames[0]!]!;
  const values = output.data as Float32Array;
  const classes = values.length / batch;
  for (let i = 0; i < group.length; i++) rows.push(Float32Array.from(values.subarray(i * classes, (i + 1) * classes)));
  return rows;
}

/** Softmax unless the scores already are a probability distribution (all in [0, 1], summing to ~1). */
export function toProbabilities(scores: Float32Array): Float32Array {
  let sum = 0;
  let inUnitRange = true;
  for (const v of scores) {
    sum += v;
    if (v < 0 || v > 1) inUnitRange = false;
  }
  if (inUnitRange && Math.abs(sum - 1) < 1e-3) return scores;
  const max = Math.max(...scores);
  const out = new Float32Array(scores.length);
  let total = 0;
  for (let i = 0; i < scores.length; i++) total += out[i] = Math.exp(scores[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= total;
  return out;
}

/** Per-class sigmoid unless every score already lies in [0, 1]. */
export function toIndependentProbabilities(scores: Float32Array): Float32Array {
  if (scores.every((v) => v >= 0 && v <= 1)) return scores;
  return scores.map((v) => 1 / (1 + Math.exp(-v)));
}

/** The size clients see: the source's when the image was decoded smaller (decode-to-size). */
function sizeOf(image: WorkflowImage): { width: number; height: number } {
  return { width: image.sourceSize?.width ?? image.width, height: image.sourceSize?.height ?? image.height };
}

function className(model: LoadedModel, index: number): string {
  return model.classNames[index] ?? String(index);
}

export function multiClassResponse(
  model: LoadedModel,
  image: WorkflowImage,
  scores: Float32Array,
  time: number,
): MultiClassResponse {
  const probabilities = toProbabilities(scores);
  const predictions = Array.from(probabilities, (confidence, i) => ({
    class: className(model, i),
    class_id: i,
    confidence,
  })).sort((a, b) => b.confidence - a.confidence);
  const top = predictions[0];
  return {
    time,
    image: sizeOf(image),
    predictions,
    top: top?.class ?? '',
    confidence: top?.confidence ?? 0,
  };
}

export function multiLabelResponse(
  model: LoadedModel,
  image: WorkflowImage,
  scores: Float32Array,
  /** One threshold, or one per class (confidence "best"). */
  threshold: number | Float32Array,
  time: number,
): MultiLabelResponse {
  const probabilities = toIndependentProbabilities(scores);
  const predictions: MultiLabelResponse['predictions'] = {};
  const predicted: string[] = [];
  probabilities.forEach((confidence, i) => {
    const name = className(model, i);
    predictions[name] = { confidence, class_id: i };
    if (confidence > (typeof threshold === 'number' ? threshold : (threshold[i] ?? 0))) predicted.push(name);
  });
  return { time, image: sizeOf(image), predictions, predicted_classes: predicted };
}

/**
 * Classifies images with a loaded classification package. `multiLabel` forces the multi-label response
 * (the multi-label blocks); otherwise the package decides (MULTICLASS). `confidence` is the multi-label
 * threshold (one, or one per class); multi-class responses list every class.
 */
export async function classify(
  model: LoadedModel,
  images: readonly WorkflowImage[],
  options: { multiLabel?: boolean; confidence: number | Float32Array } & ClassifyRun,
): Promise<ClassificationResponse[]> {
  const started = performance.now();
  const rows = await classScores(model, images, options);
  const time = (performance.now() - started) / 1000 / Math.max(1, images.length);
  const multiLabel = options.multiLabel || isMultiLabelModel(model);
  return rows.map((scores, i) =>
    multiLabel
      ? multiLabelResponse(model, images[i]!, scores, options.confidence, time)
      : multiClassResponse(model, images[i]!, scores, time),
  );
}
