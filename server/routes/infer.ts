// Classic model endpoints (docs/roboflow-compatibility.md#model-endpoints): /infer/object_detection, /infer/instance_segmentation,
// /infer/classification, /infer/keypoints_detection, and /doctr/ocr — each a one-step workflow.
import { Router } from 'express';
import type { AppDeps } from '../app.ts';
import { requestApiKey } from '../api-key.ts';
import { handler } from '../respond.ts';
import { RequestValidationError, validateBody } from '../validation.ts';
import { runPpOcr } from '../pp-ocr.ts';
import { semanticSegmentationUnavailable } from '../../blocks/models/semantic_segmentation/semantic-segmentation.ts';
import { modelTask, runClassicModel, runOcr } from '../classic-run.ts';
import type { ModelTask } from '../../blocks/models/manager.ts';
import type { ObjectDetectionInferenceRequest } from '../../schemas/generated/object-detection.ts';
import type { DoctrOCRInferenceRequest } from '../../schemas/generated/doctr-ocr.ts';

/** Request fields that are transport/visualization concerns, not model block properties. */
const NON_BLOCK_FIELDS = new Set([
  'id',
  'api_key',
  'model_id',
  'model_type',
  'image',
  'visualize_predictions',
  'visualization_labels',
  'visualization_stroke_width',
  'fix_batch_size',
  'usage_billable',
  'start',
  'source',
  'source_info',
  'disable_model_monitoring',
  'response_mask_format',
  'enforce_dense_masks_in_inference_models',
]);

const ENDPOINTS: Array<{ path: string; schema: string; task: ModelTask }> = [
  { path: '/infer/object_detection', schema: 'object-detection.json', task: 'object-detection' },
  { path: '/infer/instance_segmentation', schema: 'instance-segmentation.json', task: 'instance-segmentation' },
  { path: '/infer/keypoints_detection', schema: 'keypoints-detection.json', task: 'keypoint-detection' },
  { path: '/infer/classification', schema: 'classification.json', task: 'classification' },
];

export async function inferRoutes(deps: AppDeps): Promise<Router> {
  const router = Router();
  for (const endpoint of ENDPOINTS) {
    router.post(
      endpoint.path,
      handler(async (req, res) => {
        const body = validateBody<ObjectDetectionInferenceRequest>(endpoint.schema, req.body);
        const apiKey = requestApiKey(req, body.api_key, deps.config.apiKey);
        let task = endpoint.task;
        // One classification endpoint serves both multi-class and multi-label models: the model decides.
        if (
          task === 'classification' &&
          (await modelTask(deps, body.model_id, apiKey, 'classification')) === 'multi-label-classification'
        ) {
          task = 'multi-label-classification';
        }
        const fields = Object.fromEntries(Object.entries(body).filter(([key]) => !NON_BLOCK_FIELDS.has(key)));
        const run = await runClassicModel(
          deps,
          task,
          {
            modelId: body.model_id,
            fields,
            visualize: body.visualize_predictions ?? false,
            visualizationLabels: body.visualization_labels ?? false,
            strokeWidth: body.visualization_stroke_width ?? 1,
            maskFormat: (body as { response_mask_format?: string }).response_mask_format === 'rle' ? 'rle' : 'polygon',
          },
          body.image,
          apiKey,
        );
        res.json(run.single ? run.responses[0] : run.responses);
      }),
    );
  }

  // Roboflow's semantic segmentation route: the request is validated, then answered 501 "model package
  // required" naming the model (no semantic-segmentation package can be loaded here).
  router.post(
    '/infer/semantic_segmentation',
    handler(async (req) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const issues = [];
      if (typeof body.model_id !== 'string' || body.model_id === '')
        issues.push({ loc: ['body', 'model_id'], msg: 'Field required', type: 'missing' });
      if (body.image === undefined || body.image === null)
        issues.push({ loc: ['body', 'image'], msg: 'Field required', type: 'missing' });
      if (issues.length > 0) throw new RequestValidationError(issues);
      throw semanticSegmentationUnavailable(body.model_id);
    }),
  );

  // Roboflow's PP-OCR route, served by the bundled PaddleOCR engine.
  router.post(
    '/ocr/pp-ocr',
    handler(async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body !== 'object' || Array.isArray(body)) {
        throw new RequestValidationError([{ loc: ['body'], msg: 'Input should be an object', type: 'model_type' }]);
      }
      const apiKey = requestApiKey(req, body.api_key as string | undefined, deps.config.apiKey);
      res.json(await runPpOcr(deps, body, apiKey));
    }),
  );

  router.post(
    '/doctr/ocr',
    handler(async (req, res) => {
      const body = validateBody<DoctrOCRInferenceRequest>('doctr-ocr.json', req.body);
      const apiKey = requestApiKey(req, body.api_key, deps.config.apiKey);
      const run = await runOcr(deps, body.image, body.generate_bounding_boxes ?? false, apiKey);
      res.json(run.single ? run.responses[0] : run.responses);
    }),
  );
  return router;
}
