// onvif_sink@v1: described with Roboflow's manifest, and a workflow using it is refused at compile time with a
// message saying Sightline has no ONVIF client (never silently accepted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecutionEngine, WorkflowSyntaxError } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';

const engine = new ExecutionEngine({ blocks: coreBlocks });

test('described with its Roboflow manifest', () => {
  const block = coreBlocks.find((b) => b.manifest.type === 'roboflow_core/onvif_sink@v1');
  assert.ok(block);
  assert.deepEqual(block.manifest.required, [
    'predictions',
    'camera_ip',
    'camera_port',
    'camera_username',
    'camera_password',
  ]);
  assert.deepEqual(
    block.manifest.outputs.map((o) => o.name),
    ['predictions', 'seeking'],
  );
});

test('a workflow using it is refused at compile time, saying why', () => {
  const definition = {
    version: '1.0',
    inputs: [
      { type: 'WorkflowParameter', name: 'detections' },
      { type: 'WorkflowParameter', name: 'password' },
    ],
    steps: [
      {
        type: 'roboflow_core/onvif_sink@v1',
        name: 'ptz',
        predictions: '$inputs.detections',
        camera_ip: '192.168.1.20',
        camera_port: 80,
        camera_username: 'admin',
        camera_password: '$inputs.password',
      },
    ],
    outputs: [{ type: 'JsonField', name: 'seeking', selector: '$steps.ptz.seeking' }],
  };
  assert.throws(
    () => engine.compile(definition),
    (error: unknown) => error instanceof WorkflowSyntaxError && /no ONVIF camera client/.test(error.message),
  );
});
