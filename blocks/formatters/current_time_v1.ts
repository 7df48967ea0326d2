// roboflow_core/current_time@v1: the current time, in a given IANA timezone (default UTC).
import { WorkflowExecutionEngineError, defineBlock, literalOrSelector } from '../../engine/index.ts';

function partsIn(date: Date, timeZone: string): Record<string, string> {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  });
  return Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
}

export const currentTimeV1 = defineBlock<{ timezone: string }>({
  manifest: {
    type: 'roboflow_core/current_time@v1',
    humanName: 'Current Time',
    version: 'v1',
    blockType: 'formatter',
    cacheable: false, // reads the clock (step output cache must not reuse it)
    shortDescription: 'Get the current time in a chosen timezone.',
    ui: { section: 'advanced', icon: 'far fa-clock' },
    properties: {
      timezone: literalOrSelector({ type: 'string' }, ['string'], {
        title: 'Timezone',
        description: 'IANA timezone name.',
        default: 'UTC',
        examples: ['UTC', 'Europe/Warsaw'],
      }),
    },
    outputs: [
      { name: 'timestamp', kind: ['timestamp'] },
      { name: 'iso_string', kind: ['string'] },
      { name: 'date', kind: ['string'] },
      { name: 'time', kind: ['string'] },
    ],
  },
  run({ timezone }, context) {
    const now = new Date();
    let parts: Record<string, string>;
    try {
      parts = partsIn(now, timezone || 'UTC');
    } catch {
      throw new WorkflowExecutionEngineError(
        `Step ${context.stepName}: timezone ${JSON.stringify(timezone)} is not a known IANA timezone`,
      );
    }
    const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00';
    const micros = String(now.getUTCMilliseconds() * 1000).padStart(6, '0');
    const date = `${parts.year}-${parts.month}-${parts.day}`;
    const time = `${parts.hour}:${parts.minute}:${parts.second}`;
    return { timestamp: now, iso_string: `${date}T${time}.${micros}${offset}`, date, time };
  },
});
