// roboflow_core/vision_event_bundle@v1: writes one Roboflow vision event per call as a self-contained bundle
// `event_<UTC time>_<eventId>.tar.gz` (payload.json + images/<uuid>.jpg) into a local directory, for air-gapped
// sites whose file mover carries bundles out. Written to a dot-file, fsynced, then renamed, so a mover matching
// `event_*.tar.gz` never sees half a bundle. Directory rules are the file sinks' (under the write root).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import tar from 'tar-stream';
import {
  WorkflowExecutionEngineError,
  defineBlock,
  literal,
  literalOrSelector,
  selector,
  selectorDict,
  type JsonSchema,
  type WorkflowImage,
} from '../../engine/index.ts';
import { blockSettings } from '../common/settings.ts';
import { confinedDirectory, openForSink } from '../common/sink-targets.ts';
import {
  buildEventData,
  predictionsToAnnotations,
  VISION_EVENT_TYPES,
  type EventFields,
} from '../common/vision-events.ts';

const BUNDLE_FORMAT_VERSION = 1;
const gzipAsync = promisify(gzip);

interface Params extends EventFields {
  target_directory: string;
  input_image?: WorkflowImage | null;
  output_image?: WorkflowImage | null;
  predictions?: unknown;
  event_type: string;
  solution?: string | null;
  custom_metadata?: Record<string, unknown>;
  fire_and_forget?: boolean;
  disable_sink?: boolean;
  cooldown_seconds?: number;
}

const text = (title: string, description: string): JsonSchema =>
  literalOrSelector([{ type: 'string' }, { type: 'null' }], ['string'], { title, description, default: null });
const choice = (title: string, description: string, values: string[]): JsonSchema =>
  literalOrSelector([{ type: 'string', enum: values }, { type: 'null' }], ['string'], {
    title,
    description,
    default: null,
  });

