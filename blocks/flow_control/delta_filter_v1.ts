// roboflow_core/delta_filter@v1: lets the branch continue only when `value` differs from the value seen on the
// previous frame of the same video.
import { FlowControl, WorkflowImage, defineBlock, selector, stepSelectorList } from '../../engine/index.ts';
import { videoOf } from '../common/video.ts';

interface Params {
  image: WorkflowImage;
  value: unknown;
  next_steps: string[];
}

const comparable = (value: unknown): string =>
  JSON.stringify(value, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v));

export const deltaFilterV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/delta_filter@v1',
    humanName: 'Delta Filter',
    version: 'v1',
    blockType: 'flow_control',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Trigger next steps only when the input value changes.',
    ui: { section: 'flow_control', icon: 'far fa-filter' },
    properties: {
      image: selector(['image'], {
        title: 'Image',
        description: 'Video frame, selecting the per-video state.',
        examples: ['$inputs.image'],
      }),
      value: selector(['*'], {
        title: 'Value',
        description: 'Value whose changes let the branch continue.',
        examples: ['$steps.line_counter.count_in'],
      }),
      next_steps: stepSelectorList({
        title: 'Next Steps',
        description: 'Steps to run when the value changed.',
        examples: [['$steps.write_to_csv']],
      }),
    },
    required: ['image', 'value', 'next_steps'],
    outputs: [],
    executionEngineCompatibility: '>=1.4.0,<2.0.0',
  },
  run({ image, value, next_steps }, context) {
    const key = `${context.stepName}:delta:${videoOf(image).id}`;
    const current = comparable(value);
    const changed = context.state.get(key) !== current;
    context.state.set(key, current);
    return new FlowControl(changed ? next_steps : null);
  },
});
