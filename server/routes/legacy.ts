// Legacy `GET|POST /{dataset_id}/{version_id}` (docs/roboflow-compatibility.md#model-endpoints): Roboflow's hosted-API style model route. The image
// comes from `?image=URL`, a raw base64 body or a multipart `file` part; the model's task picks the response.
import busboy from 'busboy';
import express, { Router, type Request } from 'express';
import { ContentTypeMissing, InputImageLoadError } from '../../engine/index.ts';
import type { AppDeps } from '../app.ts';
import { requestApiKey } from '../api-key.ts';
import { handler } from '../respond.ts';
import { FeatureNotServedError } from './unsupported.ts';
import { RequestValidationError, type ValidationIssue } from '../validation.ts';
import { modelTask, runClassicModel } from '../classic-run.ts';

/** First path segments that belong to other routes (or browsers) and must never be read as a dataset id. */
const RESERVED_FIRST_SEGMENTS = new Set([
  'workflows',
  'infer',
  'model',
  'workspaces',
  'doctr',
  'info',
  'healthz',
  'readiness',
  'assets',
  'api',
  'static',
  'favicon.ico',
  'robots.txt',
  // Other features' own routes (`/jobs/{id}`, `/inference_pipelines/{id}`...) are never model ids.
  'jobs',
  'inference_pipelines',
  'metrics',
  'docs',
]);

/** Roboflow project slugs (letters, digits, `-`, `_`) and numeric versions: anything else is not a model. */
const DATASET_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const VERSION_PATTERN = /^\d{1,9}$/;

export function isLegacyModelPair(dataset: string, version: string): boolean {
  return !RESERVED_FIRST_SEGMENTS.has(dataset) && DATASET_PATTERN.test(dataset) && VERSION_PATTERN.test(version);
}

/** Whether a request path is the legacy model route (the app's JSON parser leaves these bodies alone). */
export function isLegacyModelPath(pathname: string): boolean {
  const match = /^\/([^/]+)\/([^/]+)\/?$/.exec(pathname);
  return !!match && isLegacyModelPair(match[1]!, match[2]!);
}

const CONFIDENCE_LOWER_BOUND = 0.01;

class QueryReader {
  readonly issues: ValidationIssue[] = [];
  constructor(private readonly query: Request['query']) {}
  string(name: string): string | undefined {
    const value = this.query[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  }
  number(name: string, fallback: number, integer = false): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      this.issues.push({
        loc: ['query', name],
        msg: `Input should be a valid ${integer ? 'integer' : 'number'}`,
        type: integer ? 'int_parsing' : 'float_parsing',
      });
      return fallback;
    }
    return value;
  }
  bool(name: string): boolean | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    this.issues.push({ loc: ['query', name], msg: 'Input should be a valid boolean', type: 'bool_parsing' });
    return undefined;
  }
}

/** 0–100 percentages (values ≥ 1) become fractions. */
function fraction(value: number): number {
  return value >= 1 ? value / 100 : value;
}

async function multipartFile(req: Request, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    let found: Buffer | undefined;
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: limit, files: 4 } });
    } catch (error) {
      // e.g. a multipart content type without a boundary
      reject(new InputImageLoadError(`Could not parse the multipart body: ${(error as Error).message}`));
      return;
    }
    parser.on('file', (field, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () =>
        reject(Object.assign(new Error('multipart file too large'), { type: 'entity.too.large', limit })),
      );
      stream.on('end', () => {
        if (field === 'file' || !found) found = Buffer.concat(chunks);
      });
    });
    parser.on('error', (error: Error) =>
      reject(new InputImageLoadError(`Could not parse the multipart body: ${error.message}`)),
    );
    parser.on('close', () => resolve(found));
    req.pipe(parser);
  });
}

async function requestImage(req: Request, query: QueryReader, limit: number): Promise<unknown> {
  const url = query.string('image');
  if (url) return { type: 'url', value: url };
  const contentType = req.get('content-type');
  if (!contentType) {
    throw new ContentTypeMissing(
      'Request must have a Content-Type header (a base64 body or multipart/form-data with a `file` part) or an `image` URL query parameter.',
    );
  }
  if (/^multipart\/form-data/i.test(contentType)) {
    const file = await multipartFile(req, limit);
    if (!file || file.length === 0) throw new InputImageLoadError('multipart/form-data body has no `file` part.');
    return { type: 'base64', value: file.toString('base64') };
  }
  const body =
    typeof req.body === 'string'
      ? req.body.trim()
      : Buffer.isBuffer(req.body)
        ? req.body.toString('latin1').trim()
        : '';
  if (!body)
    throw new InputImageLoadError(
      'Request body is empty: send the image as base64, or use the `image` query parameter.',
    );
  return { type: 'base64', value: body };
}

