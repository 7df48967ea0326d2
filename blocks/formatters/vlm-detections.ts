// Parsers from a VLM's parsed JSON answer to boxes, one per (model_type, task_type) pair vlm_as_detector accepts.
import { createHash } from 'node:crypto';
import { classIndex, clampConfidence } from './vlm-json.ts';

export interface ParsedBox {
  xyxy: [number, number, number, number];
  className: string;
  classId: number;
  confidence: number;
}

type Parser = (answer: unknown, classes: string[] | null, width: number, height: number) => ParsedBox[];

const records = (value: unknown): Array<Record<string, any>> => {
  if (!Array.isArray(value)) throw new Error('expected a list of detections');
  return value as Array<Record<string, any>>;
};

function labelled(classes: string[] | null, className: string, xyxy: number[], confidence: unknown = 1): ParsedBox {
  const box = xyxy.map((v) => Math.round(Number(v)));
  if (box.length !== 4 || box.some((v) => !Number.isFinite(v))) throw new Error(`bad box ${JSON.stringify(xyxy)}`);
  return {
    xyxy: box as ParsedBox['xyxy'],
    className,
    classId: classIndex(classes).get(className) ?? -1,
    confidence: clampConfidence(confidence ?? 1),
  };
}

/** {"detections": [{x_min, y_min, x_max, y_max, class_name, confidence}]} with coordinates in 0..1. */
function normalizedDetections(
  answer: Record<string, any>,
  classes: string[] | null,
  width: number,
  height: number,
): ParsedBox[] {
  return records(answer.detections).map((d) =>
    labelled(
      classes,
      String(d.class_name),
      [d.x_min * width, d.y_min * height, d.x_max * width, d.y_max * height],
      d.confidence,
    ),
  );
}

const hasBox2d = (answer: unknown): boolean =>
  Array.isArray(answer) && typeof answer[0] === 'object' && answer[0] !== null && 'box_2d' in answer[0];
const detectionsList = (answer: unknown): unknown =>
  answer && typeof answer === 'object' && !Array.isArray(answer)
    ? (answer as Record<string, unknown>).detections
    : answer;

/** Entries with `box_2d` = [x_min, y_min, x_max, y_max] in image pixels and a `label`. */
function pixelBox2d(answer: unknown, classes: string[] | null): ParsedBox[] {
  return records(answer).map((d) => labelled(classes, String(d.label ?? d.class_name), d.box_2d, d.confidence));
}

/** Legacy normalized {"detections": [...]} or box_2d entries (bare or under "detections"). */
const openAiOrClaude: Parser = (answer, classes, width, height) => {
  const list = detectionsList(answer);
  if (hasBox2d(list)) return pixelBox2d(list, classes);
  return normalizedDetections(answer as Record<string, any>, classes, width, height);
};

/** Gemini: box_2d = [y_min, x_min, y_max, x_max] on a 0..1000 grid, or the legacy normalized form. */
const gemini: Parser = (answer, classes, width, height) => {
  const list = detectionsList(answer);
  if (!hasBox2d(list)) return normalizedDetections(answer as Record<string, any>, classes, width, height);
  return records(list).map((d) => {
    const [y0, x0, y1, x1] = d.box_2d as number[];
    return labelled(
      classes,
      String(d.label ?? d.class_name),
      [(x0! / 1000) * width, (y0! / 1000) * height, (x1! / 1000) * width, (y1! / 1000) * height],
      d.confidence,
    );
  });
};

/** Qwen / GLM: bbox_2d or box_2d = [x_min, y_min, x_max, y_max] on a 0..1000 grid. */
const thousandGrid: Parser = (answer, classes, width, height) =>
  records(detectionsList(answer)).map((d) => {
    const [x0, y0, x1, y1] = (d.bbox_2d ?? d.box_2d) as number[];
    return labelled(
      classes,
      String(d.label ?? d.class_name),
      [(x0! / 1000) * width, (y0! / 1000) * height, (x1! / 1000) * width, (y1! / 1000) * height],
      d.confidence,
    );
  });

/** Four-digit class id from the MD5 of a name (how Roboflow numbers Florence-2's free-text classes). */
export function md5ClassId(name: string): number {
  return Number(BigInt('0x' + createHash('md5').update(name, 'utf8').digest('hex').slice(0, 9)) % 10000n);
}

type FlorenceIds = 'md5' | 'classes' | 'zero';

/** Florence-2 answers: {bboxes, labels} (or bboxes_labels), or quad_boxes for OCR, in image pixels. */
function florence(ids: FlorenceIds, fixedName?: string): Parser {
  return (answer, classes) => {
    const a = answer as Record<string, any>;
    const quads = a.quad_boxes as number[][] | undefined;
    const boxes: number[][] = quads
      ? quads.map((q) => {
          const xs = q.filter((_, i) => i % 2 === 0);
          const ys = q.filter((_, i) => i % 2 === 1);
          return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
        })
      : (a.bboxes as number[][]);
    const labels: string[] = a.labels ?? a.bboxes_labels ?? [];
    const index = classIndex(classes);
    return records(boxes).map((box, i) => {
      const name = fixedName ?? String(labels[i] ?? '').replace(/<\/?s>/g, '');
      const parsed = labelled(classes, name, box as unknown as number[]);
      parsed.classId = ids === 'md5' ? md5ClassId(name) : ids === 'classes' ? (index.get(name) ?? -1) : 0;
      return parsed;
    });
  };
}

const LLM_MODELS: Record<string, Parser> = {
  openai: openAiOrClaude,
  'google-gemini': gemini,
  'anthropic-claude': openAiOrClaude,
  spacexai: openAiOrClaude,
  qwen: thousandGrid,
  muse: thousandGrid,
  zai: thousandGrid,
  'zai-flash': thousandGrid,
};

const FLORENCE_TASKS: Record<string, Parser> = {
  'object-detection': florence('md5'),
  'open-vocabulary-object-detection': florence('classes'),
  'object-detection-and-caption': florence('zero'),
  'phrase-grounded-object-detection': florence('md5'),
  'region-proposal': florence('zero', 'roi'),
  'ocr-with-text-detection': florence('zero'),
};

export function parserFor(modelType: string, taskType: string): Parser | undefined {
  if (modelType === 'florence-2') return FLORENCE_TASKS[taskType];
  return taskType === 'object-detection' ? LLM_MODELS[modelType] : undefined;
}

export const DETECTOR_TASKS = Object.keys(FLORENCE_TASKS);
export const LLM_MODEL_TYPES = Object.keys(LLM_MODELS);
