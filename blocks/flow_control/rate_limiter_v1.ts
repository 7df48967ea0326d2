// roboflow_core/rate_limiter@v1: lets the branch continue at most once per cooldown; for video frames the time
// comes from the frame timestamps (or frame numbers and fps) of video_reference_image.
import { FlowControl, WorkflowImage, defineBlock, literal, selector, stepSelectorList } from '../../engine/index.ts';
import { nowSeconds } from '../common/video.ts';

interface Params {
  cooldown_seconds: number;
  depends_on: unknown;
  next_steps: string[];
  video_reference_image: WorkflowImage | null;
}

export const rateLimiterV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/rate_limiter@v1',
    humanName: 'Rate Limiter',
    version: 'v1',
    blockType: 'flow_control',
    cacheable: false, // reads the clock, keeps state (step output cache must not reuse it)
    shortDescription: 'Limit the execution frequency of a branch.',
    ui: { section: 'flow_control', icon: 'far fa-clock' },
    properties: {
      cooldown_seconds: literal(
        { type: 'number', minimum: 0 },
        { title: 'Cooldown Seconds', description: 'Minimum time between runs of the branch.', default: 1.0 },
      ),
      depends_on: selector(['*'], {
        title: 'Depends On',
        description: 'Step output the rate limiter follows.',
        examples: ['$steps.model'],
      }),
      next_steps: stepSelectorList({
        title: 'Next Steps',
        description: 'Steps to run when allowed.',
        examples: [['$steps.upload']],
      }),
      video_reference_image: selector(['image'], {
        title: 'Video Reference Image',
        description: 'Frame whose metadata gives the time, for video files.',
      }),
    },
    required: ['depends_on', 'next_steps'],
    outputs: [],
  },
  run({ cooldown_seconds, next_steps, video_reference_image }, context) {
    const key = `${context.stepName}:${video_reference_image?.videoMetadata?.video_identifier ?? 'default'}`;
    const now = nowSeconds(video_reference_image ?? null);
    const last = context.state.get(key) as number | undefined;
    if (last !== undefined && now - last < Number(cooldown_seconds ?? 1)) return new FlowControl(null);
    context.state.set(key, now);
    return new FlowControl(next_steps);
  },
});
