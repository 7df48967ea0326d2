import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import {
  Batch,
  Detections,
  FlowControl,
  WorkflowImage,
  type BlockDefinition,
  type StepContext,
} from '../../../engine/index.ts';
import { dynamicCropV1 } from '../../../blocks/transformations/dynamic_crop_v1.ts';
import { detectionOffsetV1 } from '../../../blocks/transformations/detection_offset_v1.ts';
import { detectionsFilterV1 } from '../../../blocks/transformations/detections_filter_v1.ts';
import { detectionsMergeV1 } from '../../../blocks/transformations/detections_merge_v1.ts';
import { stitchOcrDetectionsV2 } from '../../../blocks/transformations/stitch_ocr_detections_v2.ts';
import { detectionsStitchV1 } from '../../../blocks/fusion/detections_stitch_v1.ts';
import { dimensionCollapseV1 } from '../../../blocks/fusion/dimension_collapse_v1.ts';
import { detectionsConsensusV1 } from '../../../blocks/fusion/detections_consensus_v1.ts';
import { frameDelayV1 } from '../../../blocks/fusion/frame_delay_v1.ts';
import { expressionV1 } from '../../../blocks/formatters/expression_v1.ts';
import { propertyDefinitionV1 } from '../../../blocks/formatters/property_definition_v1.ts';
import { firstNonEmptyOrDefaultV1 } from '../../../blocks/formatters/first_non_empty_or_default_v1.ts';
import { stringTemplateV1 } from '../../../blocks/formatters/string_template_v1.ts';
import { csvFormatterV1 } from '../../../blocks/formatters/csv_formatter_v1.ts';
import { continueIfV1 } from '../../../blocks/flow_control/continue_if_v1.ts';
import { switchCaseV1 } from '../../../blocks/flow_control/switch_case_v1.ts';
import { dataAggregatorV1 } from '../../../blocks/analytics/data_aggregator_v1.ts';
import { localFileSinkV1 } from '../../../blocks/sinks/local_file_sink_v1.ts';

function context(stepName = 'step', request: StepContext['request'] = {}): StepContext {
  return { stepName, stepType: 'test', services: {}, request, state: new Map() };
}

async function call<P>(block: BlockDefinition<P>, params: Partial<P>, ctx = context()): Promise<any> {
  // Apply manifest defaults the way the engine does before `run`.
  const withDefaults: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(block.manifest.properties))
    if ('default' in schema) withDefaults[name] = schema.default;
  return block.run({ ...withDefaults, ...params } as P, ctx);
}

/** 100x60 image: left half red, right half blue. */
async function twoColourImage(): Promise<WorkflowImage> {
  const left = await sharp({ create: { width: 50, height: 60, channels: 3, background: { r: 255, g: 0, b: 0 } } })
    .png()
    .toBuffer();
  const png = await sharp({ create: { width: 100, height: 60, channels: 3, background: { r: 0, g: 0, b: 255 } } })
    .composite([{ input: left, left: 0, top: 0 }])
    .png()
    .toBuffer();
  return WorkflowImage.decode(png, { parentId: 'image' });
}

function boxes(
  rows: Array<[number, number, number, number, number, string]>,
  extra: Record<string, unknown[]> = {},
): Detections {
  return new Detections(
    Float32Array.from(rows.flatMap((r) => r.slice(0, 4) as number[])),
    Float32Array.from(rows.map((r) => r[4])),
    Int32Array.from(rows.map((_, i) => i)),
    {
      class_name: rows.map((r) => r[5]),
      detection_id: rows.map((_, i) => `det-${i}`),
      image_dimensions: rows.map(() => [60, 100]),
      ...extra,
    },
  );
}

const pixel = (image: WorkflowImage, x: number, y: number) => [
  ...image.pixels.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3),
];

