// roboflow_core/frame_delay@v1: returns the `data` seen |offset| frames earlier in the same video (null until
// that many frames have passed). Buffers are kept per video_identifier in the workflow's state.
import { WorkflowImage, defineBlock, literalOrSelector, selector } from '../../engine/index.ts';

interface Params {
  image: WorkflowImage;
  data: unknown;
  offset: number;
}

export const frameDelayV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/frame_delay@v1',
    aliases: ['FrameDelay', 'roboflow_core/time_travel@v1', 'TimeTravel'],
    humanName: 'Frame Delay',
    version: 'v1',
    blockType: 'fusion',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Access data from previous video frames.',
    ui: { section: 'video', icon: 'far fa-clock-rotate-left' },
    properties: {
      image: selector(['image'], {
        title: 'Image',
        description: 'Video frame, identifying the video and frame.',
        examples: ['$inputs.image'],
      }),
      data: selector(
        [
          '*',
          'image',
          'object_detection_prediction',
          'instance_segmentation_prediction',
          'keypoint_detection_prediction',
          'list_of_values',
        ],
        {
          title: 'Data',
          description: 'Value to remember across frames.',
          examples: ['$steps.model.predictions'],
        },
      ),
      offset: literalOrSelector({ type: 'integer' }, ['integer'], {
        title: 'Offset',
        description: 'How many frames back (negative or positive, its size counts).',
        examples: [-1, '$inputs.offset'],
      }),
    },
    required: ['image', 'data', 'offset'],
    outputs: [
      { name: 'output', kind: ['*'] },
      { name: 'is_available', kind: ['boolean'] },
      { name: 'reference_frame_number', kind: ['integer'] },
    ],
  },
  run({ image, data, offset }, context) {
    const video = image.videoMetadata?.video_identifier ?? image.parentId;
    const frame = image.videoMetadata?.frame_number ?? 0;
    const key = `${context.stepName}:${video}`;
    const history = (context.state.get(key) as unknown[] | undefined) ?? [];
    context.state.set(key, history);
    const distance = Math.abs(Number(offset));
    const available = distance === 0 ? true : history.length >= distance;
    const output = distance === 0 ? data : available ? history[history.length - distance] : null;
    history.push(data);
    // Only as many frames as the offset reaches back are kept.
    if (history.length > distance) history.splice(0, history.length - distance);
    return { output: output ?? null, is_available: available, reference_frame_number: frame };
  },
});
