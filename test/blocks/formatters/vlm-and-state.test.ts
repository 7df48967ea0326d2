// VLM answer parsing (classifier / detector), the video cache and the embedding change / outlier detectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Detections, ExecutionEngine, WorkflowImage } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { vlmAsClassifierV2 } from '../../../blocks/formatters/vlm_as_classifier.ts';
import { vlmAsDetectorV1, vlmAsDetectorV2 } from '../../../blocks/formatters/vlm_as_detector.ts';
import { extractJsonPayload } from '../../../blocks/formatters/vlm-json.ts';
import { identifyChangesV1 } from '../../../blocks/analytics/identify_changes_v1.ts';
import { identifyOutliersV1 } from '../../../blocks/analytics/identify_outliers_v1.ts';
import { frame, stepContext } from '../../helpers/detections.ts';

type Out = Record<string, any>;
const image = new WorkflowImage(new Uint8Array(200 * 100 * 3), 200, 100, { parentId: 'img-1' });

test('JSON is recovered from fenced blocks, prose and JSON Lines', () => {
  assert.deepEqual(extractJsonPayload('```json\n{"a": 1}\n```'), { ok: true, value: { a: 1 } });
  assert.deepEqual(extractJsonPayload('Sure! Here it is: {"a": "}"} hope it helps'), { ok: true, value: { a: '}' } });
  assert.deepEqual(extractJsonPayload('```\n{"a": 1}\n{"a": 2}\n```'), { ok: true, value: [{ a: 1 }, { a: 2 }] });
  assert.deepEqual(extractJsonPayload('no json here'), { ok: false });
});

test('vlm_as_classifier@v2 builds single- and multi-label predictions', () => {
  const single = vlmAsClassifierV2.run(
    { image, vlm_output: '```json\n{"class_name": "cat", "confidence": 1.4}\n```', classes: ['dog', 'cat'] },
    stepContext(),
  ) as Out;
  assert.equal(single.error_status, false);
  assert.equal(single.predictions.top, 'cat');
  assert.equal(single.predictions.confidence, 1);
  assert.deepEqual(single.predictions.predictions, [
    { class: 'dog', class_id: 0, confidence: 0 },
    { class: 'cat', class_id: 1, confidence: 1 },
  ]);
  assert.equal(single.predictions.parent_id, 'img-1');
  assert.equal(single.predictions.inference_id, single.inference_id);
  const multi = vlmAsClassifierV2.run(
    {
      image,
      vlm_output:
        '{"predicted_classes": [{"class": "dog", "confidence": 0.3}, {"class": "fox", "confidence": 0.8}, {"class": "dog", "confidence": 0.6}]}',
      classes: ['dog', 'cat'],
    },
    stepContext(),
  ) as Out;
  assert.deepEqual(multi.predictions.predicted_classes, ['dog', 'fox']);
  assert.deepEqual(multi.predictions.predictions, {
    dog: { confidence: 0.6, class_id: 0 },
    cat: { confidence: 0, class_id: 1 },
    fox: { confidence: 0.8, class_id: -1 },
  });
  const broken = vlmAsClassifierV2.run(
    { image, vlm_output: 'I think it is a cat', classes: ['cat'] },
    stepContext(),
  ) as Out;
  assert.equal(broken.error_status, true);
  assert.equal(broken.predictions, null);
});

