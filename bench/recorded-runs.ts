// Classification and OCR overheads: one end-to-end HTTP request is made with the server's own sessions
// recording every `session.run` feed; the raw time is then those exact feeds replayed on the same sessions
// (preprocessing, crops, decoding, engine and HTTP excluded). So the ratio is end to end ÷ pure inference.
import type { InferenceSession } from 'onnxruntime-node';
import sharp from 'sharp';
import type { RunningServer } from '../server/app.ts';
import { installModelPackage } from '../blocks/models/package.ts';
import { loadOcrModels, ocrAssetPath } from '../blocks/models/ocr/ocr-engine.ts';
import { poster } from './load.ts';

export interface Measurement {
  name: string;
  value: number;
  unit: string;
}

export interface BenchContext {
  server: RunningServer;
  iterations: number;
  meanMs(iterations: number, fn: () => Promise<unknown>): Promise<number>;
  rows: Measurement[];
  ratios: Measurement[];
}

type Feeds = InferenceSession.FeedsType;
interface Recording {
  session: InferenceSession;
  feeds: Feeds;
}

/** Runs `fn` while the sessions record their feeds; returns what each session was asked to run, in order. */
async function recordRuns(sessions: InferenceSession[], fn: () => Promise<unknown>): Promise<Recording[]> {
  const recorded: Recording[] = [];
  for (const session of sessions) {
    const original = session.run.bind(session);
    (session as { run: unknown }).run = (feeds: Feeds, ...rest: unknown[]) => {
      recorded.push({ session, feeds });
      return (original as (...args: unknown[]) => unknown)(feeds, ...rest);
    };
  }
  try {
    await fn();
  } finally {
    for (const session of sessions) delete (session as { run?: unknown }).run;
  }
  return recorded;
}

async function replay(recorded: Recording[]): Promise<void> {
  for (const { session, feeds } of recorded) await session.run(feeds);
}

async function measure(
  ctx: BenchContext,
  label: string,
  route: string,
  sessions: InferenceSession[],
  request: () => Promise<unknown>,
): Promise<void> {
  // Warm-up: loads, first-run allocations, and each model's first lone runs (timed both ways by the model workers).
  for (let i = 0; i < 12; i++) await request();
  const recorded = await recordRuns(sessions, request);
  if (recorded.length === 0) throw new Error(`${label}: the request ran no session of the measured model`);
  const rawMs = await ctx.meanMs(ctx.iterations, () => replay(recorded));
  const httpMs = await ctx.meanMs(ctx.iterations, request);
  ctx.rows.push({ name: `${label}: ${route} end to end`, value: httpMs, unit: 'ms' });
  ctx.rows.push({ name: `${label}: raw session.run × ${recorded.length}, same feeds`, value: rawMs, unit: 'ms' });
  ctx.ratios.push({ name: `(b) ${label}: end to end ÷ raw session.run`, value: httpMs / rawMs, unit: 'x' });
}

/** A white page with three lines of dark text, for OCR to find and read. */
async function textPage(): Promise<string> {
  const lines = ['Sightline bench 2026', 'workflows on ONNX', 'MAKE THIS DAY GREAT'];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="360"><rect width="100%" height="100%" fill="white"/>${lines
    .map(
      (line, i) =>
        `<text x="40" y="${90 + i * 100}" font-family="DejaVu Sans, Arial, sans-serif" font-size="56" fill="black">${line}</text>`,
    )
    .join('')}</svg>`;
  return (await sharp(Buffer.from(svg)).jpeg({ quality: 95 }).toBuffer()).toString('base64');
}

export async function classificationOverhead(ctx: BenchContext, jpegBase64: string): Promise<void> {
  const modelId = 'bench-cls/1';
  await installModelPackage(ocrAssetPath('direction'), modelId, ctx.server.config.modelCacheDir, {
    classNames: ['0', '180'],
    environment: {
      PREPROCESSING: { resize: { enabled: true, width: 192, height: 48, format: 'Stretch to' } },
      CLASS_MAP: { '0': '0', '1': '180' },
    },
  });
  const model = await ctx.server.models.get(modelId);
  const request = poster(ctx.server, '/infer/classification', {
    model_id: modelId,
    image: { type: 'base64', value: jpegBase64 },
  });
  await measure(
    ctx,
    'classification (PP-OCR direction classifier, bus.jpg)',
    '/infer/classification',
    [model.session],
    request,
  );
}

export async function ocrOverhead(ctx: BenchContext): Promise<void> {
  const ocr = await loadOcrModels();
  const request = poster(ctx.server, '/doctr/ocr', { image: { type: 'base64', value: await textPage() } });
  const answer = (await request()) as { result?: string };
  if (!answer.result) throw new Error(`/doctr/ocr read nothing from the bench page: ${JSON.stringify(answer)}`);
  // The server runs OCR's sessions through its schedulers (in the model workers when it has them): record there.
  const sessions = [ocr.detection, ocr.direction, ocr.recognition].map(
    (session) => ctx.server.models.schedulers.for(session, 'ocr').session,
  );
  await measure(ctx, 'OCR (PP-OCRv4 det + cls + rec, 3 text lines)', '/doctr/ocr', sessions, request);
}
