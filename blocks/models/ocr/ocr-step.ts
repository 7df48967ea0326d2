// Run logic shared by the OCR blocks: every image of the batch is read by the same PP-OCR pipeline.
import { randomUUID } from 'node:crypto';
import type { Batch, OutputDefinition, StepContext, StepOutputs, WorkflowImage } from '../../../engine/index.ts';
import { joinLines, ocrLinesToDetections, readImageText } from './ocr-output.ts';
import type { ModelManager } from '../manager.ts';
import { scheduledRunner } from '../scheduler.ts';
import pLimit from 'p-limit';

/** Images of one step read at once (bounds the memory of their detection maps). */
const OCR_IMAGES_AT_ONCE = 8;

export const OCR_OUTPUTS: OutputDefinition[] = [
  { name: 'result', kind: ['string'] },
  { name: 'predictions', kind: ['object_detection_prediction'] },
  { name: 'parent_id', kind: ['parent_id'] },
  { name: 'root_parent_id', kind: ['parent_id'] },
  { name: 'prediction_type', kind: ['prediction_type'] },
];

export async function runOcrOverBatch(images: Batch<WorkflowImage>, context?: StepContext): Promise<StepOutputs[]> {
  const models = context?.services.models as ModelManager | undefined;
  // Through the manager's schedulers: OCR's sessions share the in-flight bounds, batching and queue limits.
  const runner = models?.schedulers
    ? scheduledRunner(models.schedulers, 'paddleocr', { signal: context?.signal })
    : undefined;
  // Images (often crops of one picture) are read concurrently, so the scheduler can merge their direction
  // classifier runs (fixed 48x192 input) and same-width recognizer runs into shared batches.
  const limit = pLimit(OCR_IMAGES_AT_ONCE);
  const results = await Promise.all(
    images.values.map((image) =>
      limit(async (): Promise<StepOutputs> => {
        // Masked elements never reach a block without acceptsEmptyValues; guard anyway to keep alignment.
        if (!image)
          return { result: '', predictions: null, parent_id: null, root_parent_id: null, prediction_type: 'ocr' };
        const { lines } = await readImageText(image, { runner });
        return {
          result: joinLines(lines),
          predictions: ocrLinesToDetections(image, lines, randomUUID()),
          parent_id: image.parentId,
          root_parent_id: image.rootParentId,
          prediction_type: 'ocr',
        };
      }),
    ),
  );
  return results;
}