test('vlm_as_detector parses Gemini, normalized and Florence-2 answers into pixel boxes', () => {
  const gemini = vlmAsDetectorV2.run(
    {
      image,
      vlm_output: '[{"box_2d": [100, 250, 500, 750], "label": "dog"}]',
      classes: ['cat', 'dog'],
      model_type: 'google-gemini',
      task_type: 'object-detection',
    },
    stepContext(),
  ) as Out;
  const d = gemini.predictions as Detections;
  assert.deepEqual(d.box(0), [50, 10, 150, 50]);
  assert.deepEqual(Array.from(d.classId), [1]);
  assert.deepEqual(d.column('prediction_type'), ['object-detection']);
  assert.deepEqual(d.column('parent_id'), ['img-1']);
  const legacy = vlmAsDetectorV1.run(
    {
      image,
      vlm_output:
        '{"detections": [{"x_min": 0.1, "y_min": 0.2, "x_max": 0.5, "y_max": 0.6, "class_name": "bird", "confidence": 0.7}]}',
      classes: ['cat'],
      model_type: 'anthropic-claude',
      task_type: 'object-detection',
    },
    stepContext(),
  ) as Out;
  assert.deepEqual((legacy.predictions as Detections).box(0), [20, 20, 100, 60]);
  assert.deepEqual(Array.from((legacy.predictions as Detections).classId), [-1]);
  const florence = vlmAsDetectorV2.run(
    {
      image,
      vlm_output: '{"bboxes": [[1, 2, 30, 40]], "labels": []}',
      classes: null,
      model_type: 'florence-2',
      task_type: 'region-proposal',
    },
    stepContext(),
  ) as Out;
  assert.deepEqual((florence.predictions as Detections).column('class_name'), ['roi']);
  assert.equal(
    (
      vlmAsDetectorV2.run(
        { image, vlm_output: '[{"box_2d": "nope"}]', classes: [], model_type: 'qwen', task_type: 'object-detection' },
        stepContext(),
      ) as Out
    ).error_status,
    true,
  );
  assert.throws(
    () =>
      vlmAsDetectorV2.run(
        { image, vlm_output: '{}', classes: [], model_type: 'openai', task_type: 'region-proposal' },
        stepContext(),
      ),
    /could not parse/,
  );
});

test('cache_set@v1 / cache_get@v1 share values per video through the engine', async () => {
  const engine = new ExecutionEngine({ blocks: coreBlocks });
  const definition = {
    version: '1.4.0',
    inputs: [
      { type: 'WorkflowImage', name: 'image' },
      { type: 'WorkflowParameter', name: 'value' },
    ],
    steps: [
      { type: 'roboflow_core/cache_get@v1', name: 'before', image: '$inputs.image', key: 'k' },
      { type: 'roboflow_core/cache_set@v1', name: 'set', image: '$inputs.image', key: 'k', value: '$inputs.value' },
    ],
    outputs: [{ type: 'JsonField', name: 'before', selector: '$steps.before.output' }],
  };
  const run = async (video: string, value: number) =>
    (await engine.run(definition, { image: frame(video, 0), value })).outputs[0]!.before;
  assert.equal(await run('cache-a', 1), false, 'nothing stored yet');
  assert.equal(await run('cache-a', 2), 1);
  assert.equal(await run('cache-b', 3), false, 'another video has its own namespace');
  assert.equal(await run('cache-a', 4), 2);
});

test('identify_changes@v1 flags a sudden change after warmup; identify_outliers@v1 flags an odd embedding', () => {
  const changes = stepContext('changes');
  const steady = (k: number) => [1, 0.02 * Math.sin(k), 0.02 * Math.cos(k)];
  const results = Array.from(
    { length: 12 },
    (_, k) =>
      identifyChangesV1.run(
        {
          strategy: 'Simple Moving Average (SMA)',
          embedding: steady(k),
          threshold_percentile: 0.2,
          warmup: 3,
          smoothing_factor: 0.1,
          window_size: 10,
        },
        changes,
      ) as Out,
  );
  assert.equal(results[0]!.warming_up, true);
  assert.equal(results[5]!.warming_up, false);
  const jump = identifyChangesV1.run(
    {
      strategy: 'Simple Moving Average (SMA)',
      embedding: [0, 1, 0],
      threshold_percentile: 0.2,
      warmup: 3,
      smoothing_factor: 0.1,
      window_size: 10,
    },
    changes,
  ) as Out;
  assert.equal(jump.is_outlier, true);
  assert.ok(jump.z_score < -3, `z ${jump.z_score}`);
  assert.equal(jump.average.length, 3);

  const outliers = stepContext('outliers');
  const run = (embedding: number[]) =>
    identifyOutliersV1.run({ embedding, threshold_percentile: 0.05, warmup: 3, window_size: 32 }, outliers) as Out;
  assert.equal(run([1, 0.01, 0]).warming_up, true);
  for (let k = 0; k < 10; k++) run([1, 0.05 * Math.sin(k), 0.05 * Math.cos(k)]);
  const odd = run([0, 0, 1]);
  assert.equal(odd.warming_up, false);
  assert.equal(odd.percentile, 0);
  assert.equal(odd.is_outlier, true);
});
