// OCR on rendered text: needs only the npm-shipped PaddleOCR models, so it always runs.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Batch, Detections, WorkflowImage } from '../../../../engine/index.ts';
import { recognizeText } from '../../../../blocks/models/ocr/index.ts';
import { ocrModelV1 } from '../../../../blocks/models/ocr/ocr-model-v1.ts';
import { ppOcrV1 } from '../../../../blocks/models/ocr/pp-ocr-v1.ts';
import { loadOcrModels } from '../../../../blocks/models/ocr/ocr-engine.ts';
import { convexHull, minAreaRect, rectCorners } from '../../../../blocks/common/rotated-rect.ts';
import { stepContext } from '../../../helpers/step-context.ts';

const FIRST_LINE = 'SIGHTLINE WORKFLOW 2026';
const SECOND_LINE = 'Reads text lines';

function textSvg(lines: string[], width = 900, lineHeight = 100): string {
  const rows = lines
    .map(
      (line, i) =>
        `<text x="40" y="${(i + 1) * lineHeight}" font-family="DejaVu Sans, Arial, sans-serif" font-size="56" fill="black">${line}</text>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${lines.length * lineHeight + 60}">` +
    `<rect width="100%" height="100%" fill="white"/>${rows}</svg>`
  );
}

async function renderImage(svg: string, options: { rotate?: number; parentId?: string } = {}): Promise<WorkflowImage> {
  const png = await sharp(Buffer.from(svg))
    .rotate(options.rotate ?? 0)
    .png()
    .toBuffer();
  return WorkflowImage.decode(png, { parentId: options.parentId ?? 'image' });
}

/** Upper-case with whitespace removed: the recognizer sometimes drops the space between words. */
const squash = (text: string) => text.toUpperCase().replace(/\s+/g, '');

function assertHasWords(text: string, words: string[]): void {
  for (const word of words) assert.ok(squash(text).includes(squash(word)), `expected "${word}" in "${text}"`);
}

describe('PP-OCR text reading', () => {
  let twoLines: WorkflowImage;
  before(async () => {
    await loadOcrModels();
    twoLines = await renderImage(textSvg([FIRST_LINE, SECOND_LINE]));
  });

  test('reads both rendered lines, top line first', async () => {
    const response = await recognizeText(twoLines);
    assertHasWords(response.result, ['SIGHTLINE', 'WORKFLOW', '2026', 'Reads', 'text', 'lines']);
    assert.ok(squash(response.result).indexOf('SIGHTLINE') < squash(response.result).indexOf('READS'));
    assert.equal(response.parent_id, 'image');
    assert.deepEqual(response.image, { width: twoLines.width, height: twoLines.height });
    assert.equal(typeof response.time, 'number');
    assert.equal(response.predictions, undefined);
  });

  test('reads text rendered upside down (direction classifier turns the lines)', async () => {
    const upsideDown = await renderImage(textSvg([FIRST_LINE, SECOND_LINE]), { rotate: 180 });
    const response = await recognizeText(upsideDown);
    assertHasWords(response.result, ['SIGHTLINE', 'WORKFLOW', '2026', 'Reads', 'lines']);
  });

  test('reads tilted text (lines cropped along their rotated rectangles)', async () => {
    const png = await sharp(Buffer.from(textSvg([FIRST_LINE, SECOND_LINE])))
      .rotate(-15, { background: '#ffffff' })
      .png()
      .toBuffer();
    const tilted = await WorkflowImage.decode(png, { parentId: 'tilted' });
    const response = await recognizeText(tilted);
    assertHasWords(response.result, ['SIGHTLINE', 'WORKFLOW', '2026', 'Reads', 'text', 'lines']);
  });

  test('bounding boxes on request: one per line, inside the image, around the text', async () => {
    const response = await recognizeText(twoLines, { generateBoundingBoxes: true });
    assert.equal(response.predictions?.length, 2);
    const [first, second] = response.predictions!;
    assertHasWords(String(first!.class), ['SIGHTLINE']);
    assertHasWords(String(second!.class), ['Reads']);
    for (const p of response.predictions!) {
      assert.deepEqual(Object.keys(p), [
        'x',
        'y',
        'width',
        'height',
        'confidence',
        'class',
        'class_id',
        'detection_id',
      ]);
      assert.ok((p.confidence as number) > 0.5 && (p.confidence as number) <= 1);
    }
    // Text baselines are at y=100 and y=200 with 56px glyphs: centres lie a bit above them.
    assert.ok(Math.abs((first!.y as number) - 80) < 20, `first line centre y ${first!.y}`);
    assert.ok(Math.abs((second!.y as number) - 180) < 20, `second line centre y ${second!.y}`);
    assert.ok((first!.width as number) > (second!.width as number));
  });

  test('an image without text reads as empty', async () => {
    const blank = await renderImage(
      '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200"><rect width="100%" height="100%" fill="white"/><circle cx="160" cy="100" r="60" fill="#3070c0"/></svg>',
    );
    const response = await recognizeText(blank, { generateBoundingBoxes: true });
    assert.equal(response.result, '');
    assert.deepEqual(response.predictions, []);
  });
});

