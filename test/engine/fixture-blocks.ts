// A small test plugin: blocks exercising every execution mode of the engine (not mocks of engine code).
import {
  Batch,
  defineBlock,
  Detections,
  FlowControl,
  imagesProperty,
  literal,
  literalOrSelector,
  selector,
  stepSelectorList,
  WorkflowImage,
  type BlockDefinition,
  type BlockManifest,
} from '../../engine/index.ts';

const base = (type: string, rest: Partial<BlockManifest>): BlockManifest => ({
  type,
  humanName: type,
  version: 'v1',
  blockType: 'transformation',
  shortDescription: `test block ${type}`,
  properties: {},
  outputs: [],
  ...rest,
});

/** Element mode: one call per image. */
export const imageSize = defineBlock<{ images: WorkflowImage }>({
  manifest: base('test/image_size@v1', {
    aliases: ['ImageSize'],
    properties: { images: imagesProperty() },
    required: ['images'],
    propertyAliases: { image: 'images' },
    outputs: [
      { name: 'width', kind: ['integer'] },
      { name: 'height', kind: ['integer'] },
    ],
  }),
  run: ({ images }) => ({ width: images.width, height: images.height }),
});

export const batchCalls: number[] = [];
/** Batch mode: one call per batch, boxes = `count` per image. */
export const fakeDetector = defineBlock<{ images: Batch<WorkflowImage>; count: number; confidence: number }>({
  manifest: base('test/fake_detector@v1', {
    blockType: 'model',
    properties: {
      images: imagesProperty(),
      count: literalOrSelector({ type: 'integer', minimum: 0 }, ['integer'], { default: 2 }),
      confidence: literalOrSelector({ type: 'number', minimum: 0, maximum: 1 }, ['float_zero_to_one'], {
        default: 0.5,
      }),
    },
    required: ['images'],
    batchParameters: ['images'],
    outputs: [{ name: 'predictions', kind: ['object_detection_prediction'] }],
  }),
  run: ({ images, count, confidence }) => {
    batchCalls.push(images.length);
    return images.values.map((image) => {
      const n = count;
      const xyxy = new Float32Array(n * 4);
      for (let i = 0; i < n; i++) xyxy.set([10 * i, 10 * i, 10 * i + 20, 10 * i + 10], i * 4);
      const col = (v: unknown) => Array.from({ length: n }, () => v);
      return {
        predictions: new Detections(xyxy, new Float32Array(n).fill(confidence), new Int32Array(n), {
          class_name: col('thing'),
          detection_id: Array.from({ length: n }, (_, i) => `det-${i}`),
          parent_id: col(image!.parentId),
          root_parent_id: col(image!.rootParentId),
          image_dimensions: col([image!.height, image!.width]),
          parent_coordinates: col([image!.rootOrigin.offset_x, image!.rootOrigin.offset_y]),
          parent_dimensions: col([image!.height, image!.width]),
          root_parent_coordinates: col([image!.rootOrigin.offset_x, image!.rootOrigin.offset_y]),
          root_parent_dimensions: col([image!.rootOrigin.height, image!.rootOrigin.width]),
        }),
      };
    });
  },
});

/** Fan-out (+1): one crop per box. */
export const crop = defineBlock<{ images: WorkflowImage; predictions: Detections }>({
  manifest: base('test/crop@v1', {
    properties: { images: imagesProperty(), predictions: selector(['object_detection_prediction']) },
    required: ['images', 'predictions'],
    outputDimensionalityOffset: 1,
    outputs: [{ name: 'crops', kind: ['image'] }],
  }),
  run: ({ images, predictions }) =>
    Array.from({ length: predictions.length }, (_, i) => {
      const [x0, y0, x1, y1] = predictions.box(i);
      return { crops: images.crop(x0, y0, x1, y1, String(predictions.get('detection_id', i))) };
    }),
});

