// roboflow_core/local_file_sink@v1: writes content to files, one per entry or appended to a rotating log.
// Writes stay under the write directory (services.settings: WORKFLOW_BLOCKS_WRITE_DIRECTORY, by default
// <data dir>/outputs) after symlinks are resolved, and are refused when local storage is off
// (ALLOW_WORKFLOW_BLOCKS_ACCESSING_LOCAL_STORAGE); see blocks/common/sink-targets.ts.
import path from 'node:path';
import { defineBlock, literal, literalOrSelector, selector, WorkflowExecutionEngineError } from '../../engine/index.ts';
import { blockSettings, type BlockSettings } from '../common/settings.ts';
import { checkFilePrefix, confinedDirectory, openForSink } from '../common/sink-targets.ts';

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

function checkAllowed(stepName: string, settings: BlockSettings): void {
  if (!settings.allowLocalStorage) {
    throw new WorkflowExecutionEngineError(
      `Step ${stepName}: local storage access by workflow blocks is disabled (ALLOW_WORKFLOW_BLOCKS_ACCESSING_LOCAL_STORAGE)`,
    );
  }
}

async function writeTo(file: string, content: string, append: boolean): Promise<void> {
  const handle = await openForSink(file, append);
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
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
  },
  async run(p, context) {
    if (p.disable_sink || context.request.disableSinks)
      return { error_status: false, message: 'Sink was disabled by parameter `disable_sink`' };
    const settings = blockSettings(context);
    checkAllowed(context.stepName, settings);
    const extension = p.file_type ?? 'csv';
    const prefix = checkFilePrefix(String(p.file_name_prefix ?? 'workflow_output'), context.stepName);
    const directory = await confinedDirectory(String(p.target_directory), settings.writeDirectory, context.stepName);
    try {
      if (p.output_mode === 'separate_files') {
        await writeTo(
          path.join(directory, `${prefix}_${stamp()}_${Math.random().toString(36).slice(2, 8)}.${extension}`),
          String(p.content),
          false,
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
      await writeTo(log.file, content, true);
      log.entries += 1;
      return { error_status: false, message: 'Data saved successfully' };
    } catch (error) {
      // The code only: the error's own message holds the absolute path.
      const code = (error as NodeJS.ErrnoException).code;
      return {
        error_status: true,
        message: `Could not save data${code ? ` (${code}${code === 'ENOSPC' ? ': the disk is full' : ''})` : ''}`,
      };
    }
  },
});
