import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Batch } from '../../../engine/index.ts';
import { detectionOffsetV1 } from '../../../blocks/transformations/detection_offset_v1.ts';
import { detectionsFilterV1 } from '../../../blocks/transformations/detections_filter_v1.ts';
import { detectionsMergeV1 } from '../../../blocks/transformations/detections_merge_v1.ts';
import { stitchOcrDetectionsV2 } from '../../../blocks/transformations/stitch_ocr_detections_v2.ts';
import { detectionsConsensusV1 } from '../../../blocks/fusion/detections_consensus_v1.ts';
import { call, boxes } from '../../helpers/block-call.ts';

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
