// Execution errors and inputs with the fixture plugin: runtime errors, runtime input validation, image inputs
// (base64, data URI, numpy, URL) and serialized detections inputs. Output shapes: run.test.ts.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  defineBlock,
  ExecutionEngine,
  imagesProperty,
  InferenceModelNotFound,
  ModelNotFoundError,
  type PlatformError,
} from '../../../engine/index.ts';
import { mapError } from '../../../server/error-map.ts';
import { fixtureBlocks } from '../fixture-blocks.ts';
import { expectRunError, IMAGE, makeImages, out, wf } from './run-helpers.ts';

const throwing = defineBlock<{ images: unknown; which: string }>({
  manifest: {
    type: 'test/throwing@v1',
    humanName: 'Throwing',
    version: 'v1',
    blockType: 'model',
    shortDescription: 'throws platform errors',
    properties: { images: imagesProperty(), which: { type: 'string' } },
    required: ['images', 'which'],
    outputs: [{ name: 'out', kind: ['*'] }],
  },
  run: ({ which }) => {
    throw (
      which === '404' ? new ModelNotFoundError('no such model') : new InferenceModelNotFound('still loading')
    ) as PlatformError;
  },
});

const engine = new ExecutionEngine({
  blocks: [...fixtureBlocks, throwing],
  maxConcurrentSteps: 2,
  profilingAvailable: true,
});

let small: string; // 40x30
let wide: string; // 120x30
let pngBytes: Buffer;
before(async () => {
  ({ small, wide, pngBytes } = await makeImages());
});

