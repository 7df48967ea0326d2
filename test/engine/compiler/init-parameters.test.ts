// BlockInitParameterNotProvidedError at compile time (Roboflow's test_compilation_of_workflow_with_blocks_
// initialisation_issues): an engine given services but no model manager refuses a detection + crop workflow
// before any input is read, and the error maps to Roboflow's generic 500 workflow body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockInitParameterNotProvidedError, ExecutionEngine } from '../../../engine/index.ts';
import { coreBlocks } from '../../../blocks/index.ts';
import { mapError } from '../../../server/error-map.ts';

const DETECT_AND_CROP = {
  version: '1.0',
  inputs: [{ type: 'WorkflowImage', name: 'image' }],
  steps: [
    { type: 'RoboflowObjectDetectionModel', name: 'detection', image: '$inputs.image', model_id: 'yolov8n-640' },
    { type: 'Crop', name: 'crop', image: '$inputs.image', predictions: '$steps.detection.predictions' },
  ],
  outputs: [{ type: 'JsonField', name: 'crops', selector: '$steps.crop.crops' }],
};

test('an engine with services but no model manager refuses a model step at compile time', () => {
  const engine = new ExecutionEngine({ blocks: coreBlocks, services: {} });
  assert.throws(
    () => engine.compile(DETECT_AND_CROP),
    (error: unknown) => {
      assert.ok(error instanceof BlockInitParameterNotProvidedError);
      assert.equal(
        error.message,
        'Could not resolve init parameter model_manager to initialise step `detection` from plugin: workflows_core.',
      );
      assert.equal(error.context, 'workflow_compilation | steps_initialisation');
      const mapped = mapError(error)!;
      assert.equal(mapped.status, 500);
      assert.equal(mapped.body.error_type, 'BlockInitParameterNotProvidedError');
      assert.equal(mapped.body.inner_error_type, null);
      assert.equal(mapped.body.inner_error_message, 'None');
      assert.equal(mapped.body.python_blocks_output_streams, null);
      return true;
    },
  );
});

test('with a model manager (or without any services, as in embedded use) the workflow compiles', () => {
  const withModels = new ExecutionEngine({ blocks: coreBlocks, services: { models: {} } });
  assert.ok(withModels.compile(DETECT_AND_CROP));
  const bare = new ExecutionEngine({ blocks: coreBlocks });
  assert.ok(bare.compile(DETECT_AND_CROP));
});
