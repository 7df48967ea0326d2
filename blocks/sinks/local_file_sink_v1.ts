// roboflow_core/local_file_sink@v1: writes content to files, one per entry or appended to a rotating log.
// Writes stay under the configured write directory when it is set, and are refused when local storage is off
// (services.settings, from WORKFLOW_BLOCKS_WRITE_DIRECTORY / ALLOW_WORKFLOW_BLOCKS_ACCESSING_LOCAL_STORAGE).
import fs from 'node:fs/promises';
import path from 'node:path';
import { defineBlock, literal, literalOrSelector, selector, WorkflowExecutionEngineError } from '../../engine/index.ts';
import { blockSettings, type BlockSettings } from '../common/settings.ts';

interface Params {
  content: string;
  file_type: 'csv' | 'json' | 'txt';
  output_mode: 'separate_files' | 'append_log';
  target_directory: string;
  file_name_prefix: string;
  max_entries_per_file: number;
  disable_sink?: boolean;
}

interface LogState {
  file: string;
  entries: number;
}

function allowedTarget(target: string, stepName: string, settings: BlockSettings): string {
  if (!settings.allowLocalStorage) {
    throw new WorkflowExecutionEngineError(
      `Step ${stepName}: local storage access by workflow blocks is disabled (ALLOW_WORKFLOW_BLOCKS_ACCESSING_LOCAL_STORAGE)`,
    );
  }
  const resolved = path.resolve(target);
  const root = settings.writeDirectory;
  if (root) {
    const relative = path.relative(path.resolve(root), resolved);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new WorkflowExecutionEngineError(
        `Step ${stepName}: target_directory ${target} is outside the allowed directory ${root} (WORKFLOW_BLOCKS_WRITE_DIRECTORY)`,
      );
    }
  }
  return resolved;
}

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '_').replace('.', '_').replace('Z', '');

export const localFileSinkV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/local_file_sink@v1',
    humanName: 'Local File Sink',
    version: 'v1',
    blockType: 'sink',
    cacheable: false, // side effects (step output cache must not reuse it)
    shortDescription: 'Save data to a local file.',
    license: 'Apache-2.0',
    ui: { section: 'data_storage', icon: 'fal fa-file' },
    properties: {
      content: selector(['string'], {
        title: 'Content',
        description: 'Text to save.',
        examples: ['$steps.csv_formatter.csv_content'],
      }),
      file_type: literal(
        { type: 'string', enum: ['csv', 'json', 'txt'] },
        { title: 'File Type', description: 'Type (and extension) of the files written.', default: 'csv' },
      ),
      output_mode: literal(
        { type: 'string', enum: ['separate_files', 'append_log'] },
        { title: 'Output Mode', description: 'One file per entry, or entries appended to a log file.' },
      ),
      target_directory: literalOrSelector({ type: 'string' }, ['string'], {
        title: 'Target Directory',
        description: 'Directory the files go to.',
        examples: ['some/location'],
      }),
      file_name_prefix: literalOrSelector({ type: 'string' }, ['string'], {
        title: 'File Name Prefix',
        description: 'Prefix of file names.',
        default: 'workflow_output',
      }),
      max_entries_per_file: literalOrSelector({ type: 'integer', minimum: 1 }, ['string', 'integer'], {
        title: 'Max Entries Per File',
        description: 'Entries appended to one log file before a new one starts.',
        default: 1024,
      }),
      disable_sink: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        title: 'Disable Sink',
        description: 'Skip writing.',
        default: false,
      }),
    },
    required: ['content', 'output_mode', 'target_directory'],
    outputs: [
      { name: 'error_status', kind: ['boolean'] },
      { name: 'message', kind: ['string'] },
    ],
    executionEngineCompatibility: '>=1.3.0,<2.0.0',
  },
  async run(p, context) {
    if (p.disable_sink || context.request.disableSinks)
      return { error_status: false, message: 'Sink was disabled by parameter `disable_sink`' };
    const directory = allowedTarget(String(p.target_directory), context.stepName, blockSettings(context));
    const extension = p.file_type ?? 'csv';
    const prefix = p.file_name_prefix ?? 'workflow_output';
    try {
      await fs.mkdir(directory, { recursive: true });
      if (p.output_mode === 'separate_files') {
        await fs.writeFile(
          path.join(directory, `${prefix}_${stamp()}_${Math.random().toString(36).slice(2, 8)}.${extension}`),
          String(p.content),
        );
        return { error_status: false, message: 'Data saved successfully' };
      }
      const key = `${context.stepName}:${directory}:${prefix}`;
      let log = context.state.get(key) as LogState | undefined;
      if (!log || log.entries >= Number(p.max_entries_per_file ?? 1024)) {
        log = { file: path.join(directory, `${prefix}_${stamp()}.${extension}`), entries: 0 };
        context.state.set(key, log);
      }
      let content = String(p.content);
      // CSV entries after the first drop their header row.
      if (extension === 'csv' && log.entries > 0) content = content.split('\n').slice(1).join('\n');
      if (extension !== 'csv' && !content.endsWith('\n')) content += '\n';
      await fs.appendFile(log.file, content);
      log.entries += 1;
      return { error_status: false, message: 'Data saved successfully' };
    } catch (error) {
      return { error_status: true, message: `Could not save data: ${(error as Error).message}` };
    }
  },
});