/** Python's datetime.isoformat() of a UTC time: microseconds and +00:00. */
function isoUtc(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** `%Y%m%dT%H%M%S_%f` of a UTC time. */
function fileStamp(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}T${iso.slice(11, 19).replace(/:/g, '')}_${iso.slice(20, 23)}000`;
}

async function tarGz(members: Array<[string, Buffer]>, mtime: Date): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const [name, data] of members) pack.entry({ name, size: data.length, mtime }, data);
  pack.finalize();
  await done;
  return gzipAsync(Buffer.concat(chunks));
}

/** Dot-file, fsync, rename, fsync the directory: the final name only ever holds a whole bundle. */
async function writeAtomically(directory: string, name: string, data: Buffer): Promise<void> {
  const temporary = path.join(directory, `.${name}.${randomUUID().slice(0, 8)}.tmp`);
  const handle = await openForSink(temporary, false);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temporary, path.join(directory, name));
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  const dir = await fs.open(directory, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

interface BundleResult {
  error_status: boolean;
  message: string;
  event_id: string;
  bundle_path: string;
}

async function writeBundle(
  p: Params,
  directory: string,
  shownDirectory: string,
  eventId: string,
): Promise<BundleResult> {
  const now = new Date();
  const name = `event_${fileStamp(now)}_${eventId}.tar.gz`;
  try {
    const members: Array<[string, Buffer]> = [];
    const image: Record<string, unknown> = {};
    if (p.output_image) {
      const member = `images/${randomUUID()}.jpg`;
      members.push([member, await p.output_image.toSharp().jpeg({ quality: 85 }).toBuffer()]);
      image.file = member;
    }
    if (p.input_image) {
      const member = `images/${randomUUID()}.jpg`;
      members.push([member, await p.input_image.toSharp().jpeg({ quality: 95 }).toBuffer()]);
      image.inputFile = member;
    }
    if (Object.keys(image).length > 0)
      Object.assign(image, { label: 'workflow' }, predictionsToAnnotations(p.predictions));
    const images = Object.keys(image).length > 0 ? [image] : [];
    const payload: Record<string, unknown> = {
      bundleFormatVersion: BUNDLE_FORMAT_VERSION,
      eventId,
      eventType: p.event_type,
      timestamp: isoUtc(now),
      images,
    };
    if (p.solution) payload.useCaseId = p.solution;
    const eventData = buildEventData(String(p.event_type), p);
    if (Object.keys(eventData).length > 0) payload.eventData = eventData;
    if (p.custom_metadata && Object.keys(p.custom_metadata).length > 0) payload.customMetadata = p.custom_metadata;
    if (images.length > 0) payload.displayImagePosition = 0;
    members.unshift(['payload.json', Buffer.from(JSON.stringify(payload, null, 2))]);
    await writeAtomically(directory, name, await tarGz(members, now));
    return {
      error_status: false,
      message: 'Vision event bundle written successfully',
      event_id: eventId,
      bundle_path: path.join(shownDirectory, name),
    };
  } catch (error) {
    // The code only: system error messages hold this machine's absolute paths.
    const code = (error as NodeJS.ErrnoException).code;
    return {
      error_status: true,
      message: `Error writing vision event bundle: ${(error as Error).name}${code ? ` (${code})` : ''}`,
      event_id: '',
      bundle_path: '',
    };
  }
}

export const visionEventBundleV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/vision_event_bundle@v1',
    humanName: 'Write Vision Event Bundle',
    version: 'v1',
    blockType: 'sink',
    cacheable: false,
    shortDescription: 'Write vision events as self-contained tarball bundles to a local directory.',
    longDescription:
      'One `event_<UTC time>_<eventId>.tar.gz` per event (payload.json in the Vision Events shape with ' +
      '`bundleFormatVersion` 1, images under images/), written atomically under the server write directory for ' +
      'a file mover to carry out of an air-gapped network. At most one event per `cooldown_seconds`.',
    ui: { section: 'data_storage', icon: 'fal fa-box-archive', blockPriority: 2, local_only: true },
    properties: {
      target_directory: literalOrSelector({ type: 'string' }, ['string'], {
        title: 'Target Directory',
        description: 'Directory the bundles go to (relative paths are taken from the server write directory).',
        examples: ['vision-event-bundles'],
      }),
      input_image: selector(['image'], { title: 'Input Image', description: 'The original input image.' }),
      output_image: selector(['image'], { title: 'Output Image', description: 'A visualized image, shown first.' }),
      predictions: selector(
        [
          'object_detection_prediction',
          'instance_segmentation_prediction',
          'keypoint_detection_prediction',
          'classification_prediction',
        ],
        { title: 'Predictions', description: 'Predictions stored as annotations of the input image.' },
      ),
      event_type: literalOrSelector({ type: 'string', enum: [...VISION_EVENT_TYPES] }, ['string'], {
        title: 'Event Type',
        description: 'The type of vision event.',
        examples: ['quality_check', '$inputs.event_type'],
      }),
      solution: literalOrSelector([{ type: 'string' }, { type: 'null' }], ['roboflow_solution', 'string'], {
        title: 'Use Case',
        description: 'Optional use case stored as useCaseId (leave unset in air-gapped sites).',
        default: null,
      }),
      external_id: text('External ID', 'External identifier for correlation with other systems.'),
      qc_result: choice('Result', 'Quality check result.', ['pass', 'fail']),
      location: text('Location', 'Location identifier for inventory count.'),
      item_count: literalOrSelector([{ type: 'integer' }, { type: 'null' }], ['integer'], {
        title: 'Item Count',
        description: 'Number of items counted.',
        default: null,
      }),
      item_type: text('Item Type', 'Type of item being counted.'),
      alert_type: text('Alert Type', 'Alert type identifier.'),
      severity: choice('Severity', 'Severity of the safety alert.', ['low', 'medium', 'high']),
      alert_description: text('Description', 'Description of the safety alert.'),
      custom_value: text('Value', 'Arbitrary value for custom events.'),
      related_event_id: text('Related Event ID', 'The event reviewed by operator feedback.'),
      feedback: choice('Feedback', 'Operator feedback on the related event.', ['correct', 'incorrect', 'inconclusive']),
      custom_metadata: selectorDict(
        ['*'],
        { title: 'Custom Metadata', description: 'Flat key-value metadata of the event.', default: {} },
        { type: ['string', 'number', 'integer', 'boolean'] },
      ),
      fire_and_forget: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        title: 'Fire and Forget',
        description: 'Write in the background without waiting.',
        default: true,
      }),
      disable_sink: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        title: 'Disable Sink',
        description: 'Write nothing.',
        default: false,
      }),
      cooldown_seconds: literalOrSelector({ type: 'number', minimum: 0 }, ['integer', 'float'], {
        title: 'Cooldown',
        description: 'Minimum seconds between two bundles of this step (0: no limit).',
        default: 1,
      }),
    },
    required: ['target_directory', 'event_type'],
    outputs: [
      { name: 'error_status', kind: ['boolean'] },
      { name: 'throttling_status', kind: ['boolean'] },
      { name: 'event_id', kind: ['string'] },
      { name: 'bundle_path', kind: ['string'] },
      { name: 'message', kind: ['string'] },
    ],
  },
  async run(p, context) {
    const quiet = { error_status: false, throttling_status: false, event_id: '', bundle_path: '' };
    if (p.disable_sink || context.request.disableSinks) {
      return {
        ...quiet,
        message: context.request.disableSinks
          ? 'Sink was disabled by workflow execution policy'
          : 'Sink was disabled by parameter `disable_sink`',
      };
    }
    const settings = blockSettings(context);
    if (!settings.allowLocalStorage) {
      throw new WorkflowExecutionEngineError(
        `Step ${context.stepName}: local storage access by workflow blocks is disabled (ALLOW_WORKFLOW_BLOCKS_ACCESSING_LOCAL_STORAGE)`,
      );
    }
    const cooldown = Math.max(Number(p.cooldown_seconds ?? 1), 0);
    const key = `${context.stepName}:vision-event-bundle-last`;
    const last = context.state.get(key) as number | undefined;
    if (last !== undefined && (Date.now() - last) / 1000 < cooldown) {
      return { ...quiet, throttling_status: true, message: 'Sink cooldown applies' };
    }
    // A bad directory fails the step now rather than vanishing into a background write.
    const target = String(p.target_directory);
    const directory = await confinedDirectory(target, settings.writeDirectory, context.stepName);
    // Paths are reported as the workflow named them (relative to the write directory), not this machine's.
    const shown = path.isAbsolute(target) || !settings.writeDirectory ? target : path.normalize(target);
    context.state.set(key, Date.now());
    const eventId = randomUUID();
    if (p.fire_and_forget ?? true) {
      void writeBundle(p, directory, shown, eventId);
      return { ...quiet, message: 'Vision event bundle written in background task' };
    }
    return { ...(await writeBundle(p, directory, shown, eventId)), throttling_status: false };
  },
});
