// roboflow_core/vlm_as_detector@v1/@v2: parses a VLM's JSON answer into object detections, with the parser
// chosen by model_type and task_type. Unparseable answers give error_status true and no predictions.
import { randomUUID } from 'node:crypto';
import {
  Detections,
  WorkflowImage,
  WorkflowDefinitionError,
  defineBlock,
  literal,
  literalOrSelector,
  selector,
  type BlockDefinition,
} from '../../engine/index.ts';
import { attachImageMetadata } from '../common/detections-metadata.ts';
import { extractJsonPayload } from './vlm-json.ts';
import { DETECTOR_TASKS, LLM_MODEL_TYPES, parserFor, type ParsedBox } from './vlm-detections.ts';

interface Params {
  image: WorkflowImage;
  vlm_output: unknown;
  classes: string[] | null;
  model_type: string;
  task_type: string;
}

function toDetections(boxes: ParsedBox[], image: WorkflowImage, inferenceId: string): Detections {
  const n = boxes.length;
  const d = new Detections(
    Float32Array.from(boxes.flatMap((b) => b.xyxy)),
    Float32Array.from(boxes, (b) => b.confidence),
    Int32Array.from(boxes, (b) => b.classId),
    { class_name: boxes.map((b) => b.className) },
  );
  return attachImageMetadata(d, image, { inferenceId, predictionType: 'object-detection', newDetectionIds: true }).with(
    {
      data: { image_dimensions: Array.from({ length: n }, () => [image.height, image.width]) },
    },
  );
}

function detectorBlock(version: 'v1' | 'v2'): BlockDefinition<Params> {
  const modelTypes = version === 'v1' ? LLM_MODEL_TYPES.filter((m) => m !== 'openai') : LLM_MODEL_TYPES;
  return defineBlock<Params>({
    manifest: {
      type: `roboflow_core/vlm_as_detector@${version}`,
      humanName: 'VLM As Detector',
      version,
      blockType: 'formatter',
      shortDescription: 'Parses raw string into object-detection prediction.',
      longDescription:
        'Turns a VLM/LLM JSON answer (raw or in a Markdown code block) into object detections; model_type and task_type pick the answer format. Classes map to ids by position in `classes`; unknown classes get -1.',
      ui: { section: 'advanced', icon: 'fal fa-object-ungroup', blockPriority: 5 },
      properties: {
        image: selector(['image'], {
          description: 'The image the VLM answered about (for dimensions and lineage).',
          examples: ['$inputs.image', '$steps.cropping.crops'],
        }),
        vlm_output: selector(['language_model_output'], {
          title: 'VLM Output',
          description: 'The VLM/LLM text holding the JSON answer.',
          examples: [['$steps.lmm.output']],
        }),
        classes: {
          ...literalOrSelector([{ type: 'array', items: { type: 'string' } }, { type: 'null' }], ['list_of_values'], {
            description:
              'All class names, in order; their positions are the class ids. Required except for florence-2.',
            examples: [['dog', 'cat', 'bird'], '$inputs.classes'],
          }),
          relevant_for: { model_type: { values: modelTypes, required: true } },
        },
        model_type: literal(
          { type: 'string', enum: [...modelTypes, 'florence-2'] },
          {
            description: 'The model that produced the answer; selects the parser.',
            examples: [['google-gemini'], ['florence-2']],
          },
        ),
        task_type: literal({ type: 'string', enum: DETECTOR_TASKS }, { description: 'The task the model performed.' }),
      },
      required: ['image', 'vlm_output', 'model_type', 'task_type'],
      outputs: [
        { name: 'error_status', kind: ['boolean'] },
        { name: 'predictions', kind: ['object_detection_prediction'] },
        { name: 'inference_id', kind: [version === 'v1' ? 'string' : 'inference_id'] },
      ],
    },
    run({ image, vlm_output, classes, model_type, task_type }, context) {
      const parser = parserFor(model_type, task_type);
      if (!parser || !(model_type === 'florence-2' || modelTypes.includes(model_type))) {
        throw new WorkflowDefinitionError(
          `Step ${context.stepName}: could not parse result of task ${task_type} for model ${model_type}`,
        );
      }
      if (model_type !== 'florence-2' && !classes)
        throw new WorkflowDefinitionError(
          `Step ${context.stepName}: classes must be given for model_type ${model_type}`,
        );
      const inferenceId = randomUUID();
      const failed = { error_status: true, predictions: null, inference_id: inferenceId };
      const parsed = extractJsonPayload(vlm_output);
      if (!parsed.ok) return failed;
      try {
        return {
          error_status: false,
          predictions: toDetections(parser(parsed.value, classes, image.width, image.height), image, inferenceId),
          inference_id: inferenceId,
        };
      } catch {
        return failed;
      }
    },
  });
}

export const vlmAsDetectorV1 = detectorBlock('v1');
export const vlmAsDetectorV2 = detectorBlock('v2');
