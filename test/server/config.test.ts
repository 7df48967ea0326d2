import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../server/config.ts';

test('settings: one parser for booleans, numbers and lists', () => {
  const config = loadConfig({
    PORT: '0',
    ALLOW_URL_INPUT: 'No',
    ENABLE_WORKFLOWS_PROFILING: 'on',
    WORKFLOWS_MAX_CONCURRENT_STEPS: ' 3 ',
    URL_INPUT_ALLOW_LIST: 'a.example, ,b.example',
    ALLOW_WORKFLOW_BLOCKS_ACCESSING_LOCAL_STORAGE: 'false',
    WORKFLOWS_MAX_INNER_WORKFLOW_DEPTH: '2',
    SIGHTLINE_HEAP_GROWTH_PERCENT: '0',
  });
  assert.equal(config.port, 0);
  assert.equal(config.allowUrlInput, false);
  assert.equal(config.profilingAvailable, true);
  assert.equal(config.maxConcurrentSteps, 3);
  assert.deepEqual(config.urlAllowList, ['a.example', 'b.example']);
  assert.equal(config.blockSettings.allowLocalStorage, false);
  assert.deepEqual(config.innerWorkflowLimits, { maxDepth: 2, maxCount: 32 });
  assert.equal(config.heapGrowthPercent, 0);
});

test('settings: unset or empty values take the defaults', () => {
  const config = loadConfig({ PORT: '', LEGACY_ROUTE_ENABLED: '' });
  assert.equal(config.port, 9001);
  assert.equal(config.legacyRouteEnabled, true);
  assert.equal(config.heapGrowthPercent, 300);
  // File sinks write under <data dir>/outputs unless told otherwise; workflows read no variable by default.
  assert.equal(config.blockSettings.writeDirectory, `${config.dataDir}/outputs`);
  assert.deepEqual(config.blockSettings.secretsAllowed, []);
  assert.deepEqual(config.blockSettings.environment, {});
});

test('settings: a bad value is refused with an error naming the variable', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['ALLOW_URL_INPUT', 'maybe', /ALLOW_URL_INPUT="maybe".*one of 1, true/],
    ['PORT', 'ninety', /PORT="ninety".*an integer >= 0/],
    ['WORKFLOWS_MAX_CONCURRENT_STEPS', '0', /WORKFLOWS_MAX_CONCURRENT_STEPS="0".*>= 1/],
    ['MAX_ACTIVE_MODELS', '2.5', /MAX_ACTIVE_MODELS="2.5".*an integer/],
    ['SIGHTLINE_HEAP_GROWTH_PERCENT', '-5', /SIGHTLINE_HEAP_GROWTH_PERCENT="-5".*>= 0/],
  ];
  for (const [name, value, message] of cases) {
    assert.throws(
      () => loadConfig({ [name]: value }),
      (error: unknown) => error instanceof ConfigError && error.variable === name && message.test(error.message),
      name,
    );
  }
});
