// What OCR readings become: Roboflow-shaped detections for workflow steps (one box per text line, its text as
// the class name so stitching/filters/labels work on it) and the `/doctr/ocr` response body.
import { randomUUID } from 'node:crypto';
import { Detections, type WorkflowImage } from '../../../engine/index.ts';
import { attachImageMetadata } from '../../common/detections-metadata.ts';
import { readText, type OcrLine, type OcrOptions } from './ocr-engine.ts';

/** Lines joined with single spaces, like Roboflow's DocTR `result` (words joined with " "). */
export function joinLines(lines: readonly OcrLine[]): string {
  return lines.map((line) => line.text).join(' ');
}

export function readImageText(image: WorkflowImage, options?: OcrOptions) {
  return readText({ pixels: image.pixels, width: image.width, height: image.height }, options);
}

/**
 * One detection per line: class_name = the line's text, class_id 0, confidence = recognition confidence,
 * with the usual lineage columns so downstream blocks can map boxes back to the input image.
 */
export function ocrLinesToDetections(image: WorkflowImage, lines: readonly OcrLine[], inferenceId: string): Detections {
  const n = lines.length;
  const xyxy = new Float32Array(n * 4);
  const confidence = new Float32Array(n);
  lines.forEach((line, i) => {
    xyxy.set([line.x0, line.y0, line.x1, line.y1], i * 4);
    confidence[i] = line.confidence;
  });
  const detections = new Detections(xyxy, confidence, new Int32Array(n), {
    class_name: lines.map((line) => line.text),
  });
  return attachImageMetadata(detections, image, { inferenceId, predictionType: 'ocr' });
}

export interface OcrResponse {
  result: string;
  image: { width: number; height: number };
  /** Present only when bounding boxes were asked for (`generate_bounding_boxes`). */
  predictions?: Array<Record<string, unknown>>;
  time: number;
  parent_id: string;
}

/**
 * Body of Roboflow's `POST /doctr/ocr` (OCRInferenceResponse): `result` is the text read, `time` seconds
 * spent. With `generateBoundingBoxes`, `predictions` lists one box per line (x/y centre, width, height,
 * confidence, class = text, class_id 0, detection_id).
 */
export async function recognizeText(
  image: WorkflowImage,
  options: OcrOptions & { generateBoundingBoxes?: boolean } = {},
): Promise<OcrResponse> {
  const started = performance.now();
  const { lines } = await readImageText(image, options);
  const response: OcrResponse = {
    result: joinLines(lines),
    image: { width: image.width, height: image.height },
    time: 0,
    parent_id: image.parentId,
  };
  if (options.generateBoundingBoxes) {
    response.predictions = lines.map((line) => ({
      x: (line.x0 + line.x1) / 2,
      y: (line.y0 + line.y1) / 2,
      width: line.x1 - line.x0,
      height: line.y1 - line.y0,
      confidence: line.confidence,
      class: line.text,
      class_id: 0,
      detection_id: randomUUID(),
    }));
  }
  response.time = (performance.now() - started) / 1000;
  return response;
}
