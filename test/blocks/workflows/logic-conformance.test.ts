// Conformance definitions (and a few of our own) that use only logic blocks, run end to end through the
// engine with reproducible inputs, checked against what Roboflow's tests expect (index.json).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { ExecutionEngine } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { CONFORMANCE_DIR, needsShared } from '../../helpers/shared.ts';

const engine = new ExecutionEngine({ blocks: coreBlocks });
const loadDef = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, 'defs', `${name}.json`), 'utf8'));

async function pngInput(width: number, height: number, extras: Record<string, unknown> = {}) {
  const png = await sharp({ create: { width, height, channels: 3, background: { r: 30, g: 90, b: 200 } } })
    .png()
    .toBuffer();
  return { type: 'base64', value: png.toString('base64'), ...extras };
}

const payload = (
  boxes: Array<[x: number, y: number, w: number, h: number, cls: string]>,
  width = 200,
  height = 100,
) => ({
  image: { width, height },
  predictions: boxes.map(([x, y, w, h, cls], i) => ({
    x,
    y,
    width: w,
    height: h,
    confidence: 0.9,
    class_id: i,
    class: cls,
    detection_id: `d${i}`,
  })),
});

describe('conformance definitions using only logic blocks', { skip: needsShared }, () => {
  test('WORKFLOW_WITH_ASPECT_RATIO_EXTRACTION: aspect_ratio == 1.5 (fixture replaced by a rendered 300x200 image)', async () => {
    const { outputs } = await engine.run(
      loadDef('test_workflow_with_property_extraction__WORKFLOW_WITH_ASPECT_RATIO_EXTRACTION'),
      { image: await pngInput(300, 200) },
    );
    assert.deepEqual(outputs, [{ aspect_ratio: 1.5 }]);
  });

  test('child_dimension_collapse_from_parent_detections: one result holding the collapsed detections', async () => {
    const { outputs } = await engine.run(
      loadDef('inner_workflow_inlining__common__child_dimension_collapse_from_parent_detections'),
      {
        predictions: [
          payload([[50, 50, 20, 20, 'dog']]),
          payload([
            [100, 50, 10, 10, 'cat'],
            [20, 20, 10, 10, 'dog'],
          ]),
        ],
      },
    );
    assert.equal(outputs.length, 1);
    const collapsed = outputs[0]!.collapsed as Array<{ predictions: Array<{ class: string }> }>;
    assert.equal(collapsed.length, 2);
    assert.deepEqual(
      collapsed.map((p) => p.predictions.map((x) => x.class)),
      [['dog'], ['cat', 'dog']],
    );
  });

  test('child_dynamic_crop_from_parent_detections: one crop prediction per box, mapped back to the parent', async () => {
    const { outputs } = await engine.run(
      loadDef('inner_workflow_inlining__common__child_dynamic_crop_from_parent_detections'),
      {
        image: await pngInput(200, 100),
        predictions: [
          payload([
            [50, 50, 20, 20, 'dog'],
            [150, 40, 40, 20, 'cat'],
          ]),
        ],
      },
    );
    assert.equal(outputs.length, 1);
    const crops = outputs[0]!.crop_predictions as Array<{
      image: { width: number; height: number };
      predictions: Array<Record<string, unknown>>;
    }>;
    assert.equal(crops.length, 2);
    assert.deepEqual(
      crops.map((c) => c.predictions[0]!.class),
      ['dog', 'cat'],
    );
    // JsonField's default coordinates_system is "parent": crop-local boxes come back in the input image's frame.
    assert.deepEqual(
      [crops[1]!.predictions[0]!.x, crops[1]!.predictions[0]!.y, crops[1]!.predictions[0]!.width],
      [150, 40, 40],
    );
    assert.deepEqual(crops[1]!.image, { width: 200, height: 100 });
  });

  test('TIME_TRAVEL_WORKFLOW: frame_delay returns earlier frame numbers', async () => {
    const definition = loadDef('test_workflow_with_frame_delay__TIME_TRAVEL_WORKFLOW');
    const results = [];
    for (let n = 0; n < 4; n++) {
      const image = await pngInput(32, 32, {
        video_metadata: {
          video_identifier: 'time-travel',
          frame_number: n,
          frame_timestamp: new Date(n * 40).toISOString(),
          fps: 25,
        },
      });
      results.push((await engine.run(definition, { image })).outputs[0]!);
    }
    assert.equal(results[0]!.past_available, false);
    assert.equal(results[0]!.past_output, null);
    assert.equal(results[0]!.past_ref, 0);
    assert.equal(results[1]!.past_output, 0);
    assert.equal(results[1]!.past_available, true);
    assert.equal(results[1]!.past_ref, 1);
    assert.equal(results[2]!.past_output, 1);
    assert.equal(results[3]!.past_output, 2);
    assert.equal(results[3]!.past_two_output, 1);
  });
});