describe('dynamic_crop, detections_stitch, dimension_collapse', () => {
  let image: WorkflowImage;
  before(async () => {
    image = await twoColourImage();
  });

  test('dynamic_crop gives one crop per detection with lineage and re-based predictions', async () => {
    const d = boxes([
      [10, 10, 30, 40, 0.9, 'a'],
      [60, 5, 90, 25, 0.8, 'b'],
      [20, 20, 20, 30, 0.5, 'flat'],
    ]);
    const [crops] = await call(dynamicCropV1, {
      images: new Batch([image], [[0]]),
      predictions: new Batch([d], [[0]]),
    });
    assert.equal(crops.length, 3);
    const first = crops[0].crops as WorkflowImage;
    assert.deepEqual([first.width, first.height], [20, 30]);
    assert.deepEqual(pixel(first, 0, 0), [255, 0, 0]);
    assert.equal(first.parentId, 'det-0');
    assert.deepEqual(first.parentOrigin, { offset_x: 10, offset_y: 10, width: 100, height: 60 });
    assert.deepEqual(pixel(crops[1].crops, 0, 0), [0, 0, 255]);
    const rebased = crops[0].predictions as Detections;
    assert.deepEqual(rebased.box(0), [0, 0, 20, 30]);
    assert.deepEqual(rebased.column('parent_id'), ['det-0']);
    assert.deepEqual(rebased.column('parent_coordinates'), [[10, 10]]);
    assert.deepEqual(crops[2], { crops: null, predictions: null }, 'zero-area box');
  });

  test('detections on crops stitch back into the reference frame, with NMS removing duplicates', async () => {
    const d = boxes([
      [10, 10, 30, 40, 0.9, 'a'],
      [60, 5, 90, 25, 0.8, 'b'],
    ]);
    const [crops] = await call(dynamicCropV1, {
      images: new Batch([image], [[0]]),
      predictions: new Batch([d], [[0]]),
    });
    // Each crop "detects" its whole area twice (a duplicate to suppress).
    const perCrop = crops.map((c: any) => {
      const crop = c.crops as WorkflowImage;
      return new Detections(Float32Array.of(2, 2, 8, 8, 2, 2, 8, 9), Float32Array.of(0.7, 0.6), Int32Array.of(0, 0), {
        class_name: ['x', 'x'],
        parent_coordinates: [
          [crop.parentOrigin.offset_x, crop.parentOrigin.offset_y],
          [crop.parentOrigin.offset_x, crop.parentOrigin.offset_y],
        ],
      });
    });
    const { predictions } = await call(detectionsStitchV1, {
      reference_image: image,
      predictions: new Batch(perCrop, [
        [0, 0],
        [0, 1],
      ]),
    });
    assert.equal(predictions.length, 2);
    assert.deepEqual(predictions.box(0), [12, 12, 18, 18]);
    assert.deepEqual(predictions.box(1), [62, 7, 68, 13]);
    assert.deepEqual(predictions.column('parent_id'), ['image', 'image']);
    const none = await call(detectionsStitchV1, {
      reference_image: image,
      predictions: new Batch(perCrop, [
        [0, 0],
        [0, 1],
      ]),
      overlap_filtering_strategy: 'none',
    });
    assert.equal(none.predictions.length, 4);
  });

  test('dimension_collapse returns the non-empty children as a list', async () => {
    assert.deepEqual(
      await call(dimensionCollapseV1, {
        data: new Batch(
          ['a', null, 'c'],
          [
            [0, 0],
            [0, 1],
            [0, 2],
          ],
        ),
      }),
      { output: ['a', 'c'] },
    );
  });
});