describe('execution', () => {
  test('output key mismatch → ExecutionEngineRuntimeError', async () => {
    await expectRunError(
      engine.run(wf([{ type: 'test/bad_outputs@v1', name: 'bad', images: '$inputs.image' }], []), { image: small }),
      'ExecutionEngineRuntimeError',
      (e) => {
        assert.match(e.message, /Step bad did not produce required outputs\. Expected: \[out\]\. Got: \[wrong\]/);
      },
    );
  });

  test('block exception → StepExecutionError naming the step; platform errors keep their status', async () => {
    await expectRunError(
      engine.run(wf([{ type: 'test/failing@v1', name: 'boom', images: '$inputs.image' }], []), { image: small }),
      'StepExecutionError',
      (e) => {
        assert.equal(e.blockId, 'boom');
        assert.equal(e.blockType, 'test/failing@v1');
        assert.match(e.message, /kaboom from fixture/);
      },
    );
    await expectRunError(
      engine.run(wf([{ type: 'test/throwing@v1', name: 't', images: '$inputs.image', which: '404' }], []), {
        image: small,
      }),
      'ClientCausedStepExecutionError',
      (e) => {
        // The engine knows no HTTP: the server's table answers with the status of what the block raised.
        assert.ok(e.innerError instanceof ModelNotFoundError);
        assert.equal(mapError(e)?.status, 404);
        assert.equal(e.blockId, 't');
      },
    );
    await expectRunError(
      engine.run(wf([{ type: 'test/throwing@v1', name: 't', images: '$inputs.image', which: '503' }], []), {
        image: small,
      }),
      'InferenceModelNotFound',
    );
  });

  test('runtime input validation and input assembly errors', async () => {
    const definition = wf(
      [{ type: 'test/fake_detector@v1', name: 'det', images: '$inputs.image', confidence: '$inputs.conf' }],
      [out('p', '$steps.det.predictions')],
      [IMAGE, { type: 'WorkflowParameter', name: 'conf', default_value: 0.3 }],
    );
    await expectRunError(engine.run(definition, { image: small, conf: 1.5 }), 'RuntimeInputError', (e) => {
      assert.match(e.message, /step 'det'/);
      assert.match(e.message, /property 'confidence'/);
    });
    const ok = await engine.run(definition, { image: small });
    assert.equal((ok.outputs[0]!.p as any).predictions[0].confidence, 0.3);
    await expectRunError(engine.run(definition, {}), 'RuntimeInputError', (e) =>
      assert.match(e.message, /value is not provided/),
    );
    const two = wf(
      [
        { type: 'test/image_size@v1', name: 'a', images: '$inputs.image' },
        { type: 'test/image_size@v1', name: 'b', images: '$inputs.other' },
      ],
      [],
      [IMAGE, { type: 'WorkflowImage', name: 'other' }],
    );
    await expectRunError(
      engine.run(two, { image: [small, small], other: [small, small, small] }),
      'RuntimeInputError',
      (e) => assert.match(e.message, /same length, or of length 1/),
    );
  });

  test('numpy inputs are refused with a clear message; oversized images are refused', async () => {
    const definition = wf(
      [{ type: 'test/image_size@v1', name: 'size', images: '$inputs.image' }],
      [out('w', '$steps.size.width')],
    );
    await expectRunError(
      engine.run(definition, { image: { type: 'numpy_object', value: 'AAAA' } }),
      'InputImageLoadError',
      (e) => assert.match(e.message, /numpy_object input is not supported, send base64 or url/),
    );
    const tiny = new ExecutionEngine({ blocks: fixtureBlocks, imageInput: { maxPixels: 1000 } });
    await expectRunError(tiny.run(definition, { image: wide }), 'InputImageLoadError', (e) =>
      assert.match(e.message, /exceeds the limit of 1000 pixels/),
    );
    const dataUri = await engine.run(definition, { image: `data:image/png;base64,${small}` });
    assert.equal(dataUri.outputs[0]!.w, 40);
  });

  test('detections inputs are deserialized from the serialized payload', async () => {
    const payload = {
      image: { width: 40, height: 30 },
      predictions: [
        {
          x: 10,
          y: 10,
          width: 10,
          height: 6,
          confidence: 0.9,
          class_id: 1,
          class: 'a',
          detection_id: 'd1',
          parent_id: 'image',
        },
      ],
    };
    const result = await engine.run(
      wf(
        [
          { type: 'test/crop@v1', name: 'crop', images: '$inputs.image', predictions: '$inputs.dets' },
          { type: 'test/image_size@v1', name: 'size', images: '$steps.crop.crops' },
        ],
        [out('sizes', '$steps.size.*')],
        [IMAGE, { type: 'WorkflowBatchInput', name: 'dets', kind: ['object_detection_prediction'] }],
      ),
      { image: small, dets: payload },
    );
    assert.deepEqual(result.outputs, [{ sizes: [{ width: 10, height: 6 }] }]);
  });
});

describe('URL image inputs', () => {
  let server: http.Server;
  let url: string;
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/image.png' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(pngBytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const definition = wf(
    [{ type: 'test/image_size@v1', name: 'size', images: '$inputs.image' }],
    [out('w', '$steps.size.width')],
  );

  test('refuses loopback addresses by default', async () => {
    await expectRunError(
      engine.run(definition, { image: { type: 'url', value: `${url}/image.png` } }),
      'InputImageLoadError',
      (e) =>
        assert.match(
          e.message,
          /^Refusing to load image from http:\/\/127\.0\.0\.1:\d+\/image\.png: '127\.0\.0\.1' is a private, loopback, link-local or otherwise non-public address$/,
        ),
    );
  });

  test('fetches (following redirects) from an allow-listed host', async () => {
    const allowed = new ExecutionEngine({ blocks: fixtureBlocks, imageInput: { urlAllowList: ['127.0.0.1'] } });
    const result = await allowed.run(definition, { image: { type: 'url', value: `${url}/redirect` } });
    assert.deepEqual(result.outputs, [{ w: 40 }]);
    const capped = new ExecutionEngine({
      blocks: fixtureBlocks,
      imageInput: { urlAllowList: ['127.0.0.1'], maxUrlBytes: 10 },
    });
    await expectRunError(
      capped.run(definition, { image: { type: 'url', value: `${url}/image.png` } }),
      'InputImageLoadError',
      (e) => assert.match(e.message, /larger than 10 bytes/),
    );
  });
});
