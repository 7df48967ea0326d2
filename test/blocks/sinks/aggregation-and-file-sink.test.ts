import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { csvFormatterV1 } from '../../../blocks/formatters/csv_formatter_v1.ts';
import { dataAggregatorV1 } from '../../../blocks/analytics/data_aggregator_v1.ts';
import { localFileSinkV1 } from '../../../blocks/sinks/local_file_sink_v1.ts';
import { context, call, boxes } from '../../helpers/block-call.ts';

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
