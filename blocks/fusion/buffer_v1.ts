// roboflow_core/buffer@v1: the last `length` values seen by the step, newest first (optionally padded with
// nulls to `length`); the buffer lives as long as the compiled workflow.
import { defineBlock, literal, selector } from '../../engine/index.ts';

interface Params {
  data: unknown;
  length: number;
  pad: boolean;
}

export const bufferV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/buffer@v1',
    aliases: ['Buffer'],
    humanName: 'Buffer',
    version: 'v1',
    blockType: 'fusion',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Returns an array of the last `length` values passed to it.',
    ui: { section: 'video', icon: 'far fa-layer-group' },
    properties: {
      data: selector(['*', 'image', 'list_of_values'], {
        title: 'Data',
        description: 'Value to buffer.',
        examples: ['$steps.visualization'],
      }),
      length: literal(
        { type: 'integer', exclusiveMinimum: 0 },
        { title: 'Length', description: 'How many values to keep.', default: 5 },
      ),
      pad: literal(
        { type: 'boolean' },
        { title: 'Pad', description: 'Pad the output with nulls up to `length`.', default: false },
      ),
    },
    required: ['data'],
    outputs: [{ name: 'output', kind: ['list_of_values'] }],
  },
  run({ data, length, pad }, context) {
    const size = Number(length ?? 5);
    const buffer = (context.state.get(`${context.stepName}:buffer`) as unknown[] | undefined) ?? [];
    context.state.set(`${context.stepName}:buffer`, buffer);
    buffer.unshift(data);
    if (buffer.length > size) buffer.length = size;
    const output = [...buffer];
    if (pad) while (output.length < size) output.push(null);
    return { output };
  },
});
