// roboflow_core/grid_visualization@v1: lays a list of images out on a ceil(sqrt(n)) x ceil(sqrt(n)) grid of equal
// cells (row-major), each image shrunk or grown to fit its cell with its aspect ratio kept and centred in it.
import { randomUUID } from 'node:crypto';
import { defineBlock, literalOrSelector, selector, WorkflowImage } from '../../engine/index.ts';
import { invalidParam, positiveInt } from '../common/param-errors.ts';
import { ImageMemo } from './image_memo.ts';

interface Params {
  images: unknown;
  width: number;
  height: number;
}

// Thumbnails per source image and cell size: a grid fed by a buffer sees the same images frame after frame.
const thumbnails = new ImageMemo<Promise<WorkflowImage>>();

/** The image scaled by min(cellW / w, cellH / h), sizes truncated as Roboflow does. */
function thumbnail(image: WorkflowImage, cellWidth: number, cellHeight: number): Promise<WorkflowImage> {
  return thumbnails.get(image, `${cellWidth}x${cellHeight}`, async () => {
    const scale = Math.min(cellWidth / image.width, cellHeight / image.height);
    const width = Math.max(1, Math.floor(image.width * scale));
    const height = Math.max(1, Math.floor(image.height * scale));
    if (width === image.width && height === image.height) return image;
    const data = await image.toSharp().resize({ width, height, fit: 'fill' }).raw().toBuffer();
    return image.withPixels(new Uint8Array(data), width, height);
  });
}

function asImageList(value: unknown, stepName: string): Array<WorkflowImage | null> {
  const list = Array.isArray(value) ? value : value == null ? [] : [value];
  return list.map((item, i) => {
    if (item == null) return null;
    if (item instanceof WorkflowImage) return item;
    throw invalidParam(stepName, `images[${i}]`, typeof item, 'an image');
  });
}

export async function composeGrid(
  images: Array<WorkflowImage | null>,
  width: number,
  height: number,
): Promise<Uint8Array> {
  const canvas = new Uint8Array(width * height * 3);
  const gridSize = Math.ceil(Math.sqrt(images.length));
  const cellWidth = Math.floor(width / gridSize);
  const cellHeight = Math.floor(height / gridSize);
  if (cellWidth < 1 || cellHeight < 1) return canvas;
  const thumbs = await Promise.all(images.map((image) => (image ? thumbnail(image, cellWidth, cellHeight) : null)));
  thumbs.forEach((thumb, index) => {
    if (!thumb) return;
    const row = Math.floor(index / gridSize);
    const column = index % gridSize;
    const left = Math.max(0, column * cellWidth + Math.floor((cellWidth - thumb.width) / 2));
    const top = Math.max(0, row * cellHeight + Math.floor((cellHeight - thumb.height) / 2));
    const copyWidth = Math.min(thumb.width, width - left);
    const copyHeight = Math.min(thumb.height, height - top);
    for (let y = 0; y < copyHeight; y++) {
      const src = y * thumb.width * 3;
      canvas.set(thumb.pixels.subarray(src, src + copyWidth * 3), ((top + y) * width + left) * 3);
    }
  });
  return canvas;
}

export const gridVisualizationV1 = defineBlock<Params>({
  manifest: {
    type: 'roboflow_core/grid_visualization@v1',
    humanName: 'Grid Visualization',
    version: 'v1',
    blockType: 'visualization',
    shortDescription: 'Shows an array of images in a grid.',
    longDescription:
      'Arranges a list of images on a square grid (ceil(sqrt(n)) cells per side) inside an output image of ' +
      '`width` x `height`, each image resized to fit its cell with its aspect ratio kept, centred, row by row. ' +
      'An empty list gives a black image.',
    searchKeywords: ['annotator'],
    ui: { section: 'visualization', icon: 'far fa-grid' },
    properties: {
      images: {
        anyOf: [{ type: 'array', items: selector(['image']) }, selector(['list_of_values'])],
        description:
          'Images to arrange in a grid layout: a list of image selectors, or one selector of a list of images ' +
          '(e.g. from Buffer, Image Slicer or Dynamic Crop).',
        examples: [['$inputs.image', '$steps.depth_estimation.image'], '$steps.buffer.output'],
      },
      width: literalOrSelector({ type: 'integer' }, ['integer'], {
        description: 'Width of the output grid image in pixels.',
        default: 2560,
        examples: [2560, '$inputs.width'],
      }),
      height: literalOrSelector({ type: 'integer' }, ['integer'], {
        description: 'Height of the output grid image in pixels.',
        default: 1440,
        examples: [1440, '$inputs.height'],
      }),
    },
    required: ['images'],
    outputs: [{ name: 'image', kind: ['image'] }],
  },
  async run(params, context) {
    const width = positiveInt(params.width ?? 2560, context.stepName, 'width');
    const height = positiveInt(params.height ?? 1440, context.stepName, 'height');
    const images = asImageList(params.images, context.stepName);
    const pixels = await composeGrid(images, width, height);
    const first = images.find((image): image is WorkflowImage => image !== null);
    // The grid keeps the first image's lineage (Roboflow copies images[0]); an empty grid is a new root image.
    const image = first
      ? first.withPixels(pixels, width, height)
      : new WorkflowImage(pixels, width, height, { parentId: randomUUID() });
    return { image };
  },
});
