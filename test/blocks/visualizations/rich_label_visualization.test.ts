// rich_label_visualization@v1 on real photos: labels change pixels, empty detections leave them identical,
// wrapping and automatic size change the label box, legacy font ids are normalized, unknown fonts and font
// paths are refused (at validation for literals, naming font_family for inputs); over HTTP after a detector.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Detections, WorkflowImage } from '../../../engine/index.ts';
import {
  normalizeFont,
  richLabelVisualizationV1,
  wrapText,
  FONT_DISPLAY_NAMES,
} from '../../../blocks/visualizations/rich_label_v1.ts';
import { needsShared, sharedImage } from '../../helpers/shared.ts';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { stepContext } from '../classical_cv/helpers.ts';
import { imageInput, post } from '../../server/http.ts';

function people(names = ['person', 'tie']): Detections {
  const n = names.length;
  const xyxy = Float32Array.from([60, 40, 420, 300, 500, 300, 560, 700].slice(0, n * 4));
  return new Detections(xyxy, Float32Array.from([0.91, 0.55].slice(0, n)), Int32Array.from([0, 27].slice(0, n)), {
    class_name: names,
  });
}

async function draw(image: WorkflowImage, predictions: Detections, params: Record<string, unknown> = {}) {
  const out = (await richLabelVisualizationV1.run(
    { image, predictions, copy_image: true, ...params } as never,
    stepContext('rich'),
  )) as { image: WorkflowImage };
  return out.image;
}

function changed(a: WorkflowImage, b: WorkflowImage): number {
  let n = 0;
  for (let i = 0; i < a.pixels.length; i++) if (a.pixels[i] !== b.pixels[i]) n++;
  return n;
}

/** Rows of the changed region (the label background is a solid palette colour). */
function changedRows(a: WorkflowImage, b: WorkflowImage): number {
  const rows = new Set<number>();
  for (let i = 0; i < a.pixels.length; i++) if (a.pixels[i] !== b.pixels[i]) rows.add(Math.floor(i / 3 / a.width));
  return rows.size;
}

test('font names: display names, legacy ids normalized, paths and unknown names refused', () => {
  assert.equal(FONT_DISPLAY_NAMES.length, 20);
  assert.deepEqual(FONT_DISPLAY_NAMES, [...FONT_DISPLAY_NAMES].sort());
  assert.equal(normalizeFont('geist_mono'), 'Geist Mono');
  assert.equal(normalizeFont('Inter'), 'Inter');
  assert.equal(normalizeFont('/usr/share/fonts/x.ttf'), null);
  assert.equal(normalizeFont('Comic Sans'), null);
  assert.deepEqual(wrapText('a long label text', 6), ['a long', 'label', 'text']);
  assert.deepEqual(wrapText('short', null), ['short']);
});

describe('rich_label_visualization@v1', { skip: needsShared }, () => {
  test('labels change pixels and keep the size; empty detections leave pixels identical', async () => {
    const image = await WorkflowImage.decode(fs.readFileSync(sharedImage('zidane.jpg')), { parentId: 'z' });
    const drawn = await draw(image, people());
    assert.equal(drawn.width, image.width);
    assert.equal(drawn.height, image.height);
    assert.ok(changed(image, drawn) > 500);
    const empty = await draw(image, Detections.empty());
    assert.equal(changed(image, empty), 0);
    // Non-ASCII text renders.
    const accents = await draw(image, people(['personne âgée', 'cravate']));
    assert.ok(changed(image, accents) > 500);
  });

  test('wrapping and automatic size make taller labels; rounded corners keep the corner pixel', async () => {
    const image = await WorkflowImage.decode(fs.readFileSync(sharedImage('zidane.jpg')), { parentId: 'z' });
    const one = [people(['a person with a long class name'])].map((d) => d.select([0]))[0]!;
    const flat = await draw(image, one, { text_position: 'BOTTOM_LEFT' });
    const wrapped = await draw(image, one, { text_position: 'BOTTOM_LEFT', max_line_length: 8 });
    assert.ok(changedRows(image, wrapped) > 2 * changedRows(image, flat));
    const auto = await draw(image, one, { text_position: 'BOTTOM_LEFT', text_size_mode: 'Automatic', font_size: 40 });
    assert.ok(changedRows(image, auto) > changedRows(image, flat));
    const rounded = await draw(image, one, { text_position: 'BOTTOM_LEFT', border_radius: 8 });
    const o = (300 * image.width + 60) * 3;
    assert.deepEqual([...rounded.pixels.subarray(o, o + 3)], [...image.pixels.subarray(o, o + 3)]);
    assert.notDeepEqual([...flat.pixels.subarray(o, o + 3)], [...image.pixels.subarray(o, o + 3)]);
  });

  test('text from a data field; unknown text type and unknown font fail the step', async () => {
    const image = await WorkflowImage.decode(fs.readFileSync(sharedImage('zidane.jpg')), { parentId: 'z' });
    const withField = people().with({ data: { note: ['left', 'right'] } });
    assert.ok(changed(image, await draw(image, withField, { text: 'note' })) > 100);
    await assert.rejects(draw(image, people(), { text: 'nothing' }), /Invalid text type: nothing/);
    await assert.rejects(draw(image, people(), { font_family: '/etc/fonts/x.ttf' }), /font_family.*Geist Mono/s);
  });
});

describe('rich_label_visualization@v1 over HTTP', { skip: needsShared }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
  });
  const workflow = (font: unknown) => ({
    version: '1.0',
    inputs: [
      { type: 'WorkflowImage', name: 'image' },
      { type: 'WorkflowParameter', name: 'font' },
    ],
    steps: [
      {
        type: 'roboflow_core/roboflow_object_detection_model@v2',
        name: 'det',
        images: '$inputs.image',
        model_id: 'yolov8n-640',
      },
      {
        type: 'roboflow_core/rich_label_visualization@v1',
        name: 'labels',
        image: '$inputs.image',
        predictions: '$steps.det.predictions',
        text: 'Class and Confidence',
        font_family: font,
        border_radius: 6,
      },
    ],
    outputs: [{ type: 'JsonField', name: 'image', selector: '$steps.labels.image' }],
  });

  test('labels drawn on a crowd; unregistered literal font → 400; unknown font via input → error naming font_family', async () => {
    const ok = await post(server, '/workflows/run', {
      specification: workflow('geist_mono'),
      inputs: { image: imageInput('bus.jpg') },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body).slice(0, 400));
    fs.mkdirSync('test-output', { recursive: true });
    fs.writeFileSync('test-output/rich-label.jpg', Buffer.from(ok.body.outputs[0].image.value, 'base64'));
    const bad = await post(server, '/workflows/run', {
      specification: workflow('Comic Sans'),
      inputs: { image: imageInput('bus.jpg') },
    });
    assert.equal(bad.status, 400);
    const viaInput = await post(server, '/workflows/run', {
      specification: workflow('$inputs.font'),
      inputs: { image: imageInput('bus.jpg'), font: 'Comic Sans' },
    });
    assert.ok(viaInput.status >= 400, String(viaInput.status));
    assert.match(JSON.stringify(viaInput.body), /font_family/);
  });
});