describe('detections transformations', () => {
  test('detection_offset grows boxes, clips to the image and re-parents', async () => {
    const d = boxes([
      [5, 5, 20, 20, 0.9, 'a'],
      [80, 40, 98, 58, 0.8, 'b'],
    ]);
    const [{ predictions }] = await call(detectionOffsetV1, {
      predictions: new Batch([d], [[0]]),
      offset_width: 10,
      offset_height: 20,
    });
    assert.deepEqual(predictions.box(0), [0, 0, 25, 30]);
    assert.deepEqual(predictions.box(1), [75, 30, 100, 60]);
    assert.deepEqual(predictions.column('parent_id'), ['det-0', 'det-1']);
    assert.notEqual(predictions.get('detection_id', 0), 'det-0');
  });

  test('detections_filter uses operations_parameters, scalar or per element', async () => {
    const d = boxes([
      [0, 0, 10, 10, 0.9, 'cat'],
      [0, 0, 10, 10, 0.9, 'dog'],
    ]);
    const operations = [
      {
        type: 'DetectionsFilter',
        filter_operation: {
          type: 'StatementGroup',
          statements: [
            {
              type: 'BinaryStatement',
              left_operand: {
                type: 'DynamicOperand',
                operations: [{ type: 'ExtractDetectionProperty', property_name: 'class_name' }],
              },
              comparator: { type: 'in (Sequence)' },
              right_operand: { type: 'DynamicOperand', operand_name: 'classes' },
            },
          ],
        },
      },
    ];
    const predictions = new Batch([d, d], [[0], [1]]);
    const out = await call(detectionsFilterV1, {
      predictions,
      operations,
      operations_parameters: { classes: new Batch([['cat'], ['dog', 'cat']], [[0], [1]]) },
    } as any);
    assert.deepEqual(
      out.map((o: any) => o.predictions.column('class_name')),
      [['cat'], ['cat', 'dog']],
    );
  });

  test('detections_merge encloses every box with the lowest confidence', async () => {
    const { predictions } = await call(detectionsMergeV1, {
      predictions: boxes([
        [0, 5, 10, 10, 0.9, 'a'],
        [20, 0, 30, 40, 0.4, 'b'],
      ]),
    });
    assert.deepEqual(predictions.box(0), [0, 0, 30, 40]);
    assert.ok(Math.abs(predictions.confidence[0] - 0.4) < 1e-6);
    assert.deepEqual(predictions.column('class_name'), ['merged_detection']);
  });

  test('stitch_ocr_detections groups characters into lines', async () => {
    const chars = boxes([
      [40, 0, 50, 10, 0.9, 'I'],
      [0, 0, 10, 10, 0.9, 'H'],
      [0, 30, 10, 42, 0.9, 'O'],
      [20, 32, 30, 40, 0.9, 'K'],
    ]);
    const [{ ocr_text }] = await call(stitchOcrDetectionsV2, { predictions: new Batch([chars], [[0]]), tolerance: 5 });
    assert.equal(ocr_text, 'HI\nOK');
  });

  test('detections_consensus keeps boxes seen by enough sources and reports presence', async () => {
    const a = boxes([
      [0, 0, 10, 10, 0.8, 'person'],
      [50, 50, 60, 60, 0.9, 'car'],
    ]);
    const b = boxes([[1, 1, 10, 10, 0.6, 'person']]);
    const [out] = await call(detectionsConsensusV1, {
      predictions_batches: [new Batch([a], [[0]]), new Batch([b], [[0]])],
      required_votes: 2,
      required_objects: { person: 1 },
    });
    assert.equal(out.predictions.length, 1);
    assert.deepEqual(out.predictions.column('class_name'), ['person']);
    assert.ok(Math.abs(out.predictions.confidence[0] - 0.7) < 1e-6);
    assert.equal(out.object_present, true);
    assert.ok(Math.abs(out.presence_confidence.person - 0.7) < 1e-6);
    const [none] = await call(detectionsConsensusV1, {
      predictions_batches: [new Batch([a], [[0]]), new Batch([b], [[0]])],
      required_votes: 3,
    });
    assert.equal(none.predictions.length, 0);
    assert.equal(none.object_present, false);
  });
});

