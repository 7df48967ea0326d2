// roboflow_core/vlm_as_classifier@v1/@v2: parses a VLM's JSON answer into a classification prediction —
// {"class_name", "confidence"} for single-label, {"predicted_classes": [{"class", "confidence"}]} for multi-label.
// Unparseable or unrecognised answers give error_status true and no prediction.
import { randomUUID } from 'node:crypto';
import { WorkflowImage, defineBlock, literalOrSelector, selector, type BlockDefinition } from '../../engine/index.ts';
import { clampConfidence, classIndex, extractJsonPayload } from './vlm-json.ts';

interface Params {
  image: WorkflowImage;
  vlm_output: unknown;
  classes: string[];
}

type Classification = Record<string, unknown>;

function singleLabel(
  image: WorkflowImage,
  answer: Record<string, unknown>,
  classes: string[],
  inferenceId: string,
): Classification {
  const ids = classIndex(classes);
  const top = String(answer.class_name);
  const confidence = clampConfidence(answer.confidence);
  if (Number.isNaN(confidence)) throw new Error('confidence is not a number');
  const predictions: Array<Record<string, unknown>> = [];
  if (!ids.has(top)) predictions.push({ class: top, class_id: -1, confidence });
  for (const [name, id] of ids)
    predictions.push({ class: name, class_id: id, confidence: name === top ? confidence : 0 });
  return {
    image: { width: image.width, height: image.height },
    predictions,
    top,
    confidence,
    inference_id: inferenceId,
    parent_id: image.parentId,
  };
}

function multiLabel(
  image: WorkflowImage,
  answer: Record<string, unknown>,
  classes: string[],
  inferenceId: string,
): Classification {
  const ids = classIndex(classes);
  const confidences = new Map<string, number>();
  for (const item of answer.predicted_classes as Array<Record<string, unknown>>) {
    const name = String(item.class);
    if (!ids.has(name)) ids.set(name, -1);
    const confidence = clampConfidence(item.confidence);
    if (Number.isNaN(confidence)) throw new Error('confidence is not a number');
    confidences.set(name, Math.max(confidences.get(name) ?? -Infinity, confidence));
  }
  const predictions = Object.fromEntries(
    [...ids].map(([name, id]) => [name, { confidence: confidences.get(name) ?? 0, class_id: id }]),
  );
  return {
    image: { width: image.width, height: image.height },
    predictions,
    predicted_classes: [...confidences.keys()],
    inference_id: inferenceId,
    parent_id: image.parentId,
  };
}

export function parseClassification(
  image: WorkflowImage,
  vlmOutput: unknown,
  classes: string[],
): { error_status: boolean; predictions: Classification | null; inference_id: string } {
  const inferenceId = randomUUID();
  const failed = { error_status: true, predictions: null, inference_id: inferenceId };
  const parsed = extractJsonPayload(vlmOutput);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value))
    return failed;
  const answer = parsed.value as Record<string, unknown>;
  try {
    if ('class_name' in answer && 'confidence' in answer)
      return {
        error_status: false,
        predictions: singleLabel(image, answer, classes ?? [], inferenceId),
        inference_id: inferenceId,
      };
    if (Array.isArray(answer.predicted_classes))
      return {
        error_status: false,
        predictions: multiLabel(image, answer, classes ?? [], inferenceId),
        inference_id: inferenceId,
      };
  } catch {
    return failed;
  }
  return failed;
}

function classifierBlock(version: 'v1' | 'v2'): BlockDefinition<Params> {
  return defineBlock<Params>({
    manifest: {
      type: `roboflow_core/vlm_as_classifier@${version}`,
      humanName: 'VLM As Classifier',
      version,
      blockType: 'formatter',
      shortDescription: 'Parse a raw string into a classification prediction.',
      longDescription:
        'Turns a VLM/LLM JSON answer (raw or in a Markdown code block) into a classification prediction: single-label {"class_name", "confidence"} or multi-label {"predicted_classes": [...]}. Classes map to ids by their position in `classes`; unknown classes get -1.',
      ui: { section: 'advanced', icon: 'fal fa-tags', blockPriority: 5 },
      properties: {
        image: selector(['image'], {
          description: 'The image the VLM answered about (for dimensions and parent id).',
          examples: ['$inputs.image', '$steps.cropping.crops'],
        }),
        vlm_output: selector(['language_model_output'], {
          title: 'VLM Output',
          description: 'The VLM/LLM text holding the JSON answer.',
          examples: ['$steps.lmm.output'],
        }),
        classes: literalOrSelector({ type: 'array', items: { type: 'string' } }, ['list_of_values'], {
          description: 'All class names, in order; their positions are the class ids.',
          examples: [['dog', 'cat', 'bird'], '$inputs.classes'],
        }),
      },
      required: ['image', 'vlm_output', 'classes'],
      outputs: [
        { name: 'error_status', kind: ['boolean'] },
        { name: 'predictions', kind: ['classification_prediction'] },
        { name: 'inference_id', kind: [version === 'v1' ? 'string' : 'inference_id'] },
      ],
    },
    run({ image, vlm_output, classes }) {
      return parseClassification(image, vlm_output, classes);
    },
  });
}

export const vlmAsClassifierV1 = classifierBlock('v1');
export const vlmAsClassifierV2 = classifierBlock('v2');
