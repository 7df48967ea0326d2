// Error-body scrubbing: stack traces cut to their first line, absolute paths of this machine cut to the file
// name; URLs and API routes are left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrubErrorBody, scrubText } from '../../../server/http/scrub.ts';

test('absolute paths become file names; URLs and routes stay', () => {
  assert.equal(scrubText("ENOENT: open '/tmp/x/models/a/1/weights.onnx'"), "ENOENT: open 'weights.onnx'");
  assert.equal(scrubText('see /home/me/data/outputs/x.csv now'), 'see x.csv now');
  assert.equal(scrubText('http://127.0.0.1:9/tmp/a.png failed'), 'http://127.0.0.1:9/tmp/a.png failed');
  assert.equal(scrubText('POST /workflows/run needs a body'), 'POST /workflows/run needs a body');
});

test('tracebacks keep their first line; nested bodies are scrubbed', () => {
  const error = new Error('boom');
  const body = scrubErrorBody({
    message: 'failed',
    blocks_errors: [{ block_traceback: { traceback: error.stack }, property_details: `at ${process.cwd()}/x.ts` }],
  });
  assert.deepEqual(body.blocks_errors[0]!.block_traceback, { traceback: 'Error: boom' });
  assert.equal(body.blocks_errors[0]!.property_details, 'at x.ts');
});