/** Fan-in (−1): children of one parent as a plain list. */
export const collapse = defineBlock<{ data: Batch }>({
  manifest: base('test/collapse@v1', {
    properties: { data: selector(['*']) },
    required: ['data'],
    batchParameters: ['data'],
    outputDimensionalityOffset: -1,
    outputs: [{ name: 'output', kind: ['list_of_values'] }],
  }),
  run: ({ data }) => data.values.map((group) => ({ output: group ? [...(group as Batch)] : [] })),
});

/** Reference-property fan-in: counts children per parent image. */
export const countChildren = defineBlock<{ images: WorkflowImage; children: Batch | null }>({
  manifest: base('test/count_children@v1', {
    properties: { images: imagesProperty(), children: selector(['*']) },
    required: ['images', 'children'],
    inputDimensionalityOffsets: { children: 1 },
    dimensionalityReferenceProperty: 'images',
    acceptsEmptyValues: true,
    outputs: [{ name: 'count', kind: ['integer'] }],
  }),
  run: ({ children }) => ({ count: children ? children.length : 0 }),
});

/** Flow control: continue to next_steps when value >= threshold. */
export const gate = defineBlock<{ value: number; threshold: number; next_steps: string[] }>({
  manifest: base('test/gate@v1', {
    blockType: 'flow_control',
    properties: {
      value: selector(['*']),
      threshold: literalOrSelector({ type: 'number' }, ['float']),
      next_steps: stepSelectorList(),
    },
    required: ['value', 'threshold', 'next_steps'],
    outputs: [],
  }),
  run: ({ value, threshold, next_steps }) => new FlowControl(value >= threshold ? next_steps : []),
});

/** Scalar step. */
export const constant = defineBlock<{ value: unknown }>({
  manifest: base('test/constant@v1', {
    properties: { value: literalOrSelector({}, ['*']) },
    required: ['value'],
    outputs: [{ name: 'out', kind: ['*'] }],
  }),
  run: ({ value }) => ({ out: value }),
});

export const failing = defineBlock<{ images: WorkflowImage }>({
  manifest: base('test/failing@v1', {
    properties: { images: imagesProperty() },
    required: ['images'],
    outputs: [{ name: 'out', kind: ['*'] }],
  }),
  run: () => {
    throw new Error('kaboom from fixture');
  },
});

export const badOutputs = defineBlock<{ images: WorkflowImage }>({
  manifest: base('test/bad_outputs@v1', {
    properties: { images: imagesProperty() },
    required: ['images'],
    outputs: [{ name: 'out', kind: ['*'] }],
  }),
  run: () => ({ wrong: 1 }),
});

export const concurrency = { current: 0, max: 0 };
export const sleeper = defineBlock<{ value: unknown; ms: number }>({
  manifest: base('test/sleeper@v1', {
    properties: { value: literalOrSelector({}, ['*']), ms: literal({ type: 'integer', default: 20 }) },
    required: ['value'],
    outputs: [{ name: 'out', kind: ['*'] }],
  }),
  run: async ({ value, ms }) => {
    concurrency.current++;
    concurrency.max = Math.max(concurrency.max, concurrency.current);
    await new Promise((r) => setTimeout(r, ms));
    concurrency.current--;
    return { out: value };
  },
});

/** Batch block whose `threshold` must be scalar. */
export const batchWithScalar = defineBlock<{ images: Batch<WorkflowImage>; threshold: number }>({
  manifest: base('test/batch_with_scalar@v1', {
    properties: {
      images: imagesProperty(),
      threshold: literalOrSelector({ type: 'number', minimum: 0, maximum: 1 }, ['float_zero_to_one']),
    },
    required: ['images', 'threshold'],
    batchParameters: ['images'],
    outputs: [{ name: 'out', kind: ['float'] }],
  }),
  run: ({ images, threshold }) => images.values.map(() => ({ out: threshold })),
});

export const fixtureBlocks: BlockDefinition<any>[] = [
  imageSize,
  fakeDetector,
  crop,
  collapse,
  countChildren,
  gate,
  constant,
  failing,
  badOutputs,
  sleeper,
  batchWithScalar,
];
