// Roboflow's test workflows that use only this family's blocks, run end to end through the engine with the
// expectations index.json records (where the fixture image is one we have, or one we can render).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ExecutionEngine, WorkflowImage } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { CONFORMANCE_DIR, needsShared, sharedImage } from '../../helpers/shared.ts';
import { pixel, renderImage } from '../../helpers/images.ts';

const definition = (id: string) =>
  JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, 'defs', `${id}.json`), 'utf8'));

describe('conformance workflows with visual / classical CV blocks', { skip: needsShared }, () => {
  if (needsShared) return;
  const engine = new ExecutionEngine({ blocks: coreBlocks });
  let photo: WorkflowImage;
  const loadPhoto = async () =>
    (photo ??= await WorkflowImage.decode(fs.readFileSync(sharedImage('dog.jpg')), { parentId: 'image' }));

  test('HORIZONTAL_FLIP_IMAGE_WORKFLOW: same shape, pixels mirrored', async () => {
    const image = await loadPhoto();
    const result = await engine.run(
      definition('test_workflow_with_image_preprocessing__HORIZONTAL_FLIP_IMAGE_WORKFLOW'),
      { image },
      { serialize: false },
    );
    assert.equal(result.outputs.length, 1);
    const flipped = result.outputs[0]!.flipped_image as WorkflowImage;
    assert.deepEqual([flipped.width, flipped.height], [image.width, image.height]);
    for (const [x, y] of [
      [0, 0],
      [10, 20],
      [image.width - 1, image.height - 1],
      [123, 45],
    ]) {
      assert.deepEqual(pixel(flipped, image.width - 1 - x!, y!), pixel(image, x!, y!));
    }
  });

  test('rotate workflow with dynamic rotation_degrees = 180 keeps the dimensions', async () => {
    const image = await loadPhoto();
    const result = await engine.run(
      definition(
        'test_workflow_with_image_preprocessing__test_rotate_image_workflow_with_dynamic_rotation_degrees__workflow_definition',
      ),
      { image, rotation_angle: 180 },
      { serialize: false },
    );
    assert.deepEqual(Object.keys(result.outputs[0]!), ['rotated_image']);
    const rotated = result.outputs[0]!.rotated_image as WorkflowImage;
    assert.deepEqual([rotated.width, rotated.height], [image.width, image.height]);
  });

  test('MINIMAL_DOMINANT_COLOR_WORKFLOW: a red image gives [255, 0, 0]', async () => {
    const red = await renderImage(200, 150, [255, 0, 0]);
    const result = await engine.run(definition('test_workflow_with_dominant_color__MINIMAL_DOMINANT_COLOR_WORKFLOW'), {
      image: red,
    });
    assert.deepEqual(result.outputs, [{ color: [255, 0, 0] }]);
  });

  test('WORKFLOW_WITH_CAMERA_FOCUS_V1: image and float focus measure', async () => {
    const image = await loadPhoto();
    const result = await engine.run(definition('test_workflow_with_camera_focus__WORKFLOW_WITH_CAMERA_FOCUS_V1'), {
      image,
    });
    const out = result.outputs[0]!;
    assert.deepEqual(Object.keys(out).sort(), ['camera_focus_image', 'camera_focus_measure']);
    assert.equal(typeof out.camera_focus_measure, 'number');
    assert.ok((out.camera_focus_measure as number) > 0);
    assert.equal((out.camera_focus_image as { type: string }).type, 'base64');
  });
});