describe('formatters and flow control', () => {
  test('expression: first matching case, dynamic result with operations, default', async () => {
    const switchDef = {
      type: 'CasesDefinition',
      cases: [
        {
          type: 'CaseDefinition',
          condition: {
            type: 'StatementGroup',
            statements: [
              {
                type: 'BinaryStatement',
                left_operand: { type: 'DynamicOperand', operand_name: 'classes' },
                comparator: { type: '==' },
                right_operand: { type: 'DynamicOperand', operand_name: 'reference' },
              },
            ],
          },
          result: { type: 'StaticCaseResult', value: 'PASS' },
        },
      ],
      default: {
        type: 'DynamicCaseResult',
        parameter_name: 'count',
        operations: [{ type: 'ToNumber', cast_to: 'int' }],
      },
    };
    assert.deepEqual(
      await call(expressionV1, {
        data: { classes: ['dog'], reference: ['dog'], count: '3' },
        switch: switchDef,
      } as any),
      { output: 'PASS' },
    );
    assert.deepEqual(
      await call(expressionV1, {
        data: { classes: ['cat'], reference: ['dog'], count: '3' },
        switch: switchDef,
      } as any),
      { output: 3 },
    );
  });

  test('property_definition and first_non_empty_or_default', async () => {
    const d = boxes([
      [0, 0, 10, 10, 0.9, 'a'],
      [0, 0, 10, 10, 0.9, 'b'],
    ]);
    assert.deepEqual(await call(propertyDefinitionV1, { data: d, operations: [{ type: 'SequenceLength' }] }), {
      output: 2,
    });
    assert.deepEqual(await call(firstNonEmptyOrDefaultV1, { data: [null, 0, 1] }), { output: 0 });
    assert.deepEqual(await call(firstNonEmptyOrDefaultV1, { data: [null], default: 'none' }), { output: 'none' });
  });

  test('continue_if and switch_case return flow control', async () => {
    const condition = {
      type: 'StatementGroup',
      statements: [
        {
          type: 'BinaryStatement',
          left_operand: { type: 'DynamicOperand', operand_name: 'left' },
          comparator: { type: '(Number) ==' },
          right_operand: { type: 'StaticOperand', value: 1 },
        },
      ],
    };
    const yes = await call(continueIfV1, {
      condition_statement: condition as any,
      evaluation_parameters: { left: 1 },
      next_steps: ['$steps.model'],
    });
    assert.ok(yes instanceof FlowControl);
    assert.deepEqual(yes.context, ['$steps.model']);
    const no = await call(continueIfV1, {
      condition_statement: condition as any,
      evaluation_parameters: { left: 2 },
      next_steps: ['$steps.model'],
    });
    assert.deepEqual(no.context, []);
    const routed = await call(switchCaseV1, {
      value: 'Cat',
      cases: { cat: '$steps.a', dog: ['$steps.b'] },
      default_next_steps: ['$steps.c'],
      case_insensitive: true,
    });
    assert.deepEqual(routed.context, ['$steps.a']);
    assert.deepEqual(
      (await call(switchCaseV1, { value: 'bird', cases: { cat: '$steps.a' }, default_next_steps: ['$steps.c'] }))
        .context,
      ['$steps.c'],
    );
  });

  test('string_template fills placeholders', async () => {
    const out = await call(stringTemplateV1, {
      template: 'Seen {{ $parameters.n }} of {{$parameters.what}} {{ $parameters.missing }}',
      data: { n: ['a', 'b'], what: 'cars' },
      data_operations: { n: [{ type: 'SequenceLength' }] },
    });
    assert.equal(out.output, 'Seen 2 of cars {{ $parameters.missing }}');
  });

  test('frame_delay returns the value from |offset| frames earlier', async () => {
    const ctx = context('past');
    const frames = await Promise.all(
      [0, 1, 2].map(async (n) => {
        const image = await twoColourImage();
        return new WorkflowImage(image.pixels, image.width, image.height, {
          parentId: 'image',
          videoMetadata: { video_identifier: 'v', frame_number: n, frame_timestamp: new Date(0).toISOString() },
        });
      }),
    );
    const results = [];
    for (const [n, image] of frames.entries())
      results.push(await call(frameDelayV1, { image, data: n * 10, offset: -1 }, ctx));
    assert.deepEqual(results, [
      { output: null, is_available: false, reference_frame_number: 0 },
      { output: 0, is_available: true, reference_frame_number: 1 },
      { output: 10, is_available: true, reference_frame_number: 2 },
    ]);
  });
});

