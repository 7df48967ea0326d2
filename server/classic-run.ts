// Runs a classic model request as a one-step workflow and shapes the answer (shared by /infer/* and legacy).
import { InputImageLoadError, ModelInputError } from '../engine/index.ts';
import type { AppDeps } from './app.ts';
import { buildModelWorkflow, buildOcrWorkflow, type ClassicRequest } from './classic-workflow.ts';
import type { ModelTask } from '../blocks/models/manager.ts';
import { classicResponse, ocrResponse } from './classic-response.ts';
import { decodeHintFor } from '../blocks/models/preprocess.ts';
import type { DecodeHint } from '../engine/index.ts';

const REFUSED_IMAGE_TYPES = new Set(['numpy', 'numpy_object', 'pil']);

/** Refuse pickled-array image types up front with a 400 that says what to send instead. */
export function checkImageTypes(images: unknown): void {
  for (const image of Array.isArray(images) ? images : [images]) {
    const type = (image as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && REFUSED_IMAGE_TYPES.has(type)) {
      throw new InputImageLoadError(
        `image.type "${type}" is not supported: Sightline never unpickles data; send {"type": "base64", "value": ...} or {"type": "url", "value": ...}.`,
      );
    }
  }
}

export async function modelTask(
  deps: AppDeps,
  modelId: string,
  apiKey: string | undefined,
  /** The task the caller asked for, named in a not-found error. */
  wanted?: string,
): Promise<ModelTask> {
  const model = await deps.models.get(modelId, { apiKey, task: wanted });
  return model.task;
}

export interface ClassicRun {
  /** One response per image; `single` says whether the request held one image object (not a list). */
  responses: Array<Record<string, unknown>>;
  single: boolean;
}

/** Runs a classic workflow over one image or a list and shapes each image's outputs with the time per image. */
async function runClassic(
  deps: AppDeps,
  definition: Record<string, unknown>,
  images: unknown,
  apiKey: string | undefined,
  shape: (output: Record<string, unknown>, secondsPerImage: number) => Record<string, unknown>,
  decodeHint?: DecodeHint | null,
): Promise<ClassicRun> {
  const started = performance.now();
  const result = await deps.engine.run(
    definition,
    { image: images },
    { apiKey, serialize: true, disableSinks: true, decodeHints: decodeHint ? { image: decodeHint } : undefined },
  );
  const perImage = (performance.now() - started) / 1000 / Math.max(1, result.outputs.length);
  return { responses: result.outputs.map((output) => shape(output, perImage)), single: !Array.isArray(images) };
}

export async function runClassicModel(
  deps: AppDeps,
  task: ModelTask,
  request: ClassicRequest,
  images: unknown,
  apiKey: string | undefined,
): Promise<ClassicRun> {
  checkImageTypes(images);
  const definition = buildModelWorkflow(deps.engine.registry, task, request);
  // A classifier reads the image at its input size and answers no coordinates: decode it that small (JPEG
  // shrink-on-load). Detection keeps full decodes: its boxes, masks and image metadata are in source pixels.
  let hint: DecodeHint | null = null;
  if ((task === 'classification' || task === 'multi-label-classification') && !request.visualize)
    hint = decodeHintFor(await deps.models.get(request.modelId, { apiKey, task }));
  return runClassic(
    deps,
    definition,
    images,
    apiKey,
    (output, seconds) => classicResponse(task, output, seconds),
    hint,
  );
}

export async function runOcr(
  deps: AppDeps,
  images: unknown,
  withBoxes: boolean,
  apiKey: string | undefined,
): Promise<ClassicRun> {
  checkImageTypes(images);
  if (Array.isArray(images) && images.length === 0) throw new ModelInputError('image: expected at least one image.');
  const definition = buildOcrWorkflow(deps.engine.registry);
  return runClassic(deps, definition, images, apiKey, (output, seconds) => ocrResponse(output, seconds, withBoxes));
}
