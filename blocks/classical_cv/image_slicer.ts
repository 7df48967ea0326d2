// Tiling for SAHI-style inference: slice offsets (supervision's InferenceSlicer grid) and the slicer blocks'
// shared manifest and run.
import { randomUUID } from 'node:crypto';
import { defineBlock, type BlockDefinition, type WorkflowImage } from '../../engine/index.ts';
import { cvManifest, floatParam, inputImage, intParam } from './common.ts';
import { invalidParam, positiveInt } from '../common/param-errors.ts';

export type SliceBox = [x0: number, y0: number, x1: number, y1: number];

/**
 * Slice boxes row by row: a stride of size - int(ratio * size) from 0 across the image. v1 clips the last
 * slices at the edge (they may be smaller); v2 moves them inside so all slices have the full size, dropping
 * duplicates.
 */
export function sliceOffsets(
  imageWidth: number,
  imageHeight: number,
  sliceWidth: number,
  sliceHeight: number,
  overlapWidth: number,
  overlapHeight: number,
  keepFullSize: boolean,
): SliceBox[] {
  const starts = (extent: number, size: number, ratio: number): number[] => {
    const stride = Math.max(1, size - Math.trunc(ratio * size));
    const out: number[] = [];
    for (let s = 0; s < extent; s += stride) {
      const start = keepFullSize ? Math.max(0, Math.min(s, extent - size)) : s;
      if (out[out.length - 1] !== start) out.push(start);
      if (keepFullSize && s + size >= extent) break;
    }
    return out;
  };
  const xs = starts(imageWidth, sliceWidth, overlapWidth);
  const ys = starts(imageHeight, sliceHeight, overlapHeight);
  const boxes: SliceBox[] = [];
  for (const y of ys)
    for (const x of xs)
      boxes.push([x, y, Math.min(x + sliceWidth, imageWidth), Math.min(y + sliceHeight, imageHeight)]);
  return boxes;
}

interface Params {
  image: WorkflowImage;
  slice_width?: number;
  slice_height?: number;
  overlap_ratio_width?: number;
  overlap_ratio_height?: number;
}

export function defineImageSlicer(version: 'v1' | 'v2'): BlockDefinition<Params> {
  const keepFullSize = version === 'v2';
  return defineBlock<Params>({
    manifest: cvManifest({
      type: `roboflow_core/image_slicer@${version}`,
      version,
      humanName: 'Image Slicer',
      shortDescription: keepFullSize
        ? 'Tile the input image into a list of equally sized, overlapping slices (edge slices moved inside the image).'
        : 'Tile the input image into a list of overlapping slices (edge slices clipped to the image).',
      blockType: 'transformation',
      icon: 'fal fa-scissors',
      properties: {
        image: inputImage(),
        slice_width: intParam('Slice Width', 'Width of each slice, in pixels.', 640, { minimum: 1 }),
        slice_height: intParam('Slice Height', 'Height of each slice, in pixels.', 640, { minimum: 1 }),
        overlap_ratio_width: floatParam(
          'Overlap Ratio Width',
          'Overlap between consecutive slices in the width dimension, as a fraction of the slice width.',
          0.2,
          ['float_zero_to_one'],
          { minimum: 0, exclusiveMaximum: 1 },
        ),
        overlap_ratio_height: floatParam(
          'Overlap Ratio Height',
          'Overlap between consecutive slices in the height dimension, as a fraction of the slice height.',
          0.2,
          ['float_zero_to_one'],
          { minimum: 0, exclusiveMaximum: 1 },
        ),
      },
      required: ['image'],
      outputs: [{ name: 'slices', kind: ['image'] }],
      outputDimensionalityOffset: 1,
    }),
    run(params, context) {
      const { image } = params;
      const sw = positiveInt(params.slice_width ?? 640, context.stepName, 'slice_width');
      const sh = positiveInt(params.slice_height ?? 640, context.stepName, 'slice_height');
      const ow = Number(params.overlap_ratio_width ?? 0.2);
      const oh = Number(params.overlap_ratio_height ?? 0.2);
      if (!(ow >= 0 && ow < 1)) throw invalidParam(context.stepName, 'overlap_ratio_width', ow, 'a number in [0, 1)');
      if (!(oh >= 0 && oh < 1)) throw invalidParam(context.stepName, 'overlap_ratio_height', oh, 'a number in [0, 1)');
      const slices: Array<{ slices: WorkflowImage }> = [];
      for (const [x0, y0, x1, y1] of sliceOffsets(image.width, image.height, sw, sh, ow, oh, keepFullSize)) {
        const slice = image.crop(x0, y0, x1, y1, `image_slicer.${randomUUID()}`);
        if (slice) slices.push({ slices: slice });
      }
      return slices;
    },
  });
}
