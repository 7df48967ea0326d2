// Line-level models of PP-OCR: the CRNN recognizer (CTC over the character dictionary) and the text direction
// classifier (upright vs. upside down). Both take lines resized to a height of 48 px, keeping their aspect
// ratio, right-padded with zeros (mid grey once normalized).
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { PADDLE_REC_NORMALIZATION, writeResizedToTensor, type Raster } from './raster.ts';
import { directRunner, type SessionRunner } from '../scheduler.ts';

const LINE_HEIGHT = 48;
/** The recognizer's nominal width; batches are at least this wide (PaddleOCR's rec_image_shape 3,48,320). */
const RECOGNITION_MIN_WIDTH = 320;
/** The direction classifier's fixed input width (cls_image_shape 3,48,192). */
const DIRECTION_WIDTH = 192;
const BATCH_SIZE = 6;

export interface RecognizedLine {
  text: string;
  /** Mean probability of the kept characters; 0 for an empty line. */
  confidence: number;
}

export interface LineDirection {
  upsideDown: boolean;
  confidence: number;
}

/** Reads each line crop. `characters[i]` is the text of class i; class 0 is the CTC blank. */
export async function recognizeLines(
  session: InferenceSession,
  lines: readonly Raster[],
  characters: readonly string[],
  run: SessionRunner = directRunner,
): Promise<RecognizedLine[]> {
  const results: RecognizedLine[] = new Array(lines.length);
  for (const batch of batchesByAspectRatio(lines)) {
    const maxRatio = Math.max(RECOGNITION_MIN_WIDTH / LINE_HEIGHT, ...batch.map((i) => aspectRatio(lines[i]!)));
    const width = Math.ceil(LINE_HEIGHT * maxRatio);
    const output = await runLineBatch(
      session,
      batch.map((i) => lines[i]!),
      width,
      run,
    );
    const [, steps, classes] = output.dims as number[];
    const probabilities = output.data as Float32Array;
    batch.forEach((lineIndex, n) => {
      results[lineIndex] = decodeCtc(probabilities, n * steps! * classes!, steps!, classes!, characters);
    });
  }
  return results;
}

/** Upside-down probability of each line crop. */
export async function classifyLineDirections(
  session: InferenceSession,
  lines: readonly Raster[],
  run: SessionRunner = directRunner,
): Promise<LineDirection[]> {
  const results: LineDirection[] = new Array(lines.length);
  for (const batch of batchesByAspectRatio(lines)) {
    const output = await runLineBatch(
      session,
      batch.map((i) => lines[i]!),
      DIRECTION_WIDTH,
      run,
    );
    const scores = output.data as Float32Array;
    batch.forEach((lineIndex, n) => {
      const upright = scores[n * 2]!;
      const flipped = scores[n * 2 + 1]!;
      results[lineIndex] =
        flipped > upright ? { upsideDown: true, confidence: flipped } : { upsideDown: false, confidence: upright };
    });
  }
  return results;
}

/** Greedy CTC: best class per time step, repeats collapsed, blanks dropped. */
export function decodeCtc(
  probabilities: Float32Array,
  offset: number,
  steps: number,
  classes: number,
  characters: readonly string[],
): RecognizedLine {
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * classes;
    let best = 0;
    let bestValue = probabilities[row]!;
    for (let c = 1; c < classes; c++) {
      const value = probabilities[row + c]!;
      if (value > bestValue) {
        bestValue = value;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += characters[best] ?? '';
      sum += bestValue;
      kept++;
    }
    previous = best;
  }
  return { text, confidence: kept > 0 ? sum / kept : 0 };
}

function aspectRatio(line: Raster): number {
  return line.width / line.height;
}

/** Indices grouped into batches of similar aspect ratio, so little of each batch is padding. */
function batchesByAspectRatio(lines: readonly Raster[]): number[][] {
  const order = lines.map((_, i) => i).sort((a, b) => aspectRatio(lines[a]!) - aspectRatio(lines[b]!));
  const batches: number[][] = [];
  for (let i = 0; i < order.length; i += BATCH_SIZE) batches.push(order.slice(i, i + BATCH_SIZE));
  return batches;
}

async function runLineBatch(
  session: InferenceSession,
  lines: readonly Raster[],
  width: number,
  run: SessionRunner,
): Promise<Tensor> {
  const data = new Float32Array(lines.length * 3 * LINE_HEIGHT * width);
  lines.forEach((line, n) => {
    const resizedWidth = Math.max(1, Math.min(width, Math.ceil(LINE_HEIGHT * aspectRatio(line))));
    writeResizedToTensor(line, resizedWidth, LINE_HEIGHT, data, n, width, LINE_HEIGHT, PADDLE_REC_NORMALIZATION);
  });
  const input = new Tensor('float32', data, [lines.length, 3, LINE_HEIGHT, width]);
  const outputs = await run(session, { [session.inputNames[0]!]: input });
  return outputs[session.outputNames[0]!]! as Tensor;
}