test('IMAGE_STACK_WORKFLOW: three runs stack three JPEG frames', { skip: needsShared }, async () => {
  const definition = loadDef('test_workflow_with_image_stack__IMAGE_STACK_WORKFLOW');
  let last: Record<string, unknown> = {};
  for (let n = 0; n < 4; n++) {
    const image = await pngInput(40, 30, {
      video_metadata: { video_identifier: 'stack', frame_number: n, frame_timestamp: new Date(n * 40).toISOString() },
    });
    last = (await engine.run(definition, { image }, { serialize: false })).outputs[0]!;
  }
  assert.equal(last.frames_count, 3);
  const frames = last.frames as Buffer[];
  assert.equal(frames.length, 3);
  for (const frame of frames) assert.deepEqual([...frame.subarray(0, 2)], [0xff, 0xd8]);
});

describe('logic workflows of our own', () => {
  test('continue_if masks a batch branch; first_non_empty_or_default merges it back', async () => {
    const definition = {
      version: '1.0',
      inputs: [{ type: 'WorkflowBatchInput', name: 'predictions', kind: ['object_detection_prediction'] }],
      steps: [
        {
          type: 'PropertyDefinition',
          name: 'count',
          data: '$inputs.predictions',
          operations: [{ type: 'SequenceLength' }],
        },
        {
          type: 'ContinueIf',
          name: 'gate',
          condition_statement: {
            type: 'StatementGroup',
            statements: [
              {
                type: 'BinaryStatement',
                left_operand: { type: 'DynamicOperand', operand_name: 'n' },
                comparator: { type: '(Number) >=' },
                right_operand: { type: 'StaticOperand', value: 2 },
              },
            ],
          },
          evaluation_parameters: { n: '$steps.count.output' },
          next_steps: ['$steps.sorted'],
        },
        {
          type: 'DetectionsTransformation',
          name: 'sorted',
          predictions: '$inputs.predictions',
          operations: [
            { type: 'SortDetections', mode: 'x_min', ascending: false },
            { type: 'DetectionsPropertyExtract', property_name: 'class_name' },
          ],
        },
        {
          type: 'roboflow_core/first_non_empty_or_default@v1',
          name: 'merged',
          data: ['$steps.sorted.predictions'],
          default: 'too few',
        },
      ],
      outputs: [
        { type: 'JsonField', name: 'count', selector: '$steps.count.output' },
        { type: 'JsonField', name: 'merged', selector: '$steps.merged.output' },
      ],
    };
    const { outputs } = await engine.run(definition, {
      predictions: [
        payload([
          [10, 10, 4, 4, 'a'],
          [50, 10, 4, 4, 'b'],
        ]),
        payload([[10, 10, 4, 4, 'c']]),
      ],
    });
    assert.deepEqual(outputs, [
      { count: 2, merged: ['b', 'a'] },
      { count: 1, merged: 'too few' },
    ]);
  });
});
