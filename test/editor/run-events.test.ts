// The editor's run model: folding run channel messages into node states, progress and the re-run message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyMessage,
  durationText,
  firstImage,
  imageFor,
  newRun,
  progress,
  rerunMessage,
} from '../../editor/model/run-events.ts';

const image = (w: number, h: number) => ({ type: 'image' as const, width: w, height: h, jpeg: 'AAAA' });

test('messages move steps from queued to running to their final state', () => {
  let view = newRun('r1', ['a', 'b', 'c', 'd']);
  assert.deepEqual(progress(view), { done: 0, total: 4 });
  const messages = [
    {
      type: 'run_started',
      run_id: 'r1',
      steps: [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }],
      selected: ['a', 'b', 'c', 'd'],
    },
    { type: 'step_started', run_id: 'r1', step: 'a' },
    { type: 'step_finished', run_id: 'r1', step: 'a', duration_ms: 12.5, cached: false, batch_size: 1 },
    { type: 'step_finished', run_id: 'r1', step: 'b', duration_ms: 0.1, cached: true, batch_size: 4 },
    { type: 'step_skipped', run_id: 'r1', step: 'c', reason: 'masked_by_flow_control' },
    { type: 'step_started', run_id: 'r1', step: 'd' },
  ];
  for (const m of messages) view = applyMessage(view, m);
  assert.equal(view.steps.a!.status, 'done');
  assert.equal(view.steps.a!.durationMs, 12.5);
  assert.equal(view.steps.b!.status, 'cached');
  assert.equal(view.steps.c!.reason, 'masked_by_flow_control');
  assert.equal(view.steps.d!.status, 'running');
  assert.deepEqual(progress(view), { done: 3, total: 4 });
  view = applyMessage(view, {
    type: 'step_failed',
    run_id: 'r1',
    step: 'd',
    duration_ms: 3,
    error: { message: 'Error in execution of step $steps.d: boom', error_type: 'StepExecutionError' },
  });
  assert.equal(view.steps.d!.error, 'StepExecutionError: Error in execution of step $steps.d: boom');
  view = applyMessage(view, { type: 'error', run_id: 'r1', status: 500, error: { message: 'boom' } });
  assert.equal(view.running, false);
  assert.equal(view.error, 'boom');
});

test('messages of another run are ignored', () => {
  const view = newRun('r2', ['a']);
  assert.equal(applyMessage(view, { type: 'step_started', run_id: 'r1', step: 'a' }), view);
});

test('the re-run message says how many steps ran', () => {
  assert.equal(rerunMessage({ executed: 3, cached: 6, skipped: 0, total: 9 }), '3 of 9 steps re-run (6 unchanged)');
  assert.equal(rerunMessage({ executed: 9, cached: 0, skipped: 0, total: 9 }), '9 steps run');
  assert.equal(rerunMessage({ executed: 1, cached: 0, skipped: 2, total: 3 }), '1 step run, 2 skipped');
  assert.equal(rerunMessage(null), null);
});

test('durations read as people say them', () => {
  assert.equal(durationText(0.2), '<1 ms');
  assert.equal(durationText(12.4), '12 ms');
  assert.equal(durationText(1430), '1.4 s');
});

test('thumbnails and the image detections are drawn on', () => {
  let view = newRun('r', ['crop', 'det']);
  view = applyMessage(view, {
    type: 'step_finished',
    run_id: 'r',
    step: 'crop',
    cached: false,
    preview: {
      elements: [
        { index: [0, 0], outputs: { crops: image(40, 80) } },
        { index: [0, 1], outputs: { crops: image(50, 60) } },
      ],
      omitted: 0,
    },
  });
  assert.equal(firstImage(view.steps.crop)?.width, 40);
  assert.equal(imageFor(view, [0, 1], [60, 50])?.width, 50);
  assert.equal(imageFor(view, [0, 1], [80, 40]), null, 'sizes must match');
  assert.equal(imageFor(view, [0], null), null);
});
