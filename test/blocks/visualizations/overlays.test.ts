// Visualizations that draw zones, paths, keypoints, traces and classification labels.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Detections, ExecutionEngine, WorkflowImage } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { polygonZoneVisualizationV1 } from '../../../blocks/visualizations/polygon_zone_v1.ts';
import { keypointVisualizationV1 } from '../../../blocks/visualizations/keypoint_v1.ts';
import { traceVisualizationV1 } from '../../../blocks/visualizations/trace_v1.ts';
import { classificationLabelVisualizationV1 } from '../../../blocks/visualizations/classification_label_v1.ts';
import { modelComparisonVisualizationV1 } from '../../../blocks/visualizations/model_comparison_v1.ts';
import { CONFORMANCE_DIR, needsShared, sharedImage } from '../../helpers/shared.ts';
import { boxes, outputImage, pixel, renderImage, saveOutput, stepContext } from '../../helpers/images.ts';

const GRAY: [number, number, number] = [128, 128, 128];

describe('zone and path overlays', () => {
  test('polygon zone fills the polygon with opacity and nothing else', async () => {
    const image = await renderImage(60, 60, [0, 0, 0]);
    const out = outputImage(
      await polygonZoneVisualizationV1.run(
        {
          image,
          zone: [
            [10, 10],
            [50, 10],
            [50, 50],
            [10, 50],
          ],
          color: '#FF0000',
          opacity: 0.5,
        },
        stepContext(),
      ),
    );
    assert.deepEqual(pixel(out, 30, 30), [128, 0, 0]);
    assert.deepEqual(pixel(out, 5, 5), [0, 0, 0]);
    await assert.rejects(
      async () => polygonZoneVisualizationV1.run({ image, zone: [[1, 2]] }, stepContext('zone_step')),
      /zone_step.*zone/,
    );
  });

  test('WORKFLOW_WITH_REFERENCE_PATH_VISUALIZATION draws a red path', { skip: needsShared }, async () => {
    const engine = new ExecutionEngine({ blocks: coreBlocks });
    const definition = JSON.parse(
      fs.readFileSync(
        path.join(
          CONFORMANCE_DIR,
          'defs',
          'test_workflow_with_reference_path_visualization__WORKFLOW_WITH_REFERENCE_PATH_VISUALIZATION.json',
        ),
        'utf8',
      ),
    );
    const image = await WorkflowImage.decode(fs.readFileSync(sharedImage('dog.jpg')), { parentId: 'image' });
    const result = await engine.run(
      definition,
      {
        image: [image],
        reference_path: [
          [100, 300],
          [110, 310],
          [120, 320],
          [130, 330],
        ],
        thickness: 10,
      },
      { serialize: false },
    );
    assert.equal(result.outputs.length, 1);
    const out = result.outputs[0]!.visualization as WorkflowImage;
    assert.deepEqual(pixel(out, 115, 315), [255, 0, 0]);
    assert.deepEqual(pixel(out, 10, 10), pixel(image, 10, 10));
  });
});

test('keypoint edges and vertices', async () => {
  const image = await renderImage(100, 100, GRAY);
  const d = new Detections(new Float32Array([10, 10, 90, 90]), new Float32Array([0.9]), new Int32Array([0]), {
    class_name: ['person'],
    keypoints_xy: [
      [
        [20, 20],
        [80, 20],
        [80, 80],
      ],
    ],
    keypoints_confidence: [[0.9, 0.9, 0]],
    keypoints_class_name: [['a', 'b', 'c']],
  });
  const edges = outputImage(
    await keypointVisualizationV1.run(
      {
        image,
        predictions: d,
        annotator_type: 'edge',
        edges: [
          [0, 1],
          [1, 2],
        ],
        color: '#00FF00',
        thickness: 3,
      },
      stepContext(),
    ),
  );
  assert.deepEqual(pixel(edges, 50, 20), [0, 255, 0]);
  assert.deepEqual(pixel(edges, 80, 50), GRAY, 'an edge to an invisible keypoint is skipped');
  const vertices = outputImage(
    await keypointVisualizationV1.run(
      { image, predictions: d, annotator_type: 'vertex', color: '#0000FF', radius: 4 },
      stepContext(),
    ),
  );
  assert.deepEqual(pixel(vertices, 20, 20), [0, 0, 255]);
  assert.deepEqual(pixel(vertices, 80, 80), GRAY);
});

test('trace remembers positions of a tracked object across frames', async () => {
  const image = await renderImage(100, 60, GRAY);
  const context = stepContext();
  const frame = (x: number) => boxes([[x, 20, x + 10, 30, 0, 'car']], { trackerId: [7] });
  await traceVisualizationV1.run(
    { image, predictions: frame(10), color_palette: 'CUSTOM', custom_colors: ['#FF0000'] },
    context,
  );
  const out = outputImage(
    await traceVisualizationV1.run(
      { image, predictions: frame(70), color_palette: 'CUSTOM', custom_colors: ['#FF0000'] },
      context,
    ),
  );
  assert.deepEqual(pixel(out, 50, 25), [255, 0, 0], 'line from the earlier centre to the current one');
});

test('classification labels show the top class in the image corner', async () => {
  const image = await renderImage(200, 120, GRAY);
  const predictions = {
    predictions: [
      { class: 'cat', class_id: 0, confidence: 0.3 },
      { class: 'dog', class_id: 1, confidence: 0.7 },
    ],
    top: 'dog',
    confidence: 0.7,
  };
  const out = outputImage(
    await classificationLabelVisualizationV1.run(
      {
        image,
        predictions: predictions as never,
        text_scale: 0.6,
        color_palette: 'CUSTOM',
        custom_colors: ['#FF0000', '#0000FF'],
      },
      stepContext(),
    ),
  );
  assert.deepEqual(pixel(out, 2, 2), [0, 0, 255], 'label background in the colour of class 1 (dog)');
  assert.deepEqual(pixel(out, 150, 100), GRAY);
  await saveOutput('classification-label.png', out);
});

test('model comparison colours areas only one model found', async () => {
  const image = await renderImage(100, 50, [0, 0, 0]);
  const out = outputImage(
    await modelComparisonVisualizationV1.run(
      {
        image,
        predictions_a: boxes([[0, 0, 50, 50, 0, 'a']]),
        predictions_b: boxes([[25, 0, 75, 50, 0, 'b']]),
        color_a: '#00FF00',
        color_b: '#FF0000',
        background_color: '#0000FF',
        opacity: 1,
      },
      stepContext(),
    ),
  );
  assert.deepEqual(pixel(out, 10, 25), [0, 255, 0]);
  assert.deepEqual(pixel(out, 40, 25), [0, 0, 0], 'both models: untouched');
  assert.deepEqual(pixel(out, 60, 25), [255, 0, 0]);
  assert.deepEqual(pixel(out, 90, 25), [0, 0, 255]);
});