describe('aggregation, CSV and file sink', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-sink-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('data_aggregator emits aggregates once per interval of runs', async () => {
    const ctx = context('agg');
    const params = {
      data: {},
      data_operations: {
        classes: [{ type: 'DetectionsPropertyExtract', property_name: 'class_name' }],
        count: [{ type: 'SequenceLength' }],
      },
      aggregation_mode: { classes: ['count_distinct'], count: ['min', 'max', 'sum'] },
      interval: 2,
      interval_unit: 'runs',
    } as any;
    const first = await call(
      dataAggregatorV1,
      { ...params, data: { classes: boxes([[0, 0, 1, 1, 1, 'a']]), count: boxes([[0, 0, 1, 1, 1, 'a']]) } },
      ctx,
    );
    assert.deepEqual(first, { classes_count_distinct: null, count_min: null, count_max: null, count_sum: null });
    const two = boxes([
      [0, 0, 1, 1, 1, 'b'],
      [0, 0, 1, 1, 1, 'c'],
    ]);
    const second = await call(dataAggregatorV1, { ...params, data: { classes: two, count: two } }, ctx);
    assert.deepEqual(second, { classes_count_distinct: 3, count_min: 1, count_max: 2, count_sum: 3 });
    assert.deepEqual(
      dataAggregatorV1.manifest.actualOutputs!({
        type: 'x',
        name: 'agg',
        aggregation_mode: params.aggregation_mode,
      }).map((o) => o.name),
      ['classes_count_distinct', 'count_min', 'count_max', 'count_sum'],
    );
  });

  test('csv_formatter + local_file_sink append a log with one header', async () => {
    const ctx = context('sink');
    for (const value of [1, 2]) {
      const { csv_content } = await call(csvFormatterV1, { columns_data: { value, label: 'x,y' } });
      assert.match(csv_content, /^value,label,timestamp\n/);
      const result = await call(
        localFileSinkV1,
        {
          content: csv_content,
          file_type: 'csv',
          output_mode: 'append_log',
          target_directory: dir,
          file_name_prefix: 'report',
        },
        ctx,
      );
      assert.deepEqual(result, { error_status: false, message: 'Data saved successfully' });
    }
    const files = fs.readdirSync(dir);
    assert.equal(files.length, 1);
    const lines = fs.readFileSync(path.join(dir, files[0]!), 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    assert.ok(lines[1]!.startsWith('1,"x,y",'));
    assert.ok(lines[2]!.startsWith('2,"x,y",'));
  });

  test('local_file_sink honours disableSinks and the allowed directory', async () => {
    const disabled = await call(
      localFileSinkV1,
      { content: 'x', file_type: 'txt', output_mode: 'separate_files', target_directory: path.join(dir, 'off') },
      context('s', { disableSinks: true }),
    );
    assert.equal(disabled.error_status, false);
    assert.equal(fs.existsSync(path.join(dir, 'off')), false);
    const restricted = { ...context(), services: { settings: { writeDirectory: path.join(dir, 'allowed') } } };
    await assert.rejects(
      call(
        localFileSinkV1,
        {
          content: 'x',
          file_type: 'txt',
          output_mode: 'separate_files',
          target_directory: path.join(dir, 'elsewhere'),
        },
        restricted,
      ),
      /outside the allowed directory/,
    );
    const ok = await call(
      localFileSinkV1,
      {
        content: 'x',
        file_type: 'txt',
        output_mode: 'separate_files',
        target_directory: path.join(dir, 'allowed', 'sub'),
      },
      restricted,
    );
    assert.equal(ok.error_status, false);
    assert.equal(fs.readdirSync(path.join(dir, 'allowed', 'sub')).length, 1);
  });
});
