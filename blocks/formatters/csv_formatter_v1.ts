// roboflow_core/csv_formatter@v1: one CSV row per batch element (plus a `timestamp` column); the whole CSV is
// returned for the first element and null for the others, so one sink write holds the batch.
import { Batch, defineBlock, isBatch, literal, selectorDict } from '../../engine/index.ts';
import { executeOperations, pyStr, type OperationDefinition } from '../common/uql/index.ts';

interface Params {
  columns_data: Record<string, unknown> | Batch<Record<string, unknown>>;
  columns_operations: Record<string, OperationDefinition[]>;
}

function csvCell(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ''
      : typeof value === 'object' && !(value instanceof Date)
        ? JSON.stringify(value)
        : pyStr(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function rows(columns: Params['columns_data']): Array<Record<string, unknown>> {
  if (isBatch(columns)) return columns.values.map((v) => v ?? {});
  const entries = Object.entries(columns ?? {});
  const length = entries.reduce((n, [, v]) => (isBatch(v) ? Math.max(n, v.length) : n), 0);
  if (length === 0) return [Object.fromEntries(entries)];
  return Array.from({ length }, (_, i) =>
    Object.fromEntries(entries.map(([k, v]) => [k, isBatch(v) ? v.values[i] : v])),
  );
}

export const csvFormatterV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/csv_formatter@v1',
    humanName: 'CSV Formatter',
    version: 'v1',
    blockType: 'formatter',
    cacheable: false, // stamps the time (step output cache must not reuse it)
    shortDescription: 'Create CSV files with specified columns.',
    ui: { section: 'data_storage', icon: 'fas fa-file-csv' },
    properties: {
      columns_data: selectorDict(['*'], {
        title: 'Columns Data',
        description: 'Column name to value.',
        examples: [{ predictions: '$steps.model.predictions', reference: '$inputs.reference' }],
      }),
      columns_operations: literal(
        { type: 'object', additionalProperties: { type: 'array' } },
        { title: 'Columns Operations', description: 'UQL operations applied to column values.', default: {} },
      ),
    },
    required: ['columns_data'],
    outputs: [{ name: 'csv_content', kind: ['string'] }],
    batchOrScalarParameters: ['columns_data'],
  },
  async run({ columns_data, columns_operations }, context) {
    const timestamp = new Date().toISOString();
    const table = rows(columns_data);
    const names = [...new Set(table.flatMap((r) => Object.keys(r)).filter((k) => k !== 'timestamp')), 'timestamp'];
    const lines = [names.map(csvCell).join(',')];
    for (const row of table) {
      const cells: unknown[] = [];
      for (const name of names) {
        if (name === 'timestamp') cells.push(timestamp);
        else
          cells.push(
            await executeOperations(row[name], columns_operations?.[name], {
              parameters: row,
              executionContext: `step: ${context.stepName} | columns_operations.${name}`,
            }),
          );
      }
      lines.push(cells.map(csvCell).join(','));
    }
    const csv = `${lines.join('\n')}\n`;
    const batched = isBatch(columns_data) || Object.values(columns_data ?? {}).some(isBatch);
    return batched ? table.map((_, i) => ({ csv_content: i === 0 ? csv : null })) : { csv_content: csv };
  },
});
