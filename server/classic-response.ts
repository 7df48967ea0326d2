// Turns the outputs of a classic one-step workflow into Roboflow's classic response shapes (docs/roboflow-compatibility.md#model-endpoints,
// serialized with exclude_none: absent optional keys are left out, never sent as null).
import { randomUUID } from 'node:crypto';
import type { ModelTask } from '../blocks/models/manager.ts';

type Json = Record<string, unknown>;

function imageSize(output: Json, payload: Json | undefined): { width: number | null; height: number | null } {
  const width = output.image_width;
  const height = output.image_height;
  if (typeof width === 'number' && typeof height === 'number') return { width, height };
  const image = (payload?.image ?? {}) as Json;
  return { width: (image.width as number | null) ?? null, height: (image.height as number | null) ?? null };
}

function classicKeypoint(kp: Json): Json {
  return { x: kp.x, y: kp.y, confidence: kp.confidence, class_id: kp.class_id, class: kp.class };
}

/** One detection in classic order: x, y, width, height, confidence, class, class_id, detection_id (+ extras). */
function classicPrediction(p: Json, task: ModelTask): Json {
  const out: Json = {
    x: p.x,
    y: p.y,
    width: p.width,
    height: p.height,
    confidence: p.confidence,
    class: p.class,
    class_id: p.class_id,
  };
  if (p.class_confidence !== undefined && p.class_confidence !== null) out.class_confidence = p.class_confidence;
  if (p.tracker_id !== undefined && p.tracker_id !== null) out.tracker_id = p.tracker_id;
  out.detection_id = p.detection_id;
  if (task === 'instance-segmentation') {
    if (p.rle_mask) {
      out.rle = p.rle_mask;
      out.mask_format = 'rle';
    } else {
      out.points = p.points ?? [];
      out.mask_format = 'polygon';
    }
  }
  if (task === 'keypoint-detection') out.keypoints = ((p.keypoints ?? []) as Json[]).map(classicKeypoint);
  return out;
}

function visualizationValue(value: unknown): string | undefined {
  if (value && typeof value === 'object' && typeof (value as Json).value === 'string')
    return (value as Json).value as string;
  return undefined;
}

export function classicResponse(task: ModelTask, output: Json, seconds: number): Json {
  const inferenceId = typeof output.inference_id === 'string' ? output.inference_id : randomUUID();
  const visualization = visualizationValue(output.visualization);
  if (task === 'classification' || task === 'multi-label-classification') {
    const prediction = (output.predictions ?? {}) as Json;
    const body: Json = {
      inference_id: inferenceId,
      time: seconds,
      image: imageSize(output, prediction),
      predictions: prediction.predictions ?? (task === 'classification' ? [] : {}),
    };
    if ('predicted_classes' in prediction) body.predicted_classes = prediction.predicted_classes;
    else {
      if (prediction.top !== undefined) body.top = prediction.top;
      if (prediction.confidence !== undefined) body.confidence = prediction.confidence;
    }
    if (visualization) body.visualization = visualization;
    return body;
  }
  const payload = (output.predictions ?? { predictions: [] }) as Json;
  const body: Json = {
    inference_id: inferenceId,
    time: seconds,
    image: imageSize(output, payload),
    predictions: ((payload.predictions ?? []) as Json[]).map((p) => classicPrediction(p, task)),
  };
  if (visualization) body.visualization = visualization;
  return body;
}

/** Roboflow's doctr OCR shape: {result, time, parent_id?, predictions?}. */
export function ocrResponse(output: Json, seconds: number, withBoxes: boolean): Json {
  const body: Json = { result: typeof output.result === 'string' ? output.result : '', time: seconds };
  if (typeof output.parent_id === 'string') body.parent_id = output.parent_id;
  if (withBoxes) {
    const payload = (output.predictions ?? { predictions: [] }) as Json;
    body.image = imageSize(output, payload);
    body.predictions = ((payload.predictions ?? []) as Json[]).map((p) => classicPrediction(p, 'object-detection'));
  }
  return body;
}