describe('rotated rectangles', () => {
  test('minAreaRect recovers a tilted rectangle from its outline points', () => {
    const angle = (20 * Math.PI) / 180;
    const truth = { cx: 50, cy: 40, width: 60, height: 10, ux: Math.cos(angle), uy: Math.sin(angle) };
    const points = rectCorners(truth).flat();
    // Interior points must not change the hull.
    points.push(50, 40, 55, 42);
    const rect = minAreaRect(convexHull(points));
    assert.ok(Math.abs(rect.width - 60) < 1e-6 && Math.abs(rect.height - 10) < 1e-6, JSON.stringify(rect));
    assert.ok(Math.abs(rect.cx - 50) < 1e-6 && Math.abs(rect.cy - 40) < 1e-6);
    assert.ok(Math.abs(rect.ux - truth.ux) < 1e-6 && Math.abs(rect.uy - truth.uy) < 1e-6);
  });

  test('a tall rectangle keeps its most horizontal side as width, pointing right', () => {
    const rect = minAreaRect(convexHull([0, 0, 10, 0, 10, 50, 0, 50]));
    assert.equal(rect.ux, 1);
    assert.equal(rect.uy, 0);
    assert.equal(rect.width, 10);
    assert.equal(rect.height, 50);
  });
});

describe('OCR blocks', () => {
  test('ocr_model@v1 runs in batch mode and returns one outputs dict per image', async () => {
    assert.deepEqual(ocrModelV1.manifest.batchParameters, ['images']);
    assert.deepEqual(ocrModelV1.manifest.aliases, ['OCRModel']);
    const first = await renderImage(textSvg([FIRST_LINE]), { parentId: 'first' });
    const second = await renderImage(textSvg(['HELLO 42']), { parentId: 'second' });
    const results = (await ocrModelV1.run(
      { images: new Batch([first, second], [[0], [1]]), model: 'doctr', language: 'English' },
      stepContext('ocr', { stepType: 'roboflow_core/ocr_model@v1' }),
    )) as Array<Record<string, unknown>>;
    assert.equal(results.length, 2);
    const declared = ocrModelV1.manifest.outputs.map((o) => o.name).sort();
    for (const outputs of results) assert.deepEqual(Object.keys(outputs).sort(), declared);
    assertHasWords(results[0]!.result as string, ['SIGHTLINE', 'WORKFLOW', '2026']);
    assertHasWords(results[1]!.result as string, ['HELLO', '42']);
    assert.equal(results[0]!.parent_id, 'first');
    assert.equal(results[1]!.root_parent_id, 'second');
    assert.equal(results[0]!.prediction_type, 'ocr');
    const detections = results[0]!.predictions as Detections;
    assert.ok(detections instanceof Detections);
    assert.equal(detections.length, 1);
    assertHasWords(detections.get<string>('class_name', 0)!, ['SIGHTLINE']);
    assert.deepEqual(detections.get('image_dimensions', 0), [first.height, first.width]);
    const [x0, y0, x1, y1] = detections.box(0);
    assert.ok(x0 < 60 && x1 > 700 && y0 > 30 && y1 < 120, `box ${[x0, y0, x1, y1]}`);
  });

  test('pp_ocr@v1 shares the runtime', async () => {
    const image = await renderImage(textSvg(['PADDLE 7']));
    const [outputs] = (await ppOcrV1.run(
      { images: new Batch([image], [[0]]) },
      stepContext('pp', { stepType: 'roboflow_core/pp_ocr@v1' }),
    )) as Array<Record<string, unknown>>;
    assertHasWords(outputs!.result as string, ['PADDLE', '7']);
  });
});
