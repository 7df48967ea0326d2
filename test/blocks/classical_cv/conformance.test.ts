// Roboflow's test workflows for the SIFT, stitching, deskew and calibration blocks, run through the engine with
// rendered stand-ins for Roboflow's fixture photos and the expectations index.json records.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ExecutionEngine, WorkflowImage } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { rotate } from '../../../blocks/classical_cv/geometry.ts';
import { CONFORMANCE_DIR, needsShared, sharedImage } from '../../helpers/shared.ts';
import { crop, solidImage, texturedImage } from './helpers.ts';

const definition = (id: string) =>
  JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, 'defs', `${id}.json`), 'utf8'));

describe('conformance workflows with SIFT / stitching / deskew / calibration', { skip: needsShared }, () => {
  if (needsShared) return;
  const engine = new ExecutionEngine({ blocks: coreBlocks });

  test('WORKFLOW_WITH_SIFT: unrelated image NO MATCH, image holding the template MATCH, blank image NO MATCH', async () => {
    const scene = texturedImage(400, 320, 21);
    const template = crop(scene, 60, 40, 220, 200);
    const result = await engine.run(definition('test_workflow_with_sift__WORKFLOW_WITH_SIFT'), {
      image: [texturedImage(400, 320, 77), scene, solidImage(300, 200)],
      template,
    });
    assert.deepEqual(result.outputs, [{ result: 'NO MATCH' }, { result: 'MATCH' }, { result: 'NO MATCH' }]);
  });

  test('WORKFLOW_STITCH_IMAGES: the stitched image spans both views', async () => {
    const wide = texturedImage(560, 300, 8);
    const result = await engine.run(
      definition('test_workflow_with_stitch_image__WORKFLOW_STITCH_IMAGES'),
      {
        image1: crop(wide, 0, 0, 340, 300),
        image2: crop(wide, 220, 0, 340, 300),
        count_of_best_matches_per_query_descriptor: 2,
        max_allowed_reprojection_error: 3,
      },
      { serialize: false },
    );
    assert.deepEqual(Object.keys(result.outputs[0]!), ['stitched_image']);
    const stitched = result.outputs[0]!.stitched_image as WorkflowImage;
    assert.ok(
      Math.abs(stitched.width - 560) <= 2 && Math.abs(stitched.height - 300) <= 2,
      `${stitched.width}x${stitched.height}`,
    );
  });

  test('AUTO_ROTATE_WORKFLOW: a photo skewed 7 degrees comes back with angle -7 on the expanded canvas', async () => {
    const photo = await WorkflowImage.decode(fs.readFileSync(sharedImage('bus.jpg')), { parentId: 'image' });
    const stripes = new Uint8Array(photo.pixels);
    // Strong vertical structure (a shelf of posts) over the photo so the dominant edges are known to be vertical.
    for (let y = 0; y < photo.height; y++)
      for (let x = 0; x < photo.width; x += 40)
        stripes.fill(20, (y * photo.width + x) * 3, (y * photo.width + Math.min(photo.width, x + 8)) * 3);
    const skewed = await rotate({ pixels: stripes, width: photo.width, height: photo.height }, 7);
    const image = new WorkflowImage(skewed.pixels, skewed.width, skewed.height, { parentId: 'image' });
    const result = await engine.run(
      definition('test_workflow_with_auto_rotate_on_edges__AUTO_ROTATE_WORKFLOW'),
      { image },
      { serialize: false },
    );
    const { rotated_image, angle } = result.outputs[0]! as { rotated_image: WorkflowImage; angle: number };
    assert.ok(Math.abs(angle + 7) <= 0.5, `angle ${angle}`);
    const rad = (Math.abs(angle) * Math.PI) / 180;
    assert.ok(
      Math.abs(rotated_image.width - (image.width * Math.cos(rad) + image.height * Math.sin(rad))) <= 2,
      `width ${rotated_image.width}`,
    );
    assert.ok(
      Math.abs(rotated_image.height - (image.width * Math.sin(rad) + image.height * Math.cos(rad))) <= 2,
      `height ${rotated_image.height}`,
    );
  });

  test('WORKFLOW_WITH_CAMERA_CALIBRATION: dog.jpg undistorted, same size', async () => {
    const images = await WorkflowImage.decode(fs.readFileSync(sharedImage('dog.jpg')), { parentId: 'image' });
    const params = {
      fx: 1480.52348,
      fy: 1620.41507,
      cx: 776.228486,
      cy: 509.102914,
      k1: -0.67014685,
      k2: 0.84140975,
      k3: -0.40499778,
      p1: -0.00559933,
      p2: 0.00425916,
    };
    const result = await engine.run(
      definition('test_workflow_with_camera_calibration__WORKFLOW_WITH_CAMERA_CALIBRATION'),
      { images: [images], ...params },
      { serialize: false },
    );
    assert.equal(result.outputs.length, 1);
    assert.deepEqual(Object.keys(result.outputs[0]!), ['camera_calibration_image']);
    const out = result.outputs[0]!.camera_calibration_image as WorkflowImage;
    assert.deepEqual([out.width, out.height], [images.width, images.height]);
    assert.notDeepEqual(out.pixels, images.pixels);
  });
});
