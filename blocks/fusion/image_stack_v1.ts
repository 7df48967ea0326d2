// roboflow_core/image_stack@v1: keeps the last `stack_size` frames of a video as JPEG bytes (optionally resized),
// per video_identifier in the workflow's state; `clear` empties the stack before adding the current frame.
import { WorkflowImage, defineBlock, literalOrSelector, selector } from '../../engine/index.ts';

interface Params {
  image: WorkflowImage;
  stack_size: number;
  resolution_width: number | null;
  resolution_height: number | null;
  clear: boolean;
}

async function encode(image: WorkflowImage, width: number | null, height: number | null): Promise<Buffer> {
  if (!width && !height) return image.toJpeg();
  return image
    .toSharp()
    .resize(width ?? undefined, height ?? undefined, { fit: 'fill' })
    .jpeg({ quality: 95 })
    .toBuffer();
}

export const imageStackV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/image_stack@v1',
    humanName: 'Image Stack',
    version: 'v1',
    blockType: 'fusion',
    cacheable: false, // keeps state between runs (step output cache must not reuse it)
    shortDescription: 'Keep a rolling stack of recent video frames.',
    ui: { section: 'video', icon: 'far fa-layer-group' },
    properties: {
      image: selector(['image'], {
        title: 'Image',
        description: 'Frame to add to the stack.',
        examples: ['$inputs.image'],
      }),
      stack_size: literalOrSelector({ type: 'integer', minimum: 1 }, ['integer'], {
        title: 'Stack Size',
        description: 'Frames kept.',
        default: 5,
        examples: [5, '$inputs.stack_size'],
      }),
      resolution_width: literalOrSelector({ anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] }, ['integer'], {
        title: 'Resolution Width',
        description: 'Width frames are resized to (kept when null).',
        default: null,
      }),
      resolution_height: literalOrSelector(
        { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
        ['integer'],
        { title: 'Resolution Height', description: 'Height frames are resized to (kept when null).', default: null },
      ),
      clear: literalOrSelector({ type: 'boolean' }, ['boolean'], {
        title: 'Clear',
        description: 'Empty the stack before adding this frame.',
        default: false,
      }),
    },
    required: ['image'],
    outputs: [
      { name: 'frames', kind: ['list_of_values'] },
      { name: 'frames_count', kind: ['integer'] },
    ],
  },
  async run({ image, stack_size, resolution_width, resolution_height, clear }, context) {
    const key = `${context.stepName}:${image.videoMetadata?.video_identifier ?? image.parentId}`;
    let frames = (context.state.get(key) as Buffer[] | undefined) ?? [];
    if (clear) frames = [];
    frames.push(await encode(image, resolution_width ?? null, resolution_height ?? null));
    const size = Math.max(1, Number(stack_size ?? 5));
    if (frames.length > size) frames = frames.slice(frames.length - size);
    context.state.set(key, frames);
    return { frames: [...frames], frames_count: frames.length };
  },
});
