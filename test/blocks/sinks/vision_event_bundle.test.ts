// vision_event_bundle@v1 over HTTP: yolov8n on bus.jpg → a bundle event_<time>_<id>.tar.gz under the server's
// write directory holding payload.json (Roboflow's bundle format 1: eventData, customMetadata, one image entry
// with the output and input JPEGs and the detections as annotations) and the two images; no temp file left;
// directories outside the write root refused; cooldown throttles; the annotation converters on their own.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import tar from 'tar-stream';
import { ExecutionEngine } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { buildEventData, predictionsToAnnotations } from '../../../blocks/common/vision-events.ts';
import { startTestServer, type RunningServer } from '../../helpers/server.ts';
import { needsShared } from '../../helpers/shared.ts';
import { imageInput, post } from '../../server/http.ts';

async function untar(file: string): Promise<Map<string, Buffer>> {
  const members = new Map<string, Buffer>();
  const extract = tar.extract();
  await new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        members.set(header.name, Buffer.concat(chunks));
        next();
      });
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
    extract.end(gunzipSync(fs.readFileSync(file)));
  });
  return members;
}

test('eventData per event type (camelCase, nulls dropped) and classification annotations', () => {
  assert.deepEqual(buildEventData('quality_check', { qc_result: 'fail', external_id: 'b-1', location: 'x' }), {
    result: 'fail',
    externalId: 'b-1',
  });
  assert.deepEqual(buildEventData('inventory_count', { item_count: 3, item_type: null }), { itemCount: 3 });
  assert.deepEqual(buildEventData('operator_feedback', { related_event_id: 'e', feedback: 'correct' }), {
    relatedEventId: 'e',
    feedback: 'correct',
  });
  assert.deepEqual(buildEventData('nonsense', { custom_value: 'v' }), {});
  assert.deepEqual(
    predictionsToAnnotations({
      predictions: { cat: { confidence: 0.9 }, dog: { confidence: 0.2 } },
      predicted_classes: ['cat'],
    }),
    { classifications: [{ class: 'cat', confidence: 0.9 }] },
  );
  assert.deepEqual(predictionsToAnnotations({ predictions: [{ class: 'a', confidence: 0.7 }], top: 'a' }), {
    classifications: [{ class: 'a', confidence: 0.7 }],
  });
  assert.deepEqual(predictionsToAnnotations(null), {});
});