// Long on purpose: one route whose handler follows Roboflow's legacy request parsing step by step.
export async function legacyRoutes(deps: AppDeps): Promise<Router> {
  const router = Router();
  if (!deps.config.legacyRouteEnabled) return router;
  // Raw base64 bodies under any content type except multipart, `application/json` included: Roboflow's own
  // client (inference_sdk, v0 mode) labels the bare base64 string as JSON. The app's JSON parser skips these
  // paths (isLegacyModelPath), so the body arrives here unread.
  const rawBody = express.text({
    type: (req) => !/^multipart\//i.test(req.headers['content-type'] ?? '') && !!req.headers['content-type'],
    limit: deps.config.maxBodyBytes,
  });

  const legacy = handler(async (req, res) => {
    const { dataset_id: dataset, version_id: version } = req.params as Record<string, string>;
    const query = new QueryReader(req.query);
    const modelId = `${dataset}/${version}`;
    const apiKey = requestApiKey(req, undefined, deps.config.apiKey);
    const imageType = query.string('image_type');
    if (imageType === 'numpy')
      throw new InputImageLoadError('image_type=numpy is not supported: send base64 or an image URL.');
    const format = query.string('format') ?? 'json';
    if (!['json', 'image', 'image_and_json'].includes(format)) {
      query.issues.push({
        loc: ['query', 'format'],
        msg: "Input should be 'json', 'image' or 'image_and_json'",
        type: 'enum',
      });
    }
    const confidenceRaw = query.string('confidence');
    const confidence =
      confidenceRaw === 'best' || confidenceRaw === 'default'
        ? confidenceRaw
        : Math.max(CONFIDENCE_LOWER_BOUND, fraction(query.number('confidence', 0.4)));
    const fields: Record<string, unknown> = {
      confidence,
      iou_threshold: fraction(query.number('overlap', 0.3)),
      max_detections: query.number('max_detections', 300, true),
      keypoint_confidence: query.number('keypoint_confidence', 0),
      mask_decode_mode: query.string('mask_decode_mode'),
      tradeoff_factor: query.string('tradeoff_factor') === undefined ? undefined : query.number('tradeoff_factor', 0),
      disable_active_learning: query.bool('disable_active_learning'),
      active_learning_target_dataset: query.string('active_learning_target_dataset'),
    };
    for (const flag of [
      'disable_preproc_auto_orient',
      'disable_preproc_contrast',
      'disable_preproc_grayscale',
      'disable_preproc_static_crop',
    ]) {
      fields[flag] = query.bool(flag);
    }
    const labels = query.bool('labels') ?? false;
    const stroke = query.number('stroke', 1, true);
    if (query.issues.length > 0) throw new RequestValidationError(query.issues);

    const image = await requestImage(req, query, deps.config.maxBodyBytes);
    const task = await modelTask(deps, modelId, apiKey);
    const wantsImage = format !== 'json';
    const run = await runClassicModel(
      deps,
      task,
      {
        modelId,
        fields,
        visualize: wantsImage,
        visualizationLabels: labels,
        strokeWidth: stroke,
        maskFormat: query.string('response_mask_format') === 'rle' ? 'rle' : 'polygon',
      },
      image,
      apiKey,
    );
    const response = run.responses[0]!;
    if (!wantsImage) {
      res.json(response);
      return;
    }
    if (typeof response.visualization !== 'string') {
      throw new FeatureNotServedError(
        `format=${format} needs the bounding box visualization block, which is not available for ${task} models here.`,
      );
    }
    if (format === 'image') {
      res.type('image/jpeg').send(Buffer.from(response.visualization, 'base64'));
      return;
    }
    res.json(response);
  });

  const guard: express.RequestHandler = (req, _res, next) => {
    const { dataset_id: dataset, version_id: version } = req.params as Record<string, string>;
    // Not a model route: let the 404 handler answer instead of trying to load "assets/app.js" as a model.
    if (!isLegacyModelPair(dataset!, version!)) {
      next('route');
      return;
    }
    next();
  };
  router.get('/:dataset_id/:version_id', guard, legacy);
  router.post('/:dataset_id/:version_id', guard, rawBody, legacy);
  return router;
}
