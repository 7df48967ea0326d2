// Roboflow's `POST /ocr/pp-ocr` (PPOCRInferenceRequest → OCRInferenceResponse) on our PaddleOCR engine: stage
// resolution (`text_detection` / `text_recognition` / `pp_ocr_version_id`), and the response with line boxes in
// reading order and `result` as lines joined by newlines. One bundled model serves tiny/small/medium alike.
import { randomUUID } from 'node:crypto';
import type { AppDeps } from './app.ts';
import { runOcr } from './classic-run.ts';
import { RequestValidationError } from './validation.ts';
import { FeatureNotServedError } from './routes/unsupported.ts';

const STAGES = ['none', 'tiny', 'small', 'medium'] as const;
type Stage = (typeof STAGES)[number];

export interface PpOcrStages {
  detection: Stage;
  recognition: Stage;
  /** `pp_ocr/<det>-<rec>`, as Roboflow rewrites model_id. */
  modelId: string;
}

function stage(value: unknown, field: string): Stage {
  if (value === null) return 'none';
  const lowered = typeof value === 'string' ? value.toLowerCase() : value;
  if (typeof lowered !== 'string' || !(STAGES as readonly string[]).includes(lowered)) {
    throw new RequestValidationError([
      {
        loc: ['body', field],
        msg: `Value error, ${field} must be one of none, tiny, small, medium`,
        type: 'value_error',
      },
    ]);
  }
  return lowered as Stage;
}

/** Roboflow's stage resolution; validation failures are 422s naming the field. */
export function resolvePpOcrStages(body: Record<string, unknown>): PpOcrStages {
  let det: unknown = Object.hasOwn(body, 'text_detection') ? body.text_detection : undefined;
  let rec: unknown = Object.hasOwn(body, 'text_recognition') ? body.text_recognition : undefined;
  const version = body.pp_ocr_version_id;
  if (det === undefined && rec === undefined && typeof version === 'string' && version !== '') {
    const tokens = version.split('-');
    if (tokens.length > 2) {
      throw new RequestValidationError([
        {
          loc: ['body', 'pp_ocr_version_id'],
          msg: 'Value error, pp_ocr_version_id must be "<stage>" or "<detection>-<recognition>"',
          type: 'value_error',
        },
      ]);
    }
    det = tokens[0];
    rec = tokens[1] ?? tokens[0];
  }
  const detection = det === undefined ? 'small' : stage(det, 'text_detection');
  const recognition = rec === undefined ? 'small' : stage(rec, 'text_recognition');
  if (detection === 'none' && recognition === 'none') {
    throw new RequestValidationError([
      {
        loc: ['body'],
        msg: 'Value error, text_detection and text_recognition cannot both be none',
        type: 'value_error',
      },
    ]);
  }
  return { detection, recognition, modelId: `pp_ocr/${detection}-${recognition}` };
}

type Prediction = Record<string, unknown> & { x: number; y: number; width: number; height: number; class: string };

/** Lines top to bottom (a box starts a new line when its top is below the line's bottom minus half its height). */
export function readingOrder(predictions: readonly Prediction[]): Prediction[][] {
  const byTop = [...predictions].sort((a, b) => a.y - a.height / 2 - (b.y - b.height / 2));
  const lines: Prediction[][] = [];
  let bottom = -Infinity;
  for (const p of byTop) {
    const top = p.y - p.height / 2;
    if (lines.length === 0 || top >= bottom - p.height / 2) {
      lines.push([p]);
      bottom = p.y + p.height / 2;
    } else {
      lines[lines.length - 1]!.push(p);
      bottom = Math.max(bottom, p.y + p.height / 2);
    }
  }
  return lines.map((line) => line.sort((a, b) => a.x - a.width / 2 - (b.x - b.width / 2)));
}

function shape(response: Record<string, unknown>, stages: PpOcrStages): Record<string, unknown> {
  const found = (response.predictions ?? []) as Prediction[];
  const lines = readingOrder(found);
  const recognized = stages.recognition !== 'none';
  const predictions = lines.flat().map((p) => ({
    x: p.x,
    y: p.y,
    width: p.width,
    height: p.height,
    confidence: p.confidence,
    class: recognized ? p.class : '',
    class_id: 0,
    detection_id: p.detection_id ?? randomUUID(),
  }));
  const result = recognized
    ? lines
        .map((line) =>
          line
            .map((p) => String(p.class).trim())
            .filter(Boolean)
            .join(' '),
        )
        .filter(Boolean)
        .join('\n')
    : '';
  return { result, image: response.image, predictions, time: response.time, parent_id: null };
}

export async function runPpOcr(
  deps: AppDeps,
  body: Record<string, unknown>,
  apiKey: string | undefined,
): Promise<Record<string, unknown> | Array<Record<string, unknown>>> {
  const stages = resolvePpOcrStages(body);
  if (body.image === undefined || body.image === null) {
    throw new RequestValidationError([{ loc: ['body', 'image'], msg: 'Field required', type: 'missing' }]);
  }
  if (stages.detection === 'none') {
    throw new FeatureNotServedError(
      'PP-OCR recognition without detection (text_detection "none") is not available on this server: the bundled PaddleOCR pipeline reads detected lines only.',
      { feature: 'PP-OCR recognition-only', reason: 'model_package_unavailable' },
    );
  }
  const run = await runOcr(deps, body.image, true, apiKey);
  const responses = run.responses.map((r) => shape(r, stages));
  return run.single ? responses[0]! : responses;
}