describe('vision_event_bundle@v1 over HTTP', { skip: needsShared }, () => {
  let server: RunningServer;
  let root: string;
  before(async () => {
    server = await startTestServer();
    root = server.config.blockSettings.writeDirectory!;
  });
  after(async () => {
    await server?.close();
  });

  const workflow = (target: string) => ({
    version: '1.0',
    inputs: [{ type: 'WorkflowImage', name: 'image' }],
    steps: [
      {
        type: 'roboflow_core/roboflow_object_detection_model@v2',
        name: 'det',
        images: '$inputs.image',
        model_id: 'yolov8n-640',
      },
      {
        type: 'roboflow_core/bounding_box_visualization@v1',
        name: 'viz',
        image: '$inputs.image',
        predictions: '$steps.det.predictions',
      },
      {
        type: 'roboflow_core/vision_event_bundle@v1',
        name: 'bundle',
        target_directory: target,
        input_image: '$inputs.image',
        output_image: '$steps.viz.image',
        predictions: '$steps.det.predictions',
        event_type: 'quality_check',
        qc_result: 'fail',
        external_id: 'batch-7',
        location: 'ignored for quality checks',
        custom_metadata: { camera_id: 'gate', lane: 2 },
        fire_and_forget: false,
        cooldown_seconds: 0,
      },
    ],
    outputs: [
      { type: 'JsonField', name: 'bundle', selector: '$steps.bundle.*' },
      { type: 'JsonField', name: 'detections', selector: '$steps.det.predictions' },
    ],
  });

  test('writes one complete bundle in Roboflow format 1', async () => {
    const res = await post(server, '/workflows/run', {
      specification: workflow('bundles'),
      inputs: { image: imageInput('bus.jpg') },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 400));
    const out = res.body.outputs[0].bundle;
    assert.equal(out.error_status, false, out.message);
    assert.equal(out.message, 'Vision event bundle written successfully');
    assert.match(out.bundle_path, /^bundles\/event_\d{8}T\d{6}_\d{6}_[0-9a-f-]{36}\.tar\.gz$/);
    assert.ok(out.bundle_path.includes(out.event_id));
    const dir = path.join(root, 'bundles');
    assert.deepEqual(fs.readdirSync(dir), [path.basename(out.bundle_path)], 'no temporary file left');
    const members = await untar(path.join(root, out.bundle_path));
    const payload = JSON.parse(members.get('payload.json')!.toString());
    assert.deepEqual(Object.keys(payload), [
      'bundleFormatVersion',
      'eventId',
      'eventType',
      'timestamp',
      'images',
      'eventData',
      'customMetadata',
      'displayImagePosition',
    ]);
    assert.equal(payload.bundleFormatVersion, 1);
    assert.equal(payload.eventId, out.event_id);
    assert.equal(payload.eventType, 'quality_check');
    assert.match(payload.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    assert.deepEqual(payload.eventData, { result: 'fail', externalId: 'batch-7' });
    assert.deepEqual(payload.customMetadata, { camera_id: 'gate', lane: 2 });
    assert.equal(payload.displayImagePosition, 0);
    assert.equal(payload.useCaseId, undefined);
    const [image] = payload.images;
    assert.equal(image.label, 'workflow');
    const detections = res.body.outputs[0].detections.predictions;
    assert.equal(image.objectDetections.length, detections.length);
    assert.deepEqual(Object.keys(image.objectDetections[0]), ['class', 'x', 'y', 'width', 'height', 'confidence']);
    for (const member of [image.file, image.inputFile]) {
      assert.match(member, /^images\/[0-9a-f-]{36}\.jpg$/);
      const meta = await sharp(members.get(member)!).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 810, 1080]);
    }
  });

  test('a directory outside the write root is refused (403)', async () => {
    const res = await post(server, '/workflows/run', {
      specification: workflow('/tmp/elsewhere'),
      inputs: { image: imageInput('bus.jpg') },
    });
    assert.equal(res.status, 403, JSON.stringify(res.body).slice(0, 300));
    assert.match(res.body.message, /outside the allowed directory/);
  });

  test('cooldown: a second event within cooldown_seconds is throttled', async () => {
    const engine = new ExecutionEngine({ blocks: coreBlocks, services: { settings: server.config.blockSettings } });
    const definition = {
      version: '1.0',
      inputs: [],
      steps: [
        {
          type: 'roboflow_core/vision_event_bundle@v1',
          name: 'bundle',
          target_directory: 'cooldown',
          event_type: 'custom',
          custom_value: 'x',
          fire_and_forget: false,
          cooldown_seconds: 60,
        },
      ],
      outputs: [{ type: 'JsonField', name: 'r', selector: '$steps.bundle.*' }],
    };
    const first = (await engine.run(definition, {})).outputs[0]!.r as Record<string, unknown>;
    const second = (await engine.run(definition, {})).outputs[0]!.r as Record<string, unknown>;
    assert.equal(first.throttling_status, false);
    assert.equal(second.throttling_status, true);
    assert.equal(second.message, 'Sink cooldown applies');
    const files = fs.readdirSync(path.join(root, 'cooldown'));
    assert.equal(files.length, 1);
    const payload = JSON.parse((await untar(path.join(root, 'cooldown', files[0]!))).get('payload.json')!.toString());
    assert.deepEqual(payload.images, []);
    assert.deepEqual(payload.eventData, { value: 'x' });
  });
});
