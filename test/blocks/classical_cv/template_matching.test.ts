// template_matching@v1 on a real photo: a crop of dog.jpg is found where it was cut, once after NMS, with
// Roboflow's fixed confidence and class; over HTTP through /workflows/run as well.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import sharp from 'sharp';
import { WorkflowImage, type Detections } from '../../../engine/index.ts';
import { templateMatchingV1 } from '../../../blocks/classical_cv/template_matching_v1.ts';
import { needsShared, sharedImage } from '../../helpers/shared.ts';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { crop, stepContext } from './helpers.ts';
import { imageInput, post } from '../../server/http.ts';

async function photo(name: string): Promise<WorkflowImage> {
  return WorkflowImage.decode(fs.readFileSync(sharedImage(name)), { parentId: name });
}

async function pngBase64(image: WorkflowImage): Promise<string> {
  const raw = { width: image.width, height: image.height, channels: 3 as const };
  return (await sharp(Buffer.from(image.pixels), { raw }).png().toBuffer()).toString('base64');
}

describe('template_matching@v1', { skip: needsShared }, () => {
  // Scores of >= 0.8 cluster around the true origin (310, 220; score 1.0); all confidences are equal, so NMS
  // keeps the last raster position of the cluster, as Roboflow does (its own test expects a box 2 px off).
  test('a 100x60 crop of dog.jpg is found where it was cut, once after NMS', async () => {
    const dog = await photo('dog.jpg');
    const template = crop(dog, 310, 220, 100, 60);
    const out = (await templateMatchingV1.run(
      { image: dog, template, matching_threshold: 0.8, apply_nms: true, nms_threshold: 0.5 },
      stepContext(),
    )) as { predictions: Detections; number_of_matches: number };
    assert.equal(out.number_of_matches, 1);
    const [x0, y0, x1, y1] = out.predictions.box(0);
    assert.ok(Math.abs(x0 - 310) <= 8 && Math.abs(y0 - 220) <= 8, `${x0},${y0}`);
    assert.ok(y0 >= 220, 'the survivor is a later raster position than the peak');
    assert.equal(x1 - x0, 100);
    assert.equal(y1 - y0, 60);
    assert.equal(out.predictions.confidence[0], 1);
    assert.equal(out.predictions.classId[0], 0);
    assert.equal(out.predictions.get('class_name', 0), 'template_match');
    assert.deepEqual(out.predictions.get('image_dimensions', 0), [576, 768]);
    assert.equal(out.predictions.get('prediction_type', 0), 'object-detection');
  });

  test('without NMS every position over the threshold is a match; a high threshold on another photo finds none', async () => {
    const dog = await photo('dog.jpg');
    const template = crop(dog, 310, 220, 100, 60);
    const all = (await templateMatchingV1.run(
      { image: dog, template, matching_threshold: 0.8, apply_nms: false, nms_threshold: 0.5 },
      stepContext(),
    )) as { number_of_matches: number };
    assert.ok(all.number_of_matches > 1, String(all.number_of_matches));
    const street = await photo('street.jpg');
    const none = (await templateMatchingV1.run(
      { image: street, template, matching_threshold: 0.95, apply_nms: true, nms_threshold: 0.5 },
      stepContext(),
    )) as { predictions: Detections; number_of_matches: number };
    assert.equal(none.number_of_matches, 0);
    assert.equal(none.predictions.length, 0);
  });

  test('a template larger than the image fails the step', async () => {
    const dog = await photo('dog.jpg');
    const small = crop(dog, 0, 0, 50, 50);
    assert.throws(
      () =>
        templateMatchingV1.run(
          { image: small, template: dog, matching_threshold: 0.8, apply_nms: true, nms_threshold: 0.5 },
          stepContext(),
        ),
      /larger than the image/,
    );
  });
});

describe('template_matching@v1 over HTTP', { skip: needsShared }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
  });

  test('image and template inputs; a literal template is refused at validation', async () => {
    const workflow = (template: unknown) => ({
      version: '1.0',
      inputs: [
        { type: 'WorkflowImage', name: 'image' },
        { type: 'WorkflowImage', name: 'template' },
      ],
      steps: [{ type: 'roboflow_core/template_matching@v1', name: 'match', images: '$inputs.image', template }],
      outputs: [
        { type: 'JsonField', name: 'predictions', selector: '$steps.match.predictions' },
        { type: 'JsonField', name: 'count', selector: '$steps.match.number_of_matches' },
      ],
    });
    const dog = await photo('dog.jpg');
    const template = crop(dog, 200, 100, 120, 90);
    const res = await post(server, '/workflows/run', {
      specification: workflow('$inputs.template'),
      inputs: {
        image: imageInput('dog.jpg'),
        template: { type: 'base64', value: await pngBase64(template) },
      },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
    assert.equal(res.body.outputs[0].count, 1);
    assert.equal(res.body.outputs[0].predictions.predictions[0].class, 'template_match');
    const bad = await post(server, '/workflows/run', {
      specification: workflow('not-a-selector'),
      inputs: { image: imageInput('dog.jpg') },
    });
    assert.equal(bad.status, 400);
  });
});
