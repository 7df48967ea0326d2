// Conformance entries whose Roboflow tests build their inputs in Python (video frames, a temp directory) or run
// on a photo we do not have (multi-fruit.jpg). Each scenario rebuilds the inputs and asserts what index.json's
// expected_outputs_summary says, as far as it does not depend on the exact photo.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { RunningServer } from '../helpers/server.ts';
import { imageInput, post } from './http.ts';

type Definition = Record<string, unknown>;
export type Scenario = (server: RunningServer, definition: Definition) => Promise<void>;

interface SerializedPrediction {
  class: string;
  class_id: number;
}
type SerializedDetections = { image: { width: number; height: number }; predictions: SerializedPrediction[] };

async function runOk(
  server: RunningServer,
  definition: Definition,
  inputs: Record<string, unknown>,
): Promise<Array<Record<string, any>>> {
  const res = await post(server, '/workflows/run', { specification: definition, inputs });
  assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 2000));
  return res.body.outputs;
}

/** A frame of one video like the test's `_frame_input(frame_number=n)`: a photo carrying video_metadata. */
function frameInput(videoIdentifier: string, frameNumber: number) {
  return {
    ...imageInput('dog.jpg'),
    video_metadata: {
      video_identifier: videoIdentifier,
      frame_number: frameNumber,
      frame_timestamp: new Date(Date.UTC(2024, 0, 1) + frameNumber * 40).toISOString(),
      fps: 25,
    },
  };
}

/** frame_delay@v1 offsets -1/-2 over four frames sent one request each: state lives between runs. */
const timeTravel: Scenario = async (server, definition) => {
  const results = [];
  for (let n = 0; n < 4; n++)
    results.push((await runOk(server, definition, { image: frameInput('time-travel', n) }))[0]!);
  assert.equal(results[0]!.past_available, false);
  assert.equal(results[0]!.past_output, null);
  assert.equal(results[0]!.past_ref, 0);
  assert.equal(results[1]!.past_output, 0);
  assert.equal(results[1]!.past_available, true);
  assert.equal(results[1]!.past_ref, 1);
  assert.equal(results[2]!.past_output, 1);
  assert.equal(results[3]!.past_output, 2);
  assert.deepEqual(
    results.map((r) => r.past_two_output),
    [null, null, 0, 1],
  );
  assert.deepEqual(
    results.map((r) => r.past_two_ref),
    [0, 1, 2, 3],
  );
  // Another video starts its own history.
  const other = (await runOk(server, definition, { image: frameInput('another-video', 7) }))[0]!;
  assert.equal(other.past_available, false);
  assert.equal(other.past_ref, 7);
};

/**
 * Four runs over three photos: each prediction goes to its own JSON file, and data_aggregator (interval 6 runs)
 * appends two report rows to one CSV log. The report's numbers are recomputed from the recorded predictions.
 */
const fileSinkAndAggregation: Scenario = async (server, definition) => {
  // File sinks write under the server's write root (<data dir>/outputs by default).
  const root = server.config.blockSettings.writeDirectory!;
  fs.mkdirSync(root, { recursive: true });
  const directory = fs.mkdtempSync(path.join(root, 'file-sink-'));
  try {
    const recorded: SerializedDetections[] = [];
    for (let run = 0; run < 4; run++) {
      const outputs = await runOk(server, definition, {
        image: ['dog.jpg', 'street.jpg', 'bus.jpg'].map(imageInput),
        target_directory: directory,
      });
      assert.equal(outputs.length, 3);
      recorded.push(...outputs.map((o) => o.predictions as SerializedDetections));
    }
    assert.equal(recorded.length, 12);
    const files = fs.readdirSync(directory);
    const persisted = files.filter((f) => f.startsWith('prediction_') && f.endsWith('.json'));
    assert.equal(persisted.length, 12, files.join(', '));
    const persistedCounts = persisted
      .map(
        (f) =>
          (JSON.parse(fs.readFileSync(path.join(directory, f), 'utf8')) as SerializedDetections).predictions.length,
      )
      .sort();
    assert.deepEqual(persistedCounts, recorded.map((r) => r.predictions.length).sort());
    const reports = files.filter((f) => f.startsWith('aggregation_report_') && f.endsWith('.csv'));
    assert.equal(reports.length, 1, files.join(', '));
    const [header, ...rows] = fs
      .readFileSync(path.join(directory, reports[0]!), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(','));
    assert.equal(rows.length, 2);
    const column = (name: string) => rows.map((row) => Number(row[header!.indexOf(name)]));
    const windows = [recorded.slice(0, 6), recorded.slice(6, 12)];
    const counts = windows.map((w) => w.map((r) => r.predictions.length));
    assert.deepEqual(
      column('number_of_distinct_classes'),
      windows.map((w) => new Set(w.flatMap((r) => r.predictions.map((p) => p.class))).size),
    );
    assert.deepEqual(
      column('min_number_of_bounding_boxes'),
      counts.map((c) => Math.min(...c)),
    );
    assert.deepEqual(
      column('max_number_of_bounding_boxes'),
      counts.map((c) => Math.max(...c)),
    );
    assert.deepEqual(
      column('total_number_of_bounding_boxes'),
      counts.map((c) => c.reduce((a, b) => a + b, 0)),
    );
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
};

const classNames = (d: SerializedDetections) => d.predictions.map((p) => p.class);
const classIds = (d: SerializedDetections) => d.predictions.map((p) => p.class_id);

/** bus.jpg: yolov8n finds people and a bus (COCO ids 0 and 5), none of them fruit. */
const PHOTO = 'bus.jpg';

/** A black PNG like the tests' `np.zeros((height, width, 3), dtype=np.uint8)`. */
export async function blackImage(width: number, height: number) {
  const png = await sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .png()
    .toBuffer();
  return { type: 'base64', value: png.toString('base64') };
}

function withClassMap(definition: Definition, classMap: Record<string, string>): Definition {
  const steps = (definition.steps as Array<Record<string, any>>).map((step) =>
    step.name === 'class_rename'
      ? { ...step, operations: step.operations.map((op: Record<string, unknown>) => ({ ...op, class_map: classMap })) }
      : step,
  );
  return { ...definition, steps };
}

/**
 * Strict renaming (apple/banana → fruit, orange → my-orange): a detection whose class is not in the map is an
 * error (InvalidInputTypeError, 400, as Roboflow raises it); with every class mapped, ids are the sorted new names'
 * indices, like the expected [0, 0, 0, 1, 0].
 */
const strictRename: Scenario = async (server, definition) => {
  const refused = await post(server, '/workflows/run', {
    specification: definition,
    inputs: { image: imageInput(PHOTO) },
  });
  assert.equal(refused.status, 400, JSON.stringify(refused.body));
  assert.equal(refused.body.error_type, 'InvalidInputTypeError');
  assert.match(refused.body.message, /class 'person' to be declared in class_map \(strict mode\)/);

  const empty = (await runOk(server, definition, { image: await blackImage(320, 240) }))[0]!;
  assert.deepEqual(empty.renamed_predictions.predictions, []);

  const covering = withClassMap(definition, { person: 'fruit', bus: 'my-orange' });
  const result = (await runOk(server, covering, { image: imageInput(PHOTO) }))[0]!;
  const original = result.original_predictions as SerializedDetections;
  const renamed = result.renamed_predictions as SerializedDetections;
  assert.equal(renamed.predictions.length, original.predictions.length);
  assert.ok(classNames(original).includes('bus') && classNames(original).includes('person'));
  assert.deepEqual(
    classNames(renamed),
    classNames(original).map((c) => (c === 'bus' ? 'my-orange' : 'fruit')),
  );
  assert.deepEqual(
    classIds(renamed),
    classNames(original).map((c) => (c === 'bus' ? 1 : 0)),
  );
};

/**
 * Parametrised non-strict renaming: unmapped classes keep their name and id; new names get ids from 1024 on
 * (the expected [1024, 1024, 1024, 49, 1024] keeps orange's COCO id 49).
 */
const parametrisedRename: Scenario = async (server, definition) => {
  const asInTest = (
    await runOk(server, definition, {
      image: imageInput(PHOTO),
      class_map: { apple: 'fruit', banana: 'fruit' },
      strict: false,
    })
  )[0]!;
  assert.deepEqual(asInTest.renamed_predictions.predictions, asInTest.original_predictions.predictions);

  const result = (
    await runOk(server, definition, { image: imageInput(PHOTO), class_map: { person: 'fruit' }, strict: false })
  )[0]!;
  const original = result.original_predictions as SerializedDetections;
  const renamed = result.renamed_predictions as SerializedDetections;
  assert.equal(renamed.predictions.length, original.predictions.length);
  assert.ok(classNames(original).includes('bus'));
  assert.deepEqual(
    classNames(renamed),
    classNames(original).map((c) => (c === 'person' ? 'fruit' : c)),
  );
  assert.deepEqual(
    classIds(renamed),
    original.predictions.map((p) => (p.class === 'person' ? 1024 : p.class_id)),
  );

  const strictRefused = await post(server, '/workflows/run', {
    specification: definition,
    inputs: { image: imageInput(PHOTO), class_map: { person: 'fruit' }, strict: true },
  });
  assert.equal(strictRefused.status, 400, JSON.stringify(strictRefused.body));
  assert.equal(strictRefused.body.error_type, 'InvalidInputTypeError');
};

export const CONFORMANCE_SCENARIOS: Record<string, Scenario> = {
  test_workflow_with_frame_delay__TIME_TRAVEL_WORKFLOW: timeTravel,
  test_workflow_with_file_sink__WORKFLOW_WITH_FILE_SINK_AND_AGGREGATION: fileSinkAndAggregation,
  test_workflow_with_detection_renaming__build_class_remapping_workflow_definition__True: strictRename,
  test_workflow_with_detection_renaming__WORKFLOW_WITH_PARAMETRISED_DETECTIONS_RENAME: parametrisedRename,
};
